"""Cells a spreadsheet would run as a formula are neutralised in every CSV we write."""

import io

import pytest

from elief.csvexport import safe_cell, writer


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+Vlinders", "'+Vlinders"),
        ("-Vlinders", "'-Vlinders"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        # Figures stay figures: a negative "free" in the day plan is -2, not '-2.
        ("-2", "-2"),
        ("-12.50", "-12.50"),
        ("+3", "+3"),
        ("Vlinders", "Vlinders"),
        ("", ""),
        (-2, -2),
    ],
)
def test_a_formula_is_neutralised_and_a_figure_kept(value, written):
    assert safe_cell(value) == written


def test_the_writer_neutralises_every_cell():
    out = io.StringIO()
    csv_writer = writer(out)
    csv_writer.writerow(["date", "site", "free"])
    csv_writer.writerows([["2026-12-10", '=HYPERLINK("x")', -2]])
    assert out.getvalue() == 'date,site,free\n2026-12-10,"\'=HYPERLINK(""x"")",-2\n'

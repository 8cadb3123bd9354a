"""The Dutch catalogue covers every string the code and the templates mark for translation.

Extraction runs on a copy of the project, so the committed catalogue is compared with
what `makemessages` would make of it without being rewritten.
"""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# What extraction reads: the apps' code and the templates; not the environment or data.
SKIPPED = shutil.ignore_patterns(
    ".*", "__pycache__", "var", "node_modules", "test-results", "*.mo", "*.sqlite3"
)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} (GNU gettext) is needed to check the catalogue; install gettext")
    return path


def _entries(po: Path, *flags: str) -> list[str]:
    """The msgids `msgattrib` selects with the given flags, the header left out."""
    out = subprocess.run(
        [_tool("msgattrib"), "--no-obsolete", "--no-wrap", *flags, str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        line.removeprefix("msgid ")
        for line in out.splitlines()
        if line.startswith("msgid ") and line != 'msgid ""'
    ]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> tuple[Path, str]:
    """The catalogue as `makemessages -l nl` leaves it after reading a copy of the project."""
    _tool("xgettext")
    copy = tmp_path_factory.mktemp("project") / "elief"
    shutil.copytree(settings.BASE_DIR, copy, ignore=SKIPPED)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-obsolete"],
        cwd=copy,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "SECRET_KEY": "x" * 50},
    )
    assert result.returncode == 0, result.stderr
    return copy / "locale" / "nl" / "LC_MESSAGES" / "django.po", result.stdout + result.stderr


def test_extraction_reads_every_file_without_warnings(extracted) -> None:
    # xgettext stops reading a file at what it cannot parse, silently dropping the strings
    # after it.
    _, output = extracted
    warnings = [line for line in output.splitlines() if "warning" in line.lower()]
    assert warnings == []


def test_every_marked_string_has_a_dutch_translation(extracted) -> None:
    po, _ = extracted
    assert _entries(po, "--untranslated") == []


def test_no_translation_is_fuzzy(extracted) -> None:
    po, _ = extracted
    assert _entries(po, "--only-fuzzy") == []


def test_the_committed_catalogue_holds_every_extracted_string(extracted) -> None:
    po, _ = extracted
    committed = set(_entries(PO, "--translated"))
    assert [msgid for msgid in _entries(po) if msgid not in committed] == []


def test_the_compiled_catalogue_matches_its_source(tmp_path) -> None:
    compiled = tmp_path / "django.mo"
    subprocess.run([_tool("msgfmt"), "-o", str(compiled), str(PO)], check=True)
    with compiled.open("rb") as fresh, MO.open("rb") as committed:
        expected = gettext.GNUTranslations(fresh)._catalog
        actual = gettext.GNUTranslations(committed)._catalog
    stale = sorted(str(key) for key in expected.keys() ^ actual.keys())
    changed = sorted(
        str(key) for key in expected.keys() & actual.keys() if expected[key] != actual[key]
    )
    assert (stale, changed) == ([], []), "run: python manage.py compilemessages -l nl"

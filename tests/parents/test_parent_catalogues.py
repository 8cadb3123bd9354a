"""Every string of the parent pages is translated in each of the families' languages.

The parent strings are the Dutch catalogue's entries that the parent pages' templates or the
parents app's code use (its #: references; the models' names are the admin's, not the
parents'); the other catalogues may leave the staff's
strings empty.
"""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
PARENT_FILES = re.compile(
    r"(templates/parents/(base|_day|home|ask|error|reminder)\.html|parents/(services|forms|views|rules|selectors|sms)\.py):"
)


def _entries(po: Path) -> dict[str, str]:
    """msgid -> (msgstr, references) of a catalogue, obsolete entries left out."""
    out = subprocess.run(
        ["msgattrib", "--no-obsolete", "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    entries = {}
    for block in out.split("\n\n"):
        refs = " ".join(line for line in block.splitlines() if line.startswith("#:"))
        found = re.search(r'^msgid "(.*)"\nmsgstr "(.*)"$', block, re.M)
        if found and found.group(1):
            entries[found.group(1)] = (found.group(2), refs)
    return entries


def _parent_ids() -> set[str]:
    nl = _entries(LOCALE / "nl" / "LC_MESSAGES" / "django.po")
    return {msgid for msgid, (_msgstr, refs) in nl.items() if PARENT_FILES.search(refs)}


@pytest.mark.parametrize("lang", ["fr", "en", "ar", "tr", "pl", "uk"])
def test_every_parent_string_is_translated(lang):
    parent_ids = _parent_ids()
    assert len(parent_ids) > 30
    catalogue = _entries(LOCALE / lang / "LC_MESSAGES" / "django.po")
    missing = sorted(i for i in parent_ids if not catalogue.get(i, ("", ""))[0])
    assert not missing, f"{lang}: {missing}"
    assert (LOCALE / lang / "LC_MESSAGES" / "django.mo").exists()

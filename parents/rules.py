"""The parents' rules, without the database."""

import datetime as dt
import hashlib

# The absence codes a parent may choose (DESIGN.md: "ziek" or "andere").
SICK = "ziek"
OTHER = "andere"
PARENT_ABSENCE_CODES = (SICK, OTHER)

# The marker in a booking change's `after` that says a parent made it through the link.
BY_PARENT = "parent"

# How far ahead the parent page shows the bookings.
DAYS_AHEAD = 14

# Home languages as coordinators type them (Dutch or English names, or the code) and the
# language of the parent page they open in.
_LANGUAGE_NAMES = {
    "nl-be": ("nederlands", "vlaams", "dutch", "flemish", "nl", "nl-be"),
    "fr": ("frans", "french", "français", "francais", "fr"),
    "en": ("engels", "english", "en"),
    "ar": ("arabisch", "arabic", "العربية", "ar"),
    "tr": ("turks", "turkish", "türkçe", "turkce", "tr"),
    "pl": ("pools", "polish", "polski", "pl"),
    "uk": ("oekraïens", "oekraiens", "ukrainian", "українська", "uk"),
}
_CODE_OF_NAME = {name: code for code, names in _LANGUAGE_NAMES.items() for name in names}


def token_hash(token: str) -> str:
    """Only this digest is stored: a leaked database holds no working link."""
    return hashlib.sha256(token.encode()).hexdigest()


def parent_language(home_languages: list[str], *, available: list[str], default: str) -> str:
    """The first of the family's home languages the parent page speaks, else `default`."""
    for language in home_languages:
        code = _CODE_OF_NAME.get(language.strip().lower())
        if code in available:
            return code
    return default


def may_report_absence(*, day: dt.date, opens: dt.time, now: dt.datetime) -> bool:
    """A parent reports an absence up to the site's opening time on the day; later the
    staff record what happened."""
    return now < dt.datetime.combine(day, opens, tzinfo=now.tzinfo)


def may_confirm(*, day: dt.date, today: dt.date) -> bool:
    """Confirming is for tomorrow's booking (the evening reminder) and today's."""
    return today <= day <= today + dt.timedelta(days=1)

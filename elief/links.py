"""URLs of the many rows of one page, each pattern reversed once.

A day plan or today's list links every row to a handful of views; reversing each URL per
row cost most of the page's time. The pattern is reversed once with a placeholder id and
each row's id is put in its place.
"""

from collections.abc import Callable

from django.urls import reverse

# An id no row has (the largest a PostgreSQL integer holds), so it cannot occur by chance.
_PLACEHOLDER = "2147483647"


def url_for_each(name: str, *args: object) -> Callable[[int], str]:
    """`reverse(name, args=[*args, object_id])` as a function of the id, reversing once."""
    prefix, found, suffix = reverse(name, args=[*args, _PLACEHOLDER]).partition(_PLACEHOLDER)
    if not found:
        raise ValueError(f"The URL {name} does not end in an object's id.")
    return lambda object_id: f"{prefix}{object_id}{suffix}"

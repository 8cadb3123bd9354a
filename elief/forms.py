"""Form pieces every app shares."""

from django.core.exceptions import ValidationError


class OpeningHoursMixin:
    """A form whose `start` and `end` must lie within the opening hours of `self.site`."""

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            try:
                self.site.check_opening_hours(start, end, fields=("start", "end"))
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

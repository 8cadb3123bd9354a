"""Logging filters named in settings.LOGGING."""

import logging


class ForbiddenOnOneLine(logging.Filter):
    """A refused page (403) is logged as one WARNING line with its path and user id.

    Django logs every PermissionDenied with its traceback; a user following an old link
    to another role's page is routine and the traceback only hides the lines that matter.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403:
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        user_id = getattr(user, "pk", None) if user is not None else None
        record.msg = "Forbidden: %s (user %s)"
        record.args = (getattr(request, "path", "?"), user_id if user_id is not None else "-")
        record.exc_info = None
        record.exc_text = None
        return True

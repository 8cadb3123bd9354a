"""The access log's door for views: every view that shows or changes a family's
personal data calls `record_access` once, whichever app the view lives in."""

from django.http import HttpRequest

from families import services
from families.models import FamilyAccess


def record_access(request: HttpRequest, *family_ids: int | None, what: str = "") -> None:
    """Log that the signed-in user was shown (GET) or changed (POST) these families' data.

    Pass `None` for a family not known yet (a referral before its family exists).
    Only the path is kept, never the query string: a search may hold a name.
    """
    if not what:
        showing = request.method in ("GET", "HEAD")
        what = FamilyAccess.What.VIEW if showing else FamilyAccess.What.EDIT
    # A parent through the family's link has no account: the row names the page only.
    user = request.user if request.user.is_authenticated else None
    services.family_access_record(user=user, family_ids=family_ids, page=request.path, what=what)

"""The one place that decides what a user may see.

Every selector filters its queryset through `scope_to_sites`, and every view that takes
a site id fetches it with `site_for_user`, so a user of site A never reads site B:
objects of another site answer 404, pages a role may not use answer 403.

Partner organisations (and their contact persons) are not tied to a site: they are
shared across the vzw, since a referring organisation works with every site. So any
coordinator, and an administrator, reads and edits all of them; a referrer only their
own organisation; staff and board members none (403). `organisations_for` and
`scope_to_organisations` say so for every selector and view that reads them.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from elief import throttle
from elief.models import Organisation, Role, Site, User


def sites_for(user: User) -> QuerySet[Site]:
    if not user.is_authenticated:
        return Site.objects.none()
    if user.sees_all_sites:
        return Site.objects.all()
    if user.role in (Role.COORDINATOR, Role.STAFF):
        return user.sites.all()
    return Site.objects.none()


def scope_to_sites(queryset: QuerySet, user: User, *, site_field: str = "site") -> QuerySet:
    """Keep the rows of `queryset` whose `site_field` is a site the user may see.

    The rows of the user's own sites are joined through the membership: a user holds a
    site at most once, so the join adds no rows, and it costs the ORM less than the list
    of the user's sites as a subquery (every page reads through here)."""
    if user.is_authenticated and user.sees_all_sites:
        return queryset
    if not user.is_authenticated or user.role not in (Role.COORDINATOR, Role.STAFF):
        return queryset.none()
    return queryset.filter(**{f"{site_field}__members": user})


def site_for_user(user: User, site_id: int) -> Site:
    try:
        return sites_for(user).get(pk=site_id)
    except Site.DoesNotExist:
        raise Http404("No such site.") from None


def may_add_organisations(user: User) -> bool:
    """Coordinators and administrators add partner organisations; referrers do not."""
    return user.is_authenticated and (
        user.is_superuser or user.role in (Role.COORDINATOR, Role.ADMIN)
    )


def organisations_for(user: User) -> QuerySet[Organisation]:
    """The partner organisations whose details and contact persons `user` may read and
    edit (see the module's docstring); PermissionDenied for a role that may see none."""
    if may_add_organisations(user):
        return Organisation.objects.all()
    if user.is_authenticated and user.role == Role.REFERRER and user.organisation_id:
        return Organisation.objects.filter(pk=user.organisation_id)
    raise PermissionDenied


def scope_to_organisations(
    queryset: QuerySet, user: User, *, organisation_field: str = "organisation"
) -> QuerySet:
    """Keep the rows of `queryset` (e.g. contact persons) of organisations the user may
    read and edit; PermissionDenied for a role that may see none."""
    organisations = organisations_for(user)
    if may_add_organisations(user):
        return queryset
    return queryset.filter(**{f"{organisation_field}__in": organisations.values("pk")})


def parent_link_for_token(token: str, *, address: str):
    """The live personal link (with its family) that `token` opens: the parents' door.

    A parent has no account: the token is their only key, and it opens one family.
    A wrong, expired or revoked token raises the same 404 as a missing one, so the
    answer tells nothing about which tokens exist, and counts against the address
    (elief.throttle). The core imports no app's models, so the model is named here.
    """
    link_model = apps.get_model("parents", "ParentLink")
    digest = hashlib.sha256(token.encode()).hexdigest()
    link = (
        link_model.objects.select_related("family__site")
        .filter(
            token_hash=digest,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            family__erased_at__isnull=True,
        )
        .first()
    )
    if link is None:
        throttle.parent_link_failure_record(address=address)
        raise Http404("No such link.")
    return link


def role_required(*roles: Role) -> Callable:
    """Let only users with one of `roles` (and superusers) through; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not (user.is_superuser or user.role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator

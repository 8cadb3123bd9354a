"""The one place that decides what a user may see.

Every selector filters its queryset through `scope_to_sites`, and every view that takes
a site id fetches it with `site_for_user`, so a user of site A never reads site B:
objects of another site answer 404, pages a role may not use answer 403.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from elief.models import Role, Site, User


def sites_for(user: User) -> QuerySet[Site]:
    if not user.is_authenticated:
        return Site.objects.none()
    if user.sees_all_sites:
        return Site.objects.all()
    if user.role in (Role.COORDINATOR, Role.STAFF):
        return user.sites.all()
    return Site.objects.none()


def scope_to_sites(queryset: QuerySet, user: User, *, site_field: str = "site") -> QuerySet:
    """Keep the rows of `queryset` whose `site_field` is a site the user may see."""
    if user.is_authenticated and user.sees_all_sites:
        return queryset
    return queryset.filter(**{f"{site_field}__in": sites_for(user).values("pk")})


def site_for_user(user: User, site_id: int) -> Site:
    try:
        return sites_for(user).get(pk=site_id)
    except Site.DoesNotExist:
        raise Http404("No such site.") from None


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

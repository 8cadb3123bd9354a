"""Reads of the planning app, scoped to what the user may see."""

from django.db.models import QuerySet

from elief.models import Site, User
from elief.scoping import scope_to_sites, sites_for
from planning.models import Group


def group_list_for_site(*, user: User, site: Site) -> QuerySet[Group]:
    return scope_to_sites(Group.objects.filter(site=site), user)


def site_list_with_groups(*, user: User) -> QuerySet[Site]:
    return sites_for(user).prefetch_related("groups")

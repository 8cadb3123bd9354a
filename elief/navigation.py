"""The navigation: which pages each role sees in the menu.

The menu only helps; every view checks the role itself.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from elief.models import Role, User


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[Role]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


ALL_ROLES = frozenset(Role)
ITEMS = [
    NavItem(_("Home"), "home", ALL_ROLES),
    NavItem(_("Day plan"), "planning:dayplan", frozenset({Role.COORDINATOR})),
    NavItem(_("Families"), "families:family_list", frozenset({Role.COORDINATOR})),
    NavItem(_("Referrals"), "referrals:referral_list", frozenset({Role.COORDINATOR})),
    NavItem(_("My referrals"), "referrals:portal", frozenset({Role.REFERRER})),
    NavItem(_("Subsidies"), "subsidies:money", frozenset({Role.COORDINATOR})),
    NavItem(
        _("Monthly report"),
        "subsidies:report",
        frozenset({Role.BOARD, Role.COORDINATOR, Role.ADMIN}),
    ),
    NavItem(_("Today"), "planning:today", frozenset({Role.STAFF})),
    NavItem(
        _("Sites"),
        "planning:site_list",
        frozenset({Role.COORDINATOR, Role.STAFF, Role.BOARD, Role.ADMIN}),
    ),
    NavItem(_("Administration"), "admin:index", frozenset({Role.ADMIN})),
]


def items_for(user: User) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in ITEMS if user.is_superuser or user.role in item.roles]

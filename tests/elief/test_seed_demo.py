from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from elief.models import Role, Site, User
from planning.models import Group

pytestmark = pytest.mark.django_db


def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not Site.objects.exists()


def test_it_creates_the_site_elief_and_a_user_per_role(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    site = Site.objects.get()
    assert site.name == "Elief"
    groups = Group.objects.filter(site=site)
    assert groups.count() == 3
    assert sum(group.capacity for group in groups) == 45
    assert sorted(User.objects.values_list("role", flat=True)) == sorted(Role.values)
    coordinator = User.objects.get(username="coordinator")
    assert coordinator.check_password("elief-demo")
    assert list(coordinator.sites.all()) == [site]
    assert User.objects.get(role=Role.REFERRER).organisation.name == "VDAB"
    assert site.settings.exists()


def test_it_runs_once_with_if_empty(settings):
    call_command("seed_demo", "--force", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", "--if-empty", "--force", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert Site.objects.count() == 1
    with pytest.raises(CommandError, match="empty database only"):
        call_command("seed_demo", "--force", stdout=StringIO())

"""The families part of `manage.py seed_demo`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from elief.models import Site
from families import demo, rules
from families.models import CareKind, CarePlan, Child, CriteriaRecord, Family, Guardian
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def output(settings) -> str:
    # The demo users' passwords would take most of the time with the real hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def test_it_creates_about_ninety_families_with_about_60_percent_vulnerable(output):
    families = list(Family.objects.all())
    assert 80 <= len(families) <= 100
    vulnerable = [family for family in families if family.vulnerable]
    assert 0.55 <= len(vulnerable) / len(families) <= 0.65
    # The flag is the rule's, not typed in.
    assert all(family.vulnerable == rules.is_vulnerable(family.criteria) for family in families)
    children = Child.objects.count()
    vulnerable_children = Child.objects.filter(family__vulnerable=True).count()
    assert 55 <= rules.social_mix_pct(vulnerable_children, children) <= 65
    assert f"{len(families)} families" in output


def test_most_vulnerable_families_were_referred_with_consent(output):
    vulnerable = Family.objects.filter(vulnerable=True)
    referred = vulnerable.filter(referrer__isnull=False)
    assert referred.count() >= 0.7 * vulnerable.count()
    assert not referred.filter(consent_date__isnull=True).exists()
    assert set(referred.values_list("consent_scope", flat=True)) == {
        "intake en opvolging van de opvang"
    }


def test_families_speak_many_languages_and_every_one_has_a_guardian(output):
    languages = {language for guardian in Guardian.objects.all() for language in guardian.languages}
    assert len(languages) >= 8
    assert not Family.objects.filter(guardians__isnull=True).exists()
    assert CriteriaRecord.objects.values("family").distinct().count() == Family.objects.count()


def test_every_child_under_three_has_a_care_plan_of_either_kind(output):
    today = timezone.localdate()
    children = list(Child.objects.prefetch_related("care_plans__days"))
    assert 95 <= len(children) <= 125
    assert all(child.care_plans.all() for child in children)
    assert all(3 <= child.age_in_months(today) < 36 for child in children)
    assert set(CarePlan.objects.values_list("kind", flat=True)) == set(CareKind.values)
    for child in children:
        for plan in child.care_plans.all():
            assert 1 <= len(plan.pattern) <= 5
            assert set(plan.pattern) <= {1, 2, 3, 4, 5}
            assert plan.end is None or plan.end > today


def test_the_demo_is_the_same_on_every_run(output):
    elief = Site.objects.get(name="Elief")
    other = SiteFactory(name="Elief Kiel")

    demo.seed({"site": other})

    def families(site):
        return list(
            Family.objects.filter(site=site)
            .order_by("reference")
            .values_list("reference", "postcode", "referrer__name", "vulnerable")
        )

    def children(site):
        return list(
            Child.objects.filter(family__site=site)
            .order_by("reference")
            .values_list("reference", "first_name", "birth_date", "kindcode")
        )

    assert families(other) == families(elief)
    assert children(other) == children(elief)

"""The family search: every word must match, and it costs one query whatever the words."""

import pytest
from django.urls import reverse
from django.utils import timezone

from elief.models import Role
from families import selectors
from tests.factories import (
    CarePlanFactory,
    ChildFactory,
    FamilyFactory,
    GuardianFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TEN_WORDS = "samira yasmine benali 2060 G-001 sam yas ben ali mira"


@pytest.fixture
def site():
    return SiteFactory(name="Elief")


@pytest.fixture
def coordinator(site):
    return UserFactory(role=Role.COORDINATOR, sites=[site])


@pytest.fixture
def crowded(site):
    """A family of many guardians and children: a join per word multiplied its rows."""
    family = FamilyFactory(site=site, reference="G-001", postcode="2060")
    GuardianFactory(family=family, first_name="Samira", last_name="Benali")
    for index in range(6):
        GuardianFactory(family=family, first_name=f"Voogd{index}", last_name="Benali")
        ChildFactory(family=family, first_name=f"Kind{index}", last_name="Benali")
    CarePlanFactory(child=ChildFactory(family=family, first_name="Yasmine", last_name="Benali"))
    return family


def _search(user, words: str) -> list[int]:
    return list(
        selectors.family_list(user=user, today=timezone.localdate(), search=words).values_list(
            "pk", flat=True
        )
    )


def test_every_word_must_match_a_name_reference_or_postcode(site, coordinator, crowded):
    other = FamilyFactory(site=site, reference="G-002", postcode="2000")
    GuardianFactory(family=other, first_name="Samira", last_name="Peeters")
    assert _search(coordinator, "samira yasmine") == [crowded.pk]  # a guardian and a child
    assert sorted(_search(coordinator, "samira")) == sorted([crowded.pk, other.pk])
    assert _search(coordinator, "peeters 2000") == [other.pk]
    assert _search(coordinator, "g-002") == [other.pk]
    assert _search(coordinator, "samira nobody") == []


def test_a_search_never_shows_another_sites_family(coordinator, crowded):
    elsewhere = FamilyFactory(site=SiteFactory(name="Elief Noord"))
    GuardianFactory(family=elsewhere, first_name="Samira")
    assert _search(coordinator, "samira") == [crowded.pk]


def test_words_past_the_eighth_are_left_out(coordinator, crowded):
    assert _search(coordinator, "samira " * 8 + "nobody") == [crowded.pk]
    assert _search(coordinator, "samira " * 7 + "nobody") == []


@pytest.mark.parametrize("words", ["samira", TEN_WORDS])
def test_a_search_is_one_query_without_joins(
    coordinator, crowded, words, django_assert_num_queries
):
    with django_assert_num_queries(1) as queries:
        assert _search(coordinator, words) == [crowded.pk]
    sql = queries.captured_queries[0]["sql"]
    assert 'JOIN "families_guardian"' not in sql and 'JOIN "families_child"' not in sql


@pytest.mark.parametrize(
    ("words", "found", "queries"), [("samira", 1, 9), (TEN_WORDS, 1, 9), ("x " * 5000, 0, 4)]
)
def test_the_list_page_costs_the_same_whatever_the_search(
    client, coordinator, crowded, words, found, queries, django_assert_num_queries
):
    client.force_login(coordinator)
    # Session, user, organisations of the filter, count, families, guardians, children,
    # their care plans and the plans' days (none of those when nothing is found); none of
    # it grows with the words.
    with django_assert_num_queries(queries):
        response = client.get(reverse("families:family_list"), {"q": words})
    assert len(response.context["page"]) == found

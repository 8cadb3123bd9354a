import datetime as dt

import factory

from elief.models import Organisation, Role, Site, SiteSettings, User
from planning.models import Group


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ["name"]
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Vestiging {n}")
    licensed_places = 30

    settings = factory.RelatedFactory(
        "tests.factories.SiteSettingsFactory", factory_related_name="site"
    )


class SiteSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteSettings

    site = factory.SubFactory(SiteFactory, settings=None)
    valid_from = dt.date(2020, 1, 1)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Groep {n}")
    capacity = 14
    regular_places = 8
    occasional_places = 6
    urgent_reserve = 1


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Partner {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_BE")
    last_name = factory.Faker("last_name", locale="nl_BE")
    role = Role.COORDINATOR
    password = factory.django.Password("secret-pass-123")
    organisation = factory.Maybe(
        factory.LazyAttribute(lambda user: user.role == Role.REFERRER),
        yes_declaration=factory.SubFactory(OrganisationFactory),
        no_declaration=None,
    )

    @factory.post_generation
    def sites(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.sites.set(extracted)


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "families.Family"

    site = factory.SubFactory(SiteFactory)
    reference = factory.Sequence(lambda n: f"G{n:04d}")
    postcode = "2060"


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "families.Guardian"

    family = factory.SubFactory(FamilyFactory)
    first_name = factory.Faker("first_name", locale="nl_BE")
    last_name = factory.Faker("last_name", locale="nl_BE")
    home_languages = "Nederlands; Arabisch"


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "families.Child"

    family = factory.SubFactory(FamilyFactory)
    first_name = factory.Faker("first_name", locale="nl_BE")
    last_name = factory.Faker("last_name", locale="nl_BE")
    birth_date = dt.date(2025, 3, 14)


class CarePlanFactory(factory.django.DjangoModelFactory):
    """A care plan; `pattern` maps ISO weekdays to (start, end), default Mon/Wed 08:30–16:00."""

    class Meta:
        model = "families.CarePlan"
        skip_postgeneration_save = True

    child = factory.SubFactory(ChildFactory)
    kind = "occasional"
    start = dt.date(2026, 1, 5)

    @factory.post_generation
    def pattern(self, create: bool, extracted, **kwargs) -> None:
        if not create:
            return
        pattern = extracted or {1: (dt.time(8, 30), dt.time(16)), 3: (dt.time(8, 30), dt.time(16))}
        for weekday, (start, end) in pattern.items():
            self.days.create(weekday=weekday, start=start, end=end)

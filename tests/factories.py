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

import datetime as dt

import factory
from django.utils import timezone

from elief.calendar import public_holidays
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
    # Not a random real name: tests assert that a child's or parent's name is absent from a
    # page, and the signed-in user's own name is on every page.
    first_name = factory.Sequence(lambda n: f"Medewerker{n}")
    last_name = "Elief"
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


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "referrals.ContactPerson"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Faker("name", locale="nl_BE")
    function = "trajectbegeleider"
    phone = "03 123 45 67"
    email = factory.Sequence(lambda n: f"contact{n}@partner.test")


class ReferralStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "referrals.ReferralStep"

    referral = factory.SubFactory("tests.factories.ReferralFactory", first_step=None)
    status = "received"
    date = factory.SelfAttribute("referral.received_date")


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral as received (with its first step); Mon/Wed/Fri 08:30–16:30."""

    class Meta:
        model = "referrals.Referral"
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    received_date = dt.date(2026, 3, 2)
    consent_date = factory.SelfAttribute("received_date")
    consent_scope = "intake en opvolging van de opvang"
    reason = "training"
    urgent = False
    wished_start = factory.LazyAttribute(lambda r: r.received_date + dt.timedelta(days=14))
    wished_weekdays = "135"
    wished_from = dt.time(8, 30)
    wished_until = dt.time(16, 30)
    parent_first_name = factory.Faker("first_name", locale="nl_BE")
    parent_last_name = factory.Faker("last_name", locale="nl_BE")
    parent_phone = "0470 12 34 56"
    child_first_name = factory.Faker("first_name", locale="nl_BE")
    child_last_name = factory.SelfAttribute("parent_last_name")
    child_birth_date = dt.date(2025, 6, 1)

    first_step = factory.RelatedFactory(
        ReferralStepFactory, factory_related_name="referral", status="received"
    )


# Bookings and subsidies


class AbsenceCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "planning.AbsenceCode"
        django_get_or_create = ["site", "code"]

    site = factory.SubFactory(SiteFactory)
    code = "ziek"
    label = factory.LazyAttribute(lambda code: code.code.capitalize())
    counts_for_regular = factory.LazyAttribute(lambda code: code.code in ("ziek", "respijtdag"))


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking written straight to the database, past the acceptance rule: for figures.

    `outcome="present"` fills arrived/left with the planned times unless given.
    """

    class Meta:
        model = "planning.Booking"

    group = factory.SubFactory(GroupFactory)
    child = factory.SubFactory(
        ChildFactory,
        family=factory.SubFactory(FamilyFactory, site=factory.SelfAttribute("...group.site")),
    )
    date = dt.date(2026, 3, 2)
    start = dt.time(8, 30)
    end = dt.time(16, 30)
    place_type = "occasional"
    outcome = "planned"
    arrived = factory.LazyAttribute(lambda b: b.start if b.outcome == "present" else None)
    left = factory.LazyAttribute(lambda b: b.end if b.outcome == "present" else None)


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "subsidies.Scheme"
        django_get_or_create = ["site", "name"]

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Regeling {n}")
    kind = "per_place_day"
    category = "other"


class SchemeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "subsidies.SchemeRate"

    scheme = factory.SubFactory(SchemeFactory)
    valid_from = dt.date(2026, 1, 1)
    rate_eur = "30.50"  # a string, as a form would give it; saved as a Decimal


class PlaceAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "subsidies.PlaceAssignment"

    scheme = factory.SubFactory(SchemeFactory, site=factory.SelfAttribute("..group.site"))
    group = factory.SubFactory(GroupFactory)
    place_type = "occasional"
    valid_from = dt.date(2026, 1, 1)
    places = 6


def weekday_ahead(days: int) -> dt.date:
    """The first weekday that is no Belgian public holiday, `days` or more from today: a day
    the factories' sites (open Monday to Friday) are open."""
    day = timezone.localdate() + dt.timedelta(days=days)
    while day.isoweekday() > 5 or public_holidays(day, day):
        day += dt.timedelta(days=1)
    return day

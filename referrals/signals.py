"""Keep referrals in step with the families app: an erased family's referrals are
erased in the same transaction."""

from django.dispatch import receiver

from families.signals import family_erasing
from referrals import services


@receiver(family_erasing, dispatch_uid="referrals_family_erasing")
def family_erasing_referrals(sender, family, children, **kwargs) -> None:
    services.family_referrals_erase(family=family, children=children)

"""Keep the day plan in step with the families app: the planned bookings of regular
care plans follow the plans, settling-in sessions become bookings.

The handlers only queue the sync (planning.regular.regular_bookings_sync) for after the
commit, once per plan and transaction; the sync itself decides what to create or delete.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from families.models import CarePlan, CarePlanChange, CarePlanDay
from families.signals import family_erasing, settling_in_planned
from planning import services
from planning.regular import (
    regular_bookings_drop,
    regular_bookings_sync_on_commit,
    settling_in_bookings_sync,
)


@receiver(post_save, sender=CarePlan, dispatch_uid="planning_care_plan_saved")
def care_plan_saved(sender, instance: CarePlan, raw: bool = False, **kwargs) -> None:
    if not raw:
        regular_bookings_sync_on_commit(plan_id=instance.pk)


@receiver(post_save, sender=CarePlanChange, dispatch_uid="planning_care_plan_changed")
def care_plan_changed(sender, instance: CarePlanChange, raw: bool = False, **kwargs) -> None:
    if not raw:
        regular_bookings_sync_on_commit(plan_id=instance.plan_id)


@receiver(post_save, sender=CarePlanDay, dispatch_uid="planning_care_plan_day_saved")
@receiver(post_delete, sender=CarePlanDay, dispatch_uid="planning_care_plan_day_deleted")
def care_plan_day_changed(sender, instance: CarePlanDay, raw: bool = False, **kwargs) -> None:
    if not raw:
        regular_bookings_sync_on_commit(plan_id=instance.plan_id)


@receiver(pre_delete, sender=CarePlan, dispatch_uid="planning_care_plan_deleted")
def care_plan_deleted(sender, instance: CarePlan, **kwargs) -> None:
    # Before the delete: afterwards the bookings no longer point at the plan.
    regular_bookings_drop(plan=instance)


@receiver(settling_in_planned, dispatch_uid="planning_settling_in_planned")
def settling_in_planned_to_bookings(sender, child, sessions, **kwargs) -> None:
    settling_in_bookings_sync(child=child, sessions=sessions)


@receiver(family_erasing, dispatch_uid="planning_family_erasing")
def family_erasing_planning(sender, family, children, **kwargs) -> None:
    services.children_planning_erase(children=children)

"""Keep the day plan in step with the families app: the planned bookings of regular
care plans follow the plans, settling-in sessions become bookings.

The handlers only queue the sync (planning.regular.regular_bookings_sync) for after the
commit, once per plan and transaction; the sync itself decides what to create or delete.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from families.models import CarePlan, CarePlanChange, CarePlanDay
from families.signals import (
    care_plan_applied,
    care_plan_preview_requested,
    family_erasing,
    settling_in_planned,
)
from planning import services
from planning.models import Group
from planning.regular import (
    REGULAR_HORIZON,
    PlanPreview,
    PlanProposal,
    care_plan_preview,
    regular_bookings_drop,
    regular_bookings_sync,
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


def _group(plan: CarePlan, group_id: int | None) -> Group | None:
    if group_id is None:
        return None
    return Group.objects.filter(site_id=plan.child.family.site_id, pk=group_id).first()


@receiver(care_plan_preview_requested, dispatch_uid="planning_care_plan_preview")
def care_plan_preview_for_change(sender, plan: CarePlan, proposal: dict, **kwargs) -> PlanPreview:
    return care_plan_preview(
        plan=plan,
        proposal=PlanProposal(
            kind=proposal["kind"],
            start=proposal["start"],
            end=proposal["end"],
            pattern=proposal["pattern"],
            left_on=proposal.get("left_on", plan.child.family.left_on),
        ),
        group=_group(plan, proposal.get("group_id")),
    )


@receiver(care_plan_applied, dispatch_uid="planning_care_plan_applied")
def care_plan_applied_to_bookings(sender, plan: CarePlan, user, group_id, include, **kwargs):
    # In the change's own transaction: the plan and its bookings change together.
    today = timezone.localdate()
    return regular_bookings_sync(
        plan=plan,
        until=today + REGULAR_HORIZON,
        group=_group(plan, group_id),
        today=today,
        user=user,
        include=include,
    )

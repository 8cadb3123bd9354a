"""Demo data of the planning app: the groups of the site Elief."""

from planning.models import Group

DEMO_GROUPS = [
    # name, capacity, regular, occasional, urgent reserve
    ("Vlinders", 15, 9, 6, 1),
    ("Egeltjes", 15, 8, 7, 1),
    ("Kikkers", 15, 9, 6, 1),
]


def seed(state: dict) -> None:
    site = state["site"]
    state["groups"] = [
        Group.objects.create(
            site=site,
            name=name,
            capacity=capacity,
            regular_places=regular,
            occasional_places=occasional,
            urgent_reserve=reserve,
        )
        for name, capacity, regular, occasional, reserve in DEMO_GROUPS
    ]


def summary(state: dict) -> str:
    places = sum(group.capacity for group in state["groups"])
    return f"{len(state['groups'])} groups, {places} places"

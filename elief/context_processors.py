from django.http import HttpRequest

from elief.navigation import items_for


def navigation(request: HttpRequest) -> dict:
    items = items_for(request.user)
    path = request.path
    # The longest matching prefix is the current page ("/" would match everything).
    current = max(
        (item for item in items if path.startswith(item.url)),
        key=lambda i: len(i.url),
        default=None,
    )
    return {"nav_items": items, "nav_current": current}

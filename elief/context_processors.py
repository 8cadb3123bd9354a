from django.http import HttpRequest

from elief.navigation import items_for


def navigation(request: HttpRequest) -> dict:
    items = items_for(request.user)
    path = request.path
    # The longest matching prefix is the current page; "/" only matches itself.
    matching = [
        item
        for item in items
        if path == item.url or (item.url != "/" and path.startswith(item.url))
    ]
    current = max(matching, key=lambda item: len(item.url), default=None)
    return {"nav_items": items, "nav_current": current}

from dataclasses import dataclass

from django.http import HttpRequest

from elief.navigation import items_for


@dataclass(frozen=True)
class NavLink:
    """A menu item of this request: its URL reversed once, for the menu reads it often."""

    label: str
    url: str
    current: bool


def navigation(request: HttpRequest) -> dict:
    links = [(item.label, item.url) for item in items_for(request.user)]
    path = request.path
    # The longest matching prefix is the current page; "/" only matches itself.
    matching = [url for _, url in links if path == url or (url != "/" and path.startswith(url))]
    current = max(matching, key=len, default=None)
    items = [NavLink(label, url, url == current) for label, url in links]
    return {
        "nav_items": items,
        "nav_current": next((item for item in items if item.current), None),
    }

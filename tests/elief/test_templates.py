"""What every template keeps to: no inline script or event handler (a Content-Security-
Policy without 'unsafe-inline' forbids them), and page CSS linked in the <head>."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.paginator import Paginator
from django.template.loader import render_to_string

TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))
# The day plan's date field is rewritten separately; it is the one known handler left.
KNOWN_HANDLERS = {Path("planning/dayplan.html")}

INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|action|src)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
STYLESHEET = re.compile(r"""<link\s[^>]*rel=["']stylesheet["']""", re.IGNORECASE)
HEAD_BLOCK = re.compile(r"{% block head %}.*?{% endblock %}", re.DOTALL)


def _name(path: Path) -> Path:
    return path.relative_to(Path(settings.BASE_DIR, "templates"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(_name(path)))
def test_it_has_no_inline_script_or_handler(path: Path) -> None:
    text = path.read_text()
    assert not INLINE_SCRIPT.search(text)
    assert not JAVASCRIPT_URL.search(text)
    if _name(path) not in KNOWN_HANDLERS:
        assert not INLINE_HANDLER.search(text)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(_name(path)))
def test_it_links_page_css_in_the_head_block(path: Path) -> None:
    text = path.read_text()
    if _name(path) == Path("base.html"):
        head, body = text.split("</head>")
        assert "{% block head %}" in head
        assert not STYLESHEET.search(body)
    else:
        assert not STYLESHEET.search(HEAD_BLOCK.sub("", text))


def test_the_pager_keeps_the_lists_query_and_swaps_only_with_a_target() -> None:
    page = Paginator(range(30), 10).page(2)
    html = render_to_string("_pager.html", {"page": page, "query": "show=open"})
    assert 'href="?show=open&page=1"' in html
    assert 'href="?show=open&page=3"' in html
    assert "hx-get" not in html
    html = render_to_string("_pager.html", {"page": page, "target": "results"})
    assert 'href="?page=3" hx-get="?page=3" hx-target="#results"' in html
    assert render_to_string("_pager.html", {"page": Paginator(range(5), 10).page(1)}).strip() == ""

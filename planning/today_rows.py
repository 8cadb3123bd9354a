"""The rows of today's list written as HTML here, not by the template engine.

A site's list draws every child of the day. Through the template engine each row cost
some 100 µs (about thirty variables and conditions), most of the page's time, and through
format_html still 45 µs; as plain strings 5 µs. So a row's markup is written here, every
value from the data or the translations escaped by html.escape (what the engine's
autoescape calls). The page (templates/planning/today.html) places each group's rows as one
piece; the answer to a tap draws its one row again through row_html.
"""

from html import escape as e

from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString, mark_safe

from planning import rules
from planning.today_list import ChildOfRow, GroupToday, RowToday


def _post(url: str, csrf_input: str, version: int, button_class: str, action: str, label: str):
    return (
        f'<form method="post" action="{url}" hx-post="{url}">\n'
        f'      {csrf_input}<input type="hidden" name="version" value="{version}">\n'
        f'      <button type="submit" class="{button_class}" data-action="{action}">{e(label)}'
        "</button>\n    </form>\n    "
    )


def _opens(details: str, url: str, slot: str, link_class: str, label: str, page_label: str):
    """A row's form that comes when opened, with a link to its own page without JavaScript."""
    return (
        f"<details {details}>\n"
        f'      <summary class="button secondary tap" hx-get="{url}" hx-trigger="click once"'
        f' hx-target="next .{slot}" hx-swap="innerHTML">{e(label)}</summary>\n'
        f'      <div class="{slot}">'
        f'<a class="{link_class}" href="{url}">{e(page_label)}</a></div>\n'
        "    </details>\n    "
    )


def _more(child: ChildOfRow, labels: dict[str, str]) -> str:
    """Pick-up persons, diet and notes, folded away: only when the child has any."""
    if not (child.pickup_persons or child.staff_notes or child.diet):
        return ""
    parts = []
    if child.pickup_persons:
        pickup = linebreaksbr(child.pickup_persons, autoescape=True)
        parts.append(f"<p><strong>{e(labels['pickup'])}:</strong><br>{pickup}</p>")
    if child.diet:
        parts.append(f"<p><strong>{e(labels['diet'])}:</strong> {e(child.diet)}</p>")
    if child.staff_notes:
        parts.append(f'<p class="notes">{linebreaksbr(child.staff_notes, autoescape=True)}</p>')
    return (
        f'\n    <details class="more">\n      <summary>{e(labels["pickup_and_notes"])}</summary>'
        f"\n      {'\n      '.join(parts)}\n    </details>"
    )


def row_html(row: RowToday, *, labels: dict[str, str], csrf_input: str) -> SafeString:
    """One child's row: who, the times and place, the state, and the buttons of a tap.

    Every value from the data or the translations goes through `e` (html.escape, as the
    template engine escapes); ids, versions and the URLs built from them need none."""
    child = row.child
    pk, status, place_type = row.pk, row.status, e(row.place_type)
    settling_in = after_closing = to_settle = error = allergies = ""
    action = undo = correct = absence = ""
    if row.settling_in:
        settling_in = (
            f'<span class="badge settling" data-settling-in>{e(labels["settling_in"])}</span>'
        )
    if child.allergies:
        allergies = (
            f'<p class="allergy" data-allergies><strong>{e(labels["allergies"])}:</strong>'
            f" {e(child.allergies)}</p>"
        )
    state_class = f' class="{e(row.state_class)}"' if row.state_class else ""
    if row.after_closing:
        after_closing = (
            f' <span class="badge warning" data-after-closing>{e(labels["after_closing"])}</span>'
        )
    if row.to_settle:
        to_settle = (
            f' <span class="badge warning" data-to-settle-row>{e(labels["to_settle"])}</span>'
        )
    if row.action:
        action = _post(
            row.action_url, csrf_input, row.version, row.action_class, row.action, row.action_label
        )
    if row.can_undo:
        undo = _post(row.undo_url, csrf_input, row.version, "tap secondary", "undo", row.undo_label)
    if row.correctable:
        correct = _opens(
            'class="attendance-correct" data-attendance-correct',
            row.correct_form_url,
            "correct-slot",
            "correct-form",
            labels["correct"],
            labels["correct_page"],
        )
    if status == rules.PLANNED:
        absence = _opens(
            'class="absence"',
            row.absence_form_url,
            "absence-slot",
            "absence-form",
            labels["absent_more"],
            labels["absence_page"],
        )
    if row.error:
        error = f'<p class="row-error alert error" role="alert" data-row-error>{e(row.error)}</p>'
    return mark_safe(
        f'\n<article id="booking-{pk}" class="child-row is-{status}" data-status="{status}"'
        f' aria-labelledby="child-{pk}" hx-target="this" hx-swap="outerHTML">\n'
        '  <div class="who">\n'
        f'    <h3 id="child-{pk}">{e(child.first_name)} {e(child.last_name)}</h3>\n'
        '    <p class="meta">\n'
        f'      <span class="times" title="{e(labels["expected"])}">{row.times}</span>\n'
        f'      <span class="badge {place_type}" data-place-type="{place_type}">'
        f"{e(row.place_label)}</span>\n"
        f"      {settling_in}\n"
        "    </p>\n"
        f"    {allergies}{_more(child, labels)}\n"
        "  </div>\n"
        '  <p class="state">\n'
        f"    <span{state_class}>{e(row.state_text)}</span>{after_closing}\n"
        f"    {to_settle}\n"
        "  </p>\n"
        '  <div class="do">\n'
        f"    {action}{undo}{correct}{absence}\n"
        "  </div>\n"
        f"  {error}\n"
        "</article>\n"
    )


def draw_group_rows(group: GroupToday, *, labels: dict[str, str], csrf_input: str) -> None:
    """Set the group's rows as HTML: the children expected or here, and the absent ones."""
    group.live_html = mark_safe(
        "".join(row_html(row, labels=labels, csrf_input=csrf_input) for row in group.live)
    )
    group.absent_html = mark_safe(
        "".join(row_html(row, labels=labels, csrf_input=csrf_input) for row in group.absent)
    )

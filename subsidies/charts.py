"""A line chart as plain SVG coordinates, drawn by the template: no JavaScript, no CDN,
and it prints."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats

WIDTH = 720
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: Decimal
    label: str
    key: str


@dataclass(frozen=True)
class Series:
    name: str
    css: str
    points: list[Point]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def _y(value: Decimal | float, top_value: float) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return TOP + plot * (1 - min(float(value), top_value) / top_value)


def trend_chart(
    trend: Sequence[dict], *, series: Sequence[tuple[str, str, str]], mark: Decimal | None = None
) -> dict:
    """Months on x, percentages on y (0 to 100, or higher when a month is above 100).

    `series`: (key in each trend row, name, css class). Months without data leave a gap
    in neither line: they are simply not drawn.
    """
    values = [float(row[key]) for row in trend for key, _n, _c in series if row[key] is not None]
    top_value = max([100.0, *values])
    top_value = float(int((top_value + 24.999) // 25 * 25))
    step = (WIDTH - LEFT - RIGHT) / max(len(trend) - 1, 1)
    xs = [LEFT + index * step for index in range(len(trend))]
    drawn = []
    for key, name, css in series:
        points = [
            Point(
                x=x,
                y=_y(row[key], top_value),
                value=row[key],
                label=formats.date_format(row["month"], "M Y"),
                key=row["month"].strftime("%Y-%m"),
            )
            for x, row in zip(xs, trend, strict=True)
            if row[key] is not None
        ]
        drawn.append(Series(name=name, css=css, points=points))
    grid = [
        {"y": _y(value, top_value), "label": f"{value:.0f} %"}
        for value in range(0, int(top_value) + 1, 25)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "series": drawn,
        "grid": grid,
        "months": [
            {"x": x, "label": formats.date_format(row["month"], "M")}
            for x, row in zip(xs, trend, strict=True)
        ],
        "mark": {"y": _y(mark, top_value), "value": mark} if mark is not None else None,
    }

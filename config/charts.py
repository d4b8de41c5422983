"""Bar charts drawn on the server as SVG (no script, no library): the geometry here, the drawing in
templates/includes/bar_chart.html. A chart sits beside the table of its figures, which stays the accessible
source; the chart only shows their shape."""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: tuple[Bar, ...]


# SVG user units; the viewBox scales the drawing to the column's width.
LABEL_WIDTH, BAR_AREA, BAR_HEIGHT, BAR_GAP = 170, 320, 18, 8


def bar_chart(title: str, pairs: Sequence[tuple[str, int]]) -> Chart | None:
    """Horizontal bars, one per (label, value), scaled to the largest value; None when every value is 0."""
    peak = max((value for _label, value in pairs), default=0)
    if not peak:
        return None
    bars = tuple(
        Bar(label=label, value=value, y=index * (BAR_HEIGHT + BAR_GAP), width=round(BAR_AREA * value / peak))
        for index, (label, value) in enumerate(pairs)
    )
    return Chart(
        title=title,
        width=LABEL_WIDTH + BAR_AREA + 60,
        height=len(bars) * (BAR_HEIGHT + BAR_GAP),
        label_width=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
        bars=bars,
    )

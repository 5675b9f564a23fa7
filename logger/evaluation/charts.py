"""The assessment's bar charts, laid out on the server and drawn as inline SVG by
templates/evaluation/_charts.html.

No chart library reaches the browser: the layout is plain arithmetic here, its
fractional coordinates rounded to the tenth the SVG is written with (the template
only prints them: a year's charts have tens of thousands), colours come from CSS
classes (series-0, series-1, ...), and every chart stands beside a table of its
numbers. `for_year()` picks the report's charts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from logger import rules
from logger.evaluation.assessment import YearFigures, rate

WIDTH = 640
LABEL_WIDTH = 200  # horizontal charts: the category names
VALUE_ROOM = 56  # horizontal charts: the value written after each bar
ROW = 26
BAR = 16
COLUMN_HEIGHT = 200
AXIS_ROOM = 24


class Bar(NamedTuple):  # tuples: the template unpacks each one, with no lookup per field
    x: float
    y: float
    width: float
    height: float
    series: int
    title: str  # shown as a tooltip: category, series and value


class Text(NamedTuple):
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar]
    texts: list[Text]
    lines: list[tuple[float, float, float, float]]
    series: list[str]


def nice_ceiling(value: float) -> float:
    """The next round number at or above value (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _number(value: float, unit: str) -> str:
    """Counts as whole numbers; rates and shares (any unit, or a fraction) to one decimal."""
    whole = float(value).is_integer() and not unit
    return (f"{value:,.0f}" if whole else f"{value:,.1f}") + unit


def horizontal(
    title: str,
    categories: list[str],
    series: list[str],
    values: list[list[float]],
    *,
    unit: str = "",
) -> Chart:
    """One row per category, one bar per series in the row (grouped side by side)."""
    top = max((v for row in values for v in row), default=0)
    scale = (WIDTH - LABEL_WIDTH - VALUE_ROOM) / nice_ceiling(top)
    row_height = max(ROW, BAR * len(series) + 10)
    bars, texts = [], []
    for index, (category, row) in enumerate(zip(categories, values, strict=True)):
        y = index * row_height + 4
        texts.append(
            Text(LABEL_WIDTH - 8, round(y + BAR * len(series) / 2 + 4, 1), category, "end")
        )
        for number, value in enumerate(row):
            bar_y, length, printed = y + number * BAR, value * scale, _number(value, unit)
            bars.append(
                Bar(
                    LABEL_WIDTH,
                    bar_y,
                    round(length, 1),
                    BAR - 2,
                    number,
                    f"{category}, {series[number]}: {printed}",
                )
            )
            texts.append(Text(round(LABEL_WIDTH + length + 4, 1), bar_y + BAR - 5, printed))
    height = len(categories) * row_height + 8
    return Chart(title, WIDTH, height, bars, texts, [(LABEL_WIDTH, 0, LABEL_WIDTH, height)], series)


def stacked_columns(
    title: str, categories: list[str], series: list[str], values: list[list[float]]
) -> Chart:
    """One column per category, its series stacked; a scale on the left."""
    top = nice_ceiling(max((sum(row) for row in values), default=0))
    left, plot_width = 48, WIDTH - 56
    step = plot_width / max(len(categories), 1)
    scale = COLUMN_HEIGHT / top
    bars, texts, lines = [], [], []
    for tick in (0, top / 2, top):
        y = COLUMN_HEIGHT - tick * scale + 8
        lines.append((left, round(y, 1), WIDTH, round(y, 1)))
        texts.append(Text(left - 6, round(y + 4, 1), _number(tick, ""), "end"))
    for index, (category, row) in enumerate(zip(categories, values, strict=True)):
        x = left + index * step + step * 0.15
        base = COLUMN_HEIGHT + 8
        for number, value in enumerate(row):
            height = value * scale
            base -= height
            if value:
                bars.append(
                    Bar(
                        round(x, 1),
                        round(base, 1),
                        round(step * 0.7, 1),
                        round(height, 1),
                        number,
                        f"{category}, {series[number]}: {_number(value, '')}",
                    )
                )
        texts.append(Text(round(x + step * 0.35, 1), COLUMN_HEIGHT + 8 + 18, category, "middle"))
    return Chart(title, WIDTH, COLUMN_HEIGHT + 8 + AXIS_ROOM, bars, texts, lines, series)


def for_year(figures: YearFigures) -> dict[str, Chart]:
    """The report's charts; each sits beside a table of the same numbers."""
    kinds = [rules.label(c) for c in rules.CLASSIFICATIONS]
    schools = list(figures.schools.values())
    races = figures.equity["perceived_race"].values()
    return {
        "months": stacked_columns(
            "Contacts by month and classification",
            [m.strftime("%b") for m in figures.by_month],
            kinds,
            [[month[c] for c in rules.CLASSIFICATIONS] for month in figures.by_month.values()],
        ),
        "schools": horizontal(
            "Contacts by school and classification",
            [s.name for s in schools],
            kinds,
            [[s.by_classification[c] for c in rules.CLASSIFICATIONS] for s in schools],
        ),
        "actions": horizontal(
            "Enforcement actions per 100 contacts",
            [rules.label(a) for a in rules.ENFORCEMENT_ACTIONS],
            ["Per 100 contacts"],
            [[round(figures.share(figures.actions[a]) or 0, 1)] for a in rules.ENFORCEMENT_ACTIONS],
        ),
        "race": horizontal(
            "Share of students described, in all contacts and in enforcement contacts, "
            "by perceived race",
            [g.label for g in races],
            ["Share of all contacts", "Share of enforcement contacts"],
            [
                [
                    round(rate(g.students, figures.students_described) or 0, 1),
                    round(rate(g.in_enforcement, figures.students_in_enforcement) or 0, 1),
                ]
                for g in races
            ],
            unit="%",
        ),
        "turnaround": horizontal(
            "Review decisions by time from submission",
            [text for text, _ in figures.review.bands],
            ["Decisions"],
            [[count] for _, count in figures.review.bands],
        ),
    }

"""Charts as inline SVG drawn on the server from Vega-Lite specifications (``altair``, rendered
by ``vl-convert-python``): no script in the page. Each chart is an image to a screen reader
(role="img") named by its title and described by the exact figures it shows; the page keeps a
table of the same figures next to it.

Figures come in as integer minor units. Money is written only by ``Money`` (exact); the floats
handed to Vega-Lite place marks on the axes and label its ticks, never a figure."""

from __future__ import annotations

import json
import re
import textwrap
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from html import escape
from typing import Any

import altair as alt
import vl_convert
from markupsafe import Markup

from domain.budget import LineBalance
from domain.money import Money, minor_digits

WIDTH, HEIGHT = 330, 160  # the plot, in the SVG's units: about one to one on a phone
ACTUAL, COMMITTED, RESERVED, BUDGET = "#1f5fbf", "#6f9ad8", "#c7d7f0", "#b3261e"
FONT = {"labelFontSize": 13, "titleFontSize": 13, "labelColor": "#5b6675", "titleColor": "#5b6675"}
# Axis ticks as 250k or 1.5M: short enough for a phone, and never SI's "m" (milli) for small ones.
TICK = (
    "abs(datum.value) >= 1e6 ? format(datum.value / 1e6, ',~f') + 'M' : "
    "abs(datum.value) >= 1e3 ? format(datum.value / 1e3, ',~f') + 'k' : format(datum.value, ',~f')"
)
VEGA_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')
CONFIG: dict[str, Any] = {
    "aria": False,  # the whole chart is one image with its own name and description
    # Metric-compatible faces: the browser draws the texts as wide as vl-convert measured them.
    "font": "Arial, 'Liberation Sans', Helvetica, sans-serif",
    "axis": {**FONT, "gridColor": "#d9dee5", "labelFlush": True},
    "axisQuantitative": {"tickCount": 4, "labelExpr": TICK},
    "legend": {**FONT, "orient": "bottom", "columns": 2, "columnPadding": 16, "title": None},
    "title": {"fontSize": 14, "anchor": "start", "color": "#1b2430"},
    "view": {"stroke": None},
}


@dataclass(frozen=True)
class Bar:
    """One category of a stacked bar chart (a period, a cost center): actual, committed and
    reserved against a budget."""

    label: str
    actual_minor: int
    committed_minor: int
    reserved_minor: int
    budget_minor: int

    @classmethod
    def of(cls, label: str, figures: LineBalance) -> Bar:
        return cls(
            label,
            figures.actual_minor,
            figures.committed_minor,
            figures.reserved_minor,
            figures.budget_minor,
        )


@dataclass(frozen=True)
class Series:
    """One line of a line chart; ``dashed`` tells it apart without colour."""

    name: str
    values: Sequence[int]
    colour: str
    dashed: bool = False


def stacked_bars(bars: Sequence[Bar], *, title: str, currency: str) -> Markup:
    """A bar per category (actual at the bottom, then committed, then reserved) with the
    category's budget as a red tick across it."""
    kinds = (("actual", ACTUAL), ("committed", COMMITTED), ("reserved", RESERVED))
    rows = [
        {"label": bar.label, "kind": kind, "order": order, "amount": _plot(minor, currency)}
        for bar in bars
        for order, ((kind, _), minor) in enumerate(zip(kinds, _parts(bar), strict=True))
    ]
    budgets = [
        {"label": b.label, "kind": "budget", "amount": _plot(b.budget_minor, currency)}
        for b in bars
    ]
    colour = alt.Color("kind:N").scale(
        domain=[*(k for k, _ in kinds), "budget"], range=[*(c for _, c in kinds), BUDGET]
    )
    x = alt.X("label:N", sort=None, title=None, axis=alt.Axis(labelAngle=0, labelOverlap=True))
    y = alt.Y("amount:Q", title=currency)
    stacked = (
        alt.Chart(alt.InlineData(values=rows))
        .mark_bar()
        .encode(x=x, y=y.stack("zero"), color=colour, order="order:O")
    )
    ticks = (
        alt.Chart(alt.InlineData(values=budgets))
        .mark_tick(thickness=2)
        .encode(x=x, y=y, color=colour)
    )
    description = "; ".join(
        f"{b.label}: budget {Money(b.budget_minor, currency)}, consumed "
        f"{Money(sum(_parts(b)), currency)}"
        for b in bars
    )
    return _svg(alt.layer(stacked, ticks), title, description)


def line_chart(
    labels: Sequence[str], series: Sequence[Series], *, title: str, currency: str
) -> Markup:
    """A line per series (at least one) over the labels (in their order), with a point at each
    value."""
    rows = [
        {"label": label, "series": line.name, "amount": _plot(value, currency)}
        for line in series
        for label, value in zip(labels, line.values, strict=False)
    ]
    names = [line.name for line in series]
    chart = (
        alt.Chart(alt.InlineData(values=rows))
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("label:N", sort=list(labels), title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("amount:Q", title=currency),
            color=alt.Color("series:N", legend=alt.Legend(symbolType="stroke")).scale(
                domain=names, range=[s.colour for s in series]
            ),
            strokeDash=alt.StrokeDash("series:N").scale(
                domain=names, range=[[6, 4] if s.dashed else [1, 0] for s in series]
            ),
        )
    )

    def described(line: Series) -> str:
        pairs = zip(labels, line.values, strict=False)
        return f"{line.name}: " + ", ".join(f"{lab} {Money(v, currency)}" for lab, v in pairs)

    return _svg(chart, title, "; ".join(described(line) for line in series))


def _parts(bar: Bar) -> tuple[int, int, int]:
    """What is drawn of a bar: negative figures (a reversal) are drawn as nothing."""
    return (max(bar.actual_minor, 0), max(bar.committed_minor, 0), max(bar.reserved_minor, 0))


def _plot(minor: int, currency: str) -> float:
    """Where an amount sits on the axis, in major units: a coordinate, never shown as money."""
    return float(Decimal(minor).scaleb(-minor_digits(currency)))


def _svg(chart: alt.TopLevelMixin, title: str, description: str) -> Markup:
    lines = textwrap.wrap(title, 44)  # a long title on lines of its own, not cut
    spec = chart.properties(width=WIDTH, height=HEIGHT, title=alt.Title(lines)).to_dict()
    spec["config"] = CONFIG
    drawn = _rendered(json.dumps(spec, sort_keys=True))
    ident = f"chart-{zlib.crc32(f'{title}|{description}'.encode()):08x}"
    size = re.match(r'<svg[^>]*?width="([\d.]+)" height="([\d.]+)"[^>]*>', drawn)
    if size is None:
        raise ValueError("vl-convert drew no <svg> root")
    width, height = size.groups()
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart" aria-labelledby="{ident}-t {ident}-d" '
        f'style="max-width:{float(width) * 1.4:.0f}px">'
        f'<title id="{ident}-t">{escape(title)}</title>'
        f'<desc id="{ident}-d">{escape(description)}</desc>'
    )
    return Markup(head + drawn[size.end() :])  # noqa: S704 - Vega escapes its texts, ours above


@lru_cache(maxsize=256)
def _rendered(spec: str) -> str:
    """The SVG of a Vega-Lite specification; the same figures draw the same chart."""
    svg: str = vl_convert.vegalite_to_svg(json.loads(spec))
    # Vega's own roles for its marks: inside one image they would only repeat what the
    # description says, so the chart reads as the single image it is.
    return VEGA_ARIA.sub("", svg)


STACK_COLOURS = ("#1f5fbf", "#e07b00", "#1e7a43", "#8e44ad", "#b3261e", "#5b6675", "#c7d7f0")


def daily_stacks(
    days: Sequence[str],
    stacks: Sequence[tuple[str, dict[str, Decimal]]],
    *,
    title: str,
    currency: str,
) -> Markup:
    """A bar per day, stacked by group (at most seven, the first drawn at the bottom); each
    group's amounts by day as exact decimals, written exactly in the description."""
    names = [name for name, _ in stacks]
    rows = [
        {"day": day, "group": name, "order": order, "amount": float(amounts.get(day, 0))}
        for order, (name, amounts) in enumerate(stacks)
        for day in days
    ]
    chart = (
        alt.Chart(alt.InlineData(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("day:N", sort=list(days), title=None, axis=alt.Axis(labelOverlap=True)),
            y=alt.Y("amount:Q", title=currency).stack("zero"),
            color=alt.Color("group:N").scale(domain=names, range=list(STACK_COLOURS)),
            order="order:O",
        )
    )
    description = "; ".join(
        f"{name}: {format(sum(amounts.values(), Decimal(0)), ',.2f')} {currency}"
        for name, amounts in stacks
    )
    return _svg(chart, title, description)


def bar_chart(labels: Sequence[str], values: Sequence[int], *, title: str, currency: str) -> Markup:
    """A horizontal bar per label (in their order) for one amount each; a negative amount (a
    credit) is drawn to the left of zero."""
    rows = [
        {"label": label, "amount": _plot(minor, currency)}
        for label, minor in zip(labels, values, strict=True)
    ]
    chart = (
        alt.Chart(alt.InlineData(values=rows))
        .mark_bar(color=ACTUAL)
        .encode(
            y=alt.Y("label:N", sort=list(labels), title=None, axis=alt.Axis(labelLimit=160)),
            x=alt.X("amount:Q", title=currency),
        )
    )
    description = "; ".join(
        f"{label}: {Money(minor, currency)}" for label, minor in zip(labels, values, strict=True)
    )
    return _svg(chart, title, description)


def band_chart(
    days: Sequence[str],
    actual: Sequence[int],
    band: Sequence[tuple[int, int]],
    *,
    title: str,
    currency: str,
) -> Markup:
    """A day's cost as a line with a point each day, over the shaded band it was expected in
    (low, high per day; a day judged on too little history has none)."""
    rows = [
        {"day": day, "amount": _plot(value, currency), "low": _plot(low, currency)}
        | {"high": _plot(high, currency)}
        for day, value, (low, high) in zip(days, actual, band, strict=True)
    ]
    x = alt.X("day:N", sort=list(days), title=None, axis=alt.Axis(labelOverlap=True))
    base = alt.Chart(alt.InlineData(values=rows))
    shaded = base.mark_area(color=RESERVED, opacity=0.8).encode(
        x=x, y=alt.Y("low:Q", title=currency), y2="high:Q"
    )
    line = base.mark_line(point=True, strokeWidth=2, color=ACTUAL).encode(x=x, y="amount:Q")
    description = ", ".join(
        f"{day} {Money(value, currency)} (expected {Money(low, currency)} to "
        f"{Money(high, currency)})"
        for day, value, (low, high) in zip(days, actual, band, strict=True)
    )
    return _svg(alt.layer(shaded, line), title, description)

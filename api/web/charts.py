"""Charts as inline SVG, drawn on the server: no script, readable by a screen reader (role="img",
a <title> and a <desc>, and a <title> on every bar and point). Every text is escaped.

Figures come in as integer minor units and are only scaled to pixels here."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from domain.money import Money

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 80, 12, 16, 44
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
INK, MUTED, LINE = "#1b2430", "#5b6675", "#d9dee5"
ACTUAL, COMMITTED, RESERVED, BUDGET = "#1f5fbf", "#6f9ad8", "#c7d7f0", "#b3261e"


@dataclass(frozen=True)
class Bar:
    """One period of a stacked bar chart: actual, committed and reserved against a budget."""

    label: str
    actual_minor: int
    committed_minor: int
    reserved_minor: int
    budget_minor: int


@dataclass(frozen=True)
class Series:
    """One line of a line chart; ``dashed`` tells it apart without colour."""

    name: str
    values: Sequence[int]
    colour: str
    dashed: bool = False


def stacked_bars(bars: Sequence[Bar], *, title: str, currency: str) -> Markup:
    """A bar per period (actual at the bottom, then committed, then reserved) with the period's
    budget as a red tick across it."""
    top = max([1, *(max(b.budget_minor, _consumed(b)) for b in bars)])
    slot = PLOT_W / max(len(bars), 1)
    parts = _frame(title, _bars_description(bars, currency), top, 0, currency)
    for index, bar in enumerate(bars):
        x = LEFT + index * slot + slot * 0.2
        base = 0
        for name, amount, colour in (
            ("actual", bar.actual_minor, ACTUAL),
            ("committed", bar.committed_minor, COMMITTED),
            ("reserved", bar.reserved_minor, RESERVED),
        ):
            height = max(amount, 0) / top * PLOT_H
            y = TOP + PLOT_H - (base / top * PLOT_H) - height
            tip = f"{bar.label} {name}: {Money(amount, currency)}"
            parts.append(_rect(x, y, slot * 0.6, height, colour, tip))
            base += max(amount, 0)
        budget_y = TOP + PLOT_H - bar.budget_minor / top * PLOT_H
        tip = f"{bar.label} budget: {Money(bar.budget_minor, currency)}"
        parts.append(
            f'<line x1="{x - slot * 0.1:.1f}" x2="{x + slot * 0.7:.1f}" y1="{budget_y:.1f}" '
            f'y2="{budget_y:.1f}" stroke="{BUDGET}" stroke-width="2">'
            f"<title>{escape(tip)}</title></line>"
        )
        parts.append(_x_label(x + slot * 0.3, bar.label))
    legend = [("actual", ACTUAL), ("committed", COMMITTED), ("reserved", RESERVED)]
    parts.append(_legend([*legend, ("budget", BUDGET)]))
    return Markup("".join([*parts, "</svg>"]))  # noqa: S704 - every text above is escaped


def line_chart(
    labels: Sequence[str], series: Sequence[Series], *, title: str, currency: str
) -> Markup:
    """A line per series over the labels, with a zero line when values go negative."""
    values = [v for s in series for v in s.values]
    high, low = max([1, *values]), min([0, *values])
    parts = _frame(title, _lines_description(labels, series, currency), high, low, currency)
    pad = 36  # room for the first and last labels
    step = (PLOT_W - 2 * pad) / max(len(labels) - 1, 1)

    def y_of(value: int) -> float:
        return TOP + (high - value) / (high - low) * PLOT_H

    if low < 0:
        zero = y_of(0)
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{zero:.1f}" y2="{zero:.1f}" '
            f'stroke="{MUTED}" stroke-dasharray="2 2"/>'
        )
        parts.append(_y_label(zero + 4, Money(0, currency)))
    for line in series:
        points = [(LEFT + pad + i * step, y_of(v)) for i, v in enumerate(line.values)]
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{line.colour}" stroke-width="2"{dash}/>'
        )
        for (x, y), label, value in zip(points, labels, line.values, strict=False):
            tip = f"{label} {line.name}: {Money(value, currency)}"
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{line.colour}">'
                f"<title>{escape(tip)}</title></circle>"
            )
    every = max(1, len(labels) // 12)
    parts.extend(
        _x_label(LEFT + pad + i * step, label) for i, label in enumerate(labels) if i % every == 0
    )
    parts.append(_legend([(s.name, s.colour) for s in series]))
    return Markup("".join([*parts, "</svg>"]))  # noqa: S704 - every text above is escaped


def _frame(title: str, description: str, high: int, low: int, currency: str) -> list[str]:
    ident = f"chart-{zlib.crc32(f'{title}|{description}'.encode()):08x}"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="chart" aria-labelledby="{ident}-t {ident}-d" width="100%" '
        f'style="max-width:{WIDTH}px">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(description)}</desc>',
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + PLOT_H}" stroke="{LINE}"/>',
        f'<line x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{TOP + PLOT_H}" y2="{TOP + PLOT_H}" '
        f'stroke="{LINE}"/>',
        _y_label(TOP + 4, Money(high, currency)),
        _y_label(TOP + PLOT_H, Money(low, currency)),
    ]


def _rect(x: float, y: float, width: float, height: float, colour: str, tip: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
        f'fill="{colour}"><title>{escape(tip)}</title></rect>'
    )


def _x_label(x: float, text: str) -> str:
    return (
        f'<text x="{x:.1f}" y="{TOP + PLOT_H + 16}" font-size="11" text-anchor="middle" '
        f'fill="{MUTED}">{escape(text)}</text>'
    )


def _y_label(y: float, amount: Money) -> str:
    return (
        f'<text x="{LEFT - 6}" y="{y:.1f}" font-size="11" text-anchor="end" '
        f'fill="{MUTED}">{escape(str(amount))}</text>'
    )


def _legend(entries: Sequence[tuple[str, str]]) -> str:
    items, x = [], LEFT
    for name, colour in entries:
        items.append(
            f'<rect x="{x}" y="{HEIGHT - 14}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{HEIGHT - 5}" font-size="11" fill="{INK}">'
            f"{escape(name)}</text>"
        )
        x += 14 + 7 * len(name) + 18  # about 7 px a character at 11 px
    return "".join(items)


def _consumed(bar: Bar) -> int:
    return max(bar.actual_minor, 0) + max(bar.committed_minor, 0) + max(bar.reserved_minor, 0)


def _bars_description(bars: Sequence[Bar], currency: str) -> str:
    return "; ".join(
        f"{b.label}: budget {Money(b.budget_minor, currency)}, consumed "
        f"{Money(_consumed(b), currency)}"
        for b in bars
    )


def _lines_description(labels: Sequence[str], series: Sequence[Series], currency: str) -> str:
    def described(line: Series) -> str:
        pairs = zip(labels, line.values, strict=False)
        return f"{line.name}: " + ", ".join(f"{lab} {Money(v, currency)}" for lab, v in pairs)

    return "; ".join(described(line) for line in series)

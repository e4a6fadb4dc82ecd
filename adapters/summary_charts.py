"""Charts as PNG images for e-mail (mail readers show no SVG): Vega-Lite specifications built
with ``altair`` and drawn by ``vl-convert-python``. Amounts come in as integer minor units; the
floats given to Vega-Lite only place marks on the axes, every figure is written by the table
beside the chart."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import altair as alt
import vl_convert

from domain.money import minor_digits

WIDTH, HEIGHT = 480, 200
COLOUR = "#1f5fbf"


def bar_chart_png(labels: Sequence[str], values: Sequence[int], title: str, currency: str) -> bytes:
    """A horizontal bar per label, largest first as given."""
    rows = [
        {"label": label, "amount": _plot(v, currency)}
        for label, v in zip(labels, values, strict=True)
    ]
    chart = (
        alt.Chart(alt.InlineData(values=rows))
        .mark_bar(color=COLOUR)
        .encode(y=alt.Y("label:N", sort=None, title=None), x=alt.X("amount:Q", title=currency))
    )
    return _png(chart, title)


def line_chart_png(
    labels: Sequence[str], values: Sequence[int], title: str, currency: str
) -> bytes:
    """A line over the labels in their order, a point at each value."""
    rows = [
        {"label": label, "amount": _plot(v, currency)}
        for label, v in zip(labels, values, strict=True)
    ]
    chart = (
        alt.Chart(alt.InlineData(values=rows))
        .mark_line(point=True, color=COLOUR)
        .encode(
            x=alt.X("label:N", sort=list(labels), title=None),
            y=alt.Y("amount:Q", title=currency),
        )
    )
    return _png(chart, title)


def _plot(minor: int, currency: str) -> float:
    return float(Decimal(minor).scaleb(-minor_digits(currency)))


def _png(chart: alt.TopLevelMixin, title: str) -> bytes:
    spec = chart.properties(width=WIDTH, height=HEIGHT, title=title).to_dict()
    png: bytes = vl_convert.vegalite_to_png(spec, scale=1)
    return png

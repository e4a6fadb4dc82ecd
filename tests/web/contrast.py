"""WCAG contrast between two colours as a browser computes them (``rgb(…)`` or ``rgba(…)``), and
the colours a page shows: an element's own property, and the background it is drawn on."""

from __future__ import annotations

import re

from playwright.async_api import ElementHandle

_CHANNELS = re.compile(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)")

# The first opaque background-color of the element or its ancestors (white if none is).
_BACKGROUND_JS = """(element) => {
  for (let node = element; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (colour && colour !== "transparent" && !colour.startsWith("rgba(0, 0, 0, 0)")) {
      return colour;
    }
  }
  return "rgb(255, 255, 255)";
}"""


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two CSS colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    found = _CHANNELS.match(colour)
    assert found, f"not an rgb() colour: {colour}"
    linear = []
    for channel in (float(value) / 255 for value in found.groups()):
        linear.append(channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4)
    red, green, blue = linear
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


async def style_of(element: ElementHandle, prop: str) -> str:
    """The computed value of the CSS property ``prop`` (camelCase) of ``element``."""
    return str(await element.evaluate(f"(e) => getComputedStyle(e).{prop}"))


async def background_behind(element: ElementHandle) -> str:
    """The colour the element is drawn on: its own background, else its nearest ancestor's."""
    return str(await element.evaluate(_BACKGROUND_JS))

"""Small SVG charts for the HTML report: bars, a heatmap, a histogram, a scatter, a graph, and
a reliability diagram and an LF's confidence curves.

Hand-written SVG keeps the report self-contained and light (no plotting dependency, a few KB per
chart). Every text is escaped; every chart is a complete ``<svg>`` document.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence

__all__ = [
    "bar_chart",
    "confidence_curves",
    "graph_drawing",
    "heatmap",
    "histogram",
    "reliability_diagram",
    "scatter",
]

_FONT = "font-family:system-ui,sans-serif;font-size:11px"
_BLUE = "#3b6fb6"
_ORANGE = "#e07b39"


def _svg(width: float, height: float, body: str, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" style="{_FONT}">'
        f"<title>{html.escape(title)}</title>"
        f'<rect width="100%" height="100%" fill="white"/>'
        f'<text x="8" y="16" style="font-size:13px;font-weight:600">{html.escape(title)}</text>'
        f"{body}</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {extra}>'
        f"{html.escape(str(text))}</text>"
    )


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    max_value: float = 1.0,
    second: Sequence[float] | None = None,
    legend: tuple[str, str] = ("", ""),
    value_format: str = "{:.2f}",
) -> str:
    """Horizontal bars, one per label (a second series drawn thinner beneath each, if given)."""
    label_w, bar_w, row_h, top = 170.0, 320.0, 18.0, 30.0
    height = top + row_h * len(labels) + (24 if second is not None else 10)
    parts = []
    scale = bar_w / max(max_value, 1e-12)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row_h
        v = 0.0 if value is None or math.isnan(value) else float(value)
        parts.append(_text(label_w - 6, y + 11, _short(label), "end"))
        parts.append(
            f'<rect x="{label_w}" y="{y + 2:.1f}" width="{max(v * scale, 0):.1f}" height="9" '
            f'fill="{_BLUE}"/>'
        )
        text = "n/a" if value is None or math.isnan(value) else value_format.format(value)
        parts.append(_text(label_w + max(v * scale, 0) + 4, y + 10, text))
        if second is not None:
            w = second[i]
            if w is not None and not math.isnan(w):
                parts.append(
                    f'<rect x="{label_w}" y="{y + 11:.1f}" width="{max(float(w) * scale, 0):.1f}" '
                    f'height="5" fill="{_ORANGE}"/>'
                )
    if second is not None:
        y = height - 12
        parts.append(f'<rect x="{label_w}" y="{y - 8}" width="10" height="8" fill="{_BLUE}"/>')
        parts.append(_text(label_w + 14, y, legend[0]))
        parts.append(
            f'<rect x="{label_w + 130}" y="{y - 8}" width="10" height="8" fill="{_ORANGE}"/>'
        )
        parts.append(_text(label_w + 144, y, legend[1]))
    return _svg(label_w + bar_w + 60, height, "".join(parts), title)


def heatmap(
    labels: Sequence[str], matrix: Sequence[Sequence[float]], *, title: str, max_value: float
) -> str:
    """A square matrix as coloured cells (white = 0, dark red = ``max_value``)."""
    n = len(labels)
    cell = max(6.0, min(22.0, 420.0 / max(n, 1)))
    left, top = 150.0, 40.0
    parts = []
    for i in range(n):
        parts.append(_text(left - 4, top + i * cell + cell * 0.7, _short(labels[i]), "end"))
        for j in range(n):
            value = float(matrix[i][j])
            share = 0.0 if max_value <= 0 else min(value / max_value, 1.0)
            shade = int(255 - 200 * share)
            parts.append(
                f'<rect x="{left + j * cell:.1f}" y="{top + i * cell:.1f}" width="{cell:.1f}" '
                f'height="{cell:.1f}" fill="rgb(255,{shade},{shade})" stroke="#eee">'
                f"<title>{html.escape(f'{labels[i]} x {labels[j]}: {value:.3f}')}</title></rect>"
            )
    parts.append(_text(left, top - 6, f"darkest = {max_value:.3f} of all rows"))
    size = left + n * cell + 20
    return _svg(size, top + n * cell + 20, "".join(parts), title)


def histogram(edges: Sequence[float], counts: Sequence[int], *, title: str, x_label: str) -> str:
    """Vertical bars over bins ``edges[i]..edges[i+1]``."""
    width, height, left, bottom = 460.0, 220.0, 50.0, 190.0
    top = 30.0
    n = len(counts)
    peak = max(max(counts), 1)
    bar = (width - left - 10) / max(n, 1)
    parts = [f'<line x1="{left}" y1="{bottom}" x2="{width - 10}" y2="{bottom}" stroke="#555"/>']
    for i, count in enumerate(counts):
        h = (bottom - top) * count / peak
        tip = html.escape(f"{edges[i]:.2f}-{edges[i + 1]:.2f}: {count} rows")
        parts.append(
            f'<rect x="{left + i * bar + 1:.1f}" y="{bottom - h:.1f}" width="{bar - 2:.1f}" '
            f'height="{h:.1f}" fill="{_BLUE}"><title>{tip}</title></rect>'
        )
    for i in (0, n // 2, n):
        parts.append(_text(left + i * bar, bottom + 14, f"{edges[i]:.2f}", "middle"))
    parts.append(_text(8, top + 10, f"{peak} rows"))
    parts.append(_text((left + width) / 2, height - 4, x_label, "middle"))
    return _svg(width, height, "".join(parts), title)


def scatter(
    labels: Sequence[str],
    xs: Sequence[float],
    ys: Sequence[float],
    *,
    title: str,
    x_label: str,
    y_label: str,
) -> str:
    """Points in the unit square with the diagonal drawn; NaN points are left out."""
    size, left, top = 300.0, 45.0, 30.0
    plot = size - left - 15
    parts = [
        f'<rect x="{left}" y="{top}" width="{plot}" height="{plot}" fill="none" stroke="#555"/>',
        f'<line x1="{left}" y1="{top + plot}" x2="{left + plot}" y2="{top}" stroke="#bbb" '
        'stroke-dasharray="4 3"/>',
    ]
    for label, x, y in zip(labels, xs, ys, strict=True):
        if x is None or y is None or math.isnan(float(x)) or math.isnan(float(y)):
            continue
        cx, cy = left + plot * float(x), top + plot * (1 - float(y))
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{_BLUE}" fill-opacity="0.7">'
            f"<title>{html.escape(f'{label}: {x_label} {float(x):.3f}, {y_label} {float(y):.3f}')}"
            "</title></circle>"
        )
    parts.append(_text(left + plot / 2, top + plot + 28, x_label, "middle"))
    parts.append(
        _text(12, top + plot / 2, y_label, "middle", f'transform="rotate(-90 12 {top + plot / 2})"')
    )
    parts.append(_text(left, top + plot + 12, "0", "middle"))
    parts.append(_text(left + plot, top + plot + 12, "1", "middle"))
    return _svg(size, size + 20, "".join(parts), title)


def reliability_diagram(
    lows: Sequence[float],
    highs: Sequence[float],
    counts: Sequence[int],
    confidence: Sequence[float],
    accuracy: Sequence[float],
    *,
    title: str,
) -> str:
    """Accuracy per confidence bin as bars over [0, 1], the diagonal of perfect calibration, each
    bin's mean confidence as a line with the gap to it shaded, and the rows per bin beneath."""
    size, left, top = 330.0, 45.0, 30.0
    plot = size - left - 15
    strip_top, strip = top + plot + 48, 36.0

    x, y, parts = _unit_square(left, top, plot)
    peak = max([*counts, 1])
    for low, high, n, conf, acc in zip(lows, highs, counts, confidence, accuracy, strict=True):
        x0, width = x(low) + 0.5, max(x(high) - x(low) - 1, 0.5)
        tip = html.escape(
            f"{low:.2f}-{high:.2f}: {n:,} rows, mean confidence {conf:.3f}, accuracy {acc:.3f}"
        )
        parts.append(
            f'<rect x="{x0:.1f}" y="{y(acc):.1f}" width="{width:.1f}" '
            f'height="{plot * float(acc):.1f}" fill="{_BLUE}"><title>{tip}</title></rect>'
        )
        if abs(conf - acc) > 0:
            parts.append(
                f'<rect x="{x0:.1f}" y="{y(max(conf, acc)):.1f}" width="{width:.1f}" '
                f'height="{plot * abs(conf - acc):.1f}" fill="{_ORANGE}" fill-opacity="0.45" '
                f'stroke="{_ORANGE}" stroke-width="0.8"/>'
            )
        parts.append(
            f'<line x1="{x0:.1f}" y1="{y(conf):.1f}" x2="{x0 + width:.1f}" y2="{y(conf):.1f}" '
            f'stroke="{_ORANGE}" stroke-width="2"/>'
        )
        h = strip * n / peak
        parts.append(
            f'<rect x="{x0:.1f}" y="{strip_top + strip - h:.1f}" width="{width:.1f}" '
            f'height="{h:.1f}" fill="#888"><title>{tip}</title></rect>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top + plot}" x2="{left + plot}" y2="{top}" stroke="#333" '
        'stroke-dasharray="4 3"/>'
    )
    for value in (0, 0.5, 1):
        parts.append(_text(x(value), top + plot + 12, f"{value:g}", "middle"))
        parts.append(_text(left - 4, y(value) + 4, f"{value:g}", "end"))
    parts.append(
        _text(left + plot / 2, top + plot + 24, "confidence (top class probability)", "middle")
    )
    parts.append(
        _text(
            12, top + plot / 2, "accuracy", "middle", f'transform="rotate(-90 12 {top + plot / 2})"'
        )
    )
    parts.append(
        f'<line x1="{left}" y1="{strip_top + strip}" x2="{left + plot}" y2="{strip_top + strip}" '
        'stroke="#555"/>'
    )
    parts.append(_text(left, strip_top - 3, f"rows per bin (tallest: {peak:,})"))
    legend_y = strip_top + strip + 18
    parts.append(f'<rect x="{left}" y="{legend_y - 8}" width="10" height="8" fill="{_BLUE}"/>')
    parts.append(_text(left + 14, legend_y, "accuracy"))
    parts.append(
        f'<rect x="{left + 78}" y="{legend_y - 8}" width="10" height="8" fill="{_ORANGE}" '
        'fill-opacity="0.45"/>'
    )
    parts.append(_text(left + 92, legend_y, "gap to mean confidence"))
    parts.append(
        f'<line x1="{left + 236}" y1="{legend_y - 4}" x2="{left + 254}" y2="{legend_y - 4}" '
        'stroke="#333" stroke-dasharray="4 3"/>'
    )
    parts.append(_text(left + 258, legend_y, "perfect"))
    return _svg(size + 30, legend_y + 8, "".join(parts), title)


def confidence_curves(
    stated: Sequence[float],
    counts: Sequence[int],
    accuracy: Sequence[float],
    model_accuracy: Sequence[float],
    *,
    title: str,
) -> str:
    """One LF's reliability: per bin of stated confidence (x), how often its votes were right
    against gold (blue dots, sized by votes; NaN: none) and against the model (orange line),
    over the diagonal of an LF that is right exactly as often as it says."""
    size, left, top = 220.0, 36.0, 26.0
    plot = size - left - 12

    x, y, parts = _unit_square(left, top, plot)
    parts += [
        f'<line x1="{left}" y1="{top + plot}" x2="{left + plot}" y2="{top}" stroke="#333" '
        'stroke-dasharray="4 3"/>',
    ]
    line = [f"{x(c):.1f},{y(a):.1f}" for c, a in zip(stated, model_accuracy, strict=True) if a == a]
    if len(line) > 1:
        parts.append(
            f'<polyline points="{" ".join(line)}" fill="none" stroke="{_ORANGE}" stroke-width="2"/>'
        )
    peak = max([*counts, 1])
    for c, n, acc, believed in zip(stated, counts, accuracy, model_accuracy, strict=True):
        tip = html.escape(
            f"stated {c:.3f}: {n:,} votes, right on gold {acc:.3f}, by the model {believed:.3f}"
        )
        if believed == believed:
            parts.append(
                f'<circle cx="{x(c):.1f}" cy="{y(believed):.1f}" r="2.5" fill="{_ORANGE}">'
                f"<title>{tip}</title></circle>"
            )
        if acc == acc:
            r = 2.5 + 4.5 * math.sqrt(n / peak)
            parts.append(
                f'<circle cx="{x(c):.1f}" cy="{y(acc):.1f}" r="{r:.1f}" fill="{_BLUE}" '
                f'fill-opacity="0.7"><title>{tip}</title></circle>'
            )
    for value in (0, 0.5, 1):
        parts.append(_text(x(value), top + plot + 12, f"{value:g}", "middle"))
        parts.append(_text(left - 4, y(value) + 4, f"{value:g}", "end"))
    parts.append(_text(left + plot / 2, top + plot + 25, "stated confidence", "middle"))
    legend_y = top + plot + 42
    parts.append(f'<circle cx="{left + 4}" cy="{legend_y - 4}" r="4" fill="{_BLUE}"/>')
    parts.append(_text(left + 12, legend_y, "right on gold"))
    parts.append(
        f'<line x1="{left + 90}" y1="{legend_y - 4}" x2="{left + 106}" y2="{legend_y - 4}" '
        f'stroke="{_ORANGE}" stroke-width="2"/>'
    )
    parts.append(_text(left + 110, legend_y, "by the model"))
    return _svg(size, legend_y + 8, "".join(parts), title)


def graph_drawing(
    nodes: Sequence[str],
    edges: Sequence[tuple[str, str, float]],
    positions: dict[str, tuple[float, float]],
    *,
    title: str,
) -> str:
    """Nodes at ``positions`` (in [-1, 1]) joined by edges whose width follows their weight."""
    size, pad = 420.0, 60.0
    span = size - 2 * pad

    def at(name: str) -> tuple[float, float]:
        x, y = positions[name]
        return pad + (x + 1) / 2 * span, pad + (y + 1) / 2 * span

    parts = []
    for a, b, weight in edges:
        (x1, y1), (x2, y2) = at(a), at(b)
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#999" '
            f'stroke-width="{1 + 3 * min(max(weight, 0), 1):.1f}"><title>'
            f"{html.escape(f'{a} - {b}: {weight:.2f}')}</title></line>"
        )
    for name in nodes:
        x, y = at(name)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{_BLUE}"/>')
        parts.append(_text(x + 7, y + 4, _short(name)))
    if not edges:
        parts.append(_text(size / 2, size - 12, "no dependencies", "middle"))
    return _svg(size + 80, size, "".join(parts), title)


def _unit_square(
    left: float, top: float, plot: float
) -> tuple[Callable[[float], float], Callable[[float], float], list[str]]:
    """The x and y pixel of a value in [0, 1] on a square plot of side ``plot`` at (left, top),
    and the plot's frame."""

    def x(value: float) -> float:
        return left + plot * float(value)

    def y(value: float) -> float:
        return top + plot * (1 - float(value))

    frame = f'<rect x="{left}" y="{top}" width="{plot}" height="{plot}" fill="none" stroke="#555"/>'
    return x, y, [frame]


def _short(text: str, limit: int = 26) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"

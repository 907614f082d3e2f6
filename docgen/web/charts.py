"""Server-rendered SVG pictures for the project page (no script, no external file)."""

from __future__ import annotations

from fractions import Fraction
from html import escape

from ..present import pct_text
from ..rules.budget import BLUE, GREEN, RED, YELLOW
from ..rules.context import ProjectResult

COLOURS = {RED: "#d9363e", YELLOW: "#e6a700", GREEN: "#2e9d4f", BLUE: "#2f6fd0"}
GREY = "#b0b0b0"


def _pct(value: Fraction | None) -> float:
    return float(value) * 100 if value is not None else 0.0


def progress_chart(result: ProjectResult) -> str:
    """执行率 against 时序进度 at each 监控 date: paired bars, 0–100 %."""
    snaps = result.snapshots
    if not snaps:
        return ""
    width, height, left, bottom, top = max(330, 120 + 110 * len(snaps)), 230, 46, 40, 20
    plot = height - bottom - top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
             f'role="img" aria-label="执行率与时序进度">']
    for tick in (0, 25, 50, 75, 100):
        y = top + plot - plot * tick / 100
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#e5e5e5"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{tick}%</text>')
    for i, s in enumerate(snaps):
        x = left + 20 + i * 110
        b = s.budget
        for j, (value, colour, label) in enumerate(((b.rate, COLOURS.get(b.light or "", "#4a78b5"), "执行率"),
                                                    (b.time_progress, GREY, "时序进度"))):
            v = min(_pct(value), 110.0)
            h = plot * v / 100
            parts.append(f'<rect x="{x + j * 38}" y="{top + plot - h:.1f}" width="34" height="{h:.1f}" '
                         f'fill="{colour}"><title>{escape(label)} {escape(pct_text(value))}</title></rect>'
                         f'<text x="{x + j * 38 + 17}" y="{top + plot - h - 4:.1f}" text-anchor="middle" '
                         f'font-size="11">{escape(pct_text(value))}</text>')
        parts.append(f'<text x="{x + 36}" y="{height - bottom + 16}" text-anchor="middle" font-size="12">'
                     f'{b.as_of.isoformat()}</text>')
    legend_y = height - 8
    parts.append(f'<rect x="{left}" y="{legend_y - 10}" width="12" height="12" fill="#4a78b5"/>'
                 f'<text x="{left + 16}" y="{legend_y}" font-size="12">执行率（颜色为预警灯）</text>'
                 f'<rect x="{left + 170}" y="{legend_y - 10}" width="12" height="12" fill="{GREY}"/>'
                 f'<text x="{left + 186}" y="{legend_y}" font-size="12">时序进度</text></svg>')
    return "".join(parts)


def indicator_lights(result: ProjectResult) -> str:
    """One dot per indicator, coloured by its light (grey: no light), named in a tooltip and a label."""
    current = result.current
    if current is None:
        return ""
    rows = current.indicators
    per_row = 2
    width, line = 760, 24
    height = line * ((len(rows) + per_row - 1) // per_row) + 8
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="lights" width="{width}" height="{height}" '
             f'role="img" aria-label="指标预警">']
    for i, p in enumerate(rows):
        x = 10 + (i % per_row) * (width // per_row)
        y = 16 + (i // per_row) * line
        colour = COLOURS.get(p.light or "", GREY)
        name = escape(p.name if len(p.name) <= 22 else p.name[:21] + "…")
        light = escape(p.light or "无预警")
        parts.append(f'<circle cx="{x + 7}" cy="{y - 4}" r="7" fill="{colour}"><title>{light}</title></circle>'
                     f'<text x="{x + 20}" y="{y}" font-size="12">{name}（{light}）</text>')
    parts.append("</svg>")
    return "".join(parts)

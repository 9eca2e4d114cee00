"""A measure's trend over the kept comparisons as inline SVG: one line per subject, the threshold dashed."""

from __future__ import annotations

from chatconform.reporting._html import e

WIDTH, HEIGHT, PAD = 220, 60, 4
PALETTE = ("#0969da", "#cf222e", "#1a7f37", "#8250df", "#bc4c00", "#57606a")


def svg(lines: dict[str, list[float | None]], threshold: float) -> str:
    """An SVG sparkline of rates (0..1) per subject; a gap where a run did not measure the cell."""
    count = max((len(v) for v in lines.values()), default=0)
    if count == 0:
        return ""
    step = (WIDTH - 2 * PAD) / max(count - 1, 1)
    y = _scale(threshold)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff" stroke="#d0d7de"/>',
        f'<line x1="0" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}" stroke="#8c959f" stroke-dasharray="3 3"/>',
    ]
    for n, (subject, rates) in enumerate(lines.items()):
        colour = PALETTE[n % len(PALETTE)]
        for segment in _segments(rates):
            points = " ".join(f"{PAD + i * step:.1f},{_scale(r):.1f}" for i, r in segment)
            shape = "polyline" if len(segment) > 1 else "circle"
            if shape == "circle":
                i, r = segment[0]
                parts.append(
                    f'<circle cx="{PAD + i * step:.1f}" cy="{_scale(r):.1f}" r="2.5" fill="{colour}">'
                    f"<title>{e(subject)}</title></circle>"
                )
            else:
                parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2">'
                    f"<title>{e(subject)}</title></polyline>"
                )
    parts.append("</svg>")
    return "".join(parts)


def colour_of(index: int) -> str:
    """The colour the n-th subject is drawn in."""
    return PALETTE[index % len(PALETTE)]


def _scale(rate: float) -> float:
    return HEIGHT - PAD - max(0.0, min(1.0, rate)) * (HEIGHT - 2 * PAD)


def _segments(rates: list[float | None]) -> list[list[tuple[int, float]]]:
    """Runs of consecutive measured points (a run that did not measure breaks the line)."""
    out: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for i, rate in enumerate(rates):
        if rate is None:
            if current:
                out.append(current)
            current = []
        else:
            current.append((i, rate))
    return out + ([current] if current else [])

"""Charts drawn by the platform: plain SVG, made on the server (no script, no third party).

Presentation attributes only (no style attributes: the Content-Security-Policy forbids
inline styles). Each chart is an image with a title; the same figures are in a table next
to it, for screen readers and for copying.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

BAR, GAP, LABEL_WIDTH, WIDTH = 22, 8, 260, 640


def bar_chart(*, title: str, bars: list[tuple[str, int]], chart_id: str) -> SafeString:
    """Horizontal bars, one per (label, count); the longest bar is the largest count."""
    if not bars:
        return mark_safe("")
    largest = max(count for _label, count in bars) or 1
    room = WIDTH - LABEL_WIDTH - 60
    height = len(bars) * (BAR + GAP) + GAP
    rows = format_html_join(
        "",
        '<g transform="translate(0,{})"><text x="{}" y="{}" text-anchor="end" '
        'font-size="14" fill="#1a1a1a">{}</text><rect x="{}" y="0" width="{}" height="{}" '
        'fill="#5b3f8c"></rect><text x="{}" y="{}" font-size="14" fill="#1a1a1a">{}</text></g>',
        (
            (
                GAP + i * (BAR + GAP),
                LABEL_WIDTH - 8,
                BAR - 6,
                label,
                LABEL_WIDTH,
                max(1, round(room * count / largest)),
                BAR,
                LABEL_WIDTH + max(1, round(room * count / largest)) + 6,
                BAR - 6,
                count,
            )
            for i, (label, count) in enumerate(bars)
        ),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{}" '
        'viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet">'
        '<title id="{}">{}</title>{}</svg>',
        chart_id,
        WIDTH,
        height,
        chart_id,
        title,
        rows,
    )

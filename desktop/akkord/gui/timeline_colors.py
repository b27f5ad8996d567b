"""The timeline's colours, taken from the palette so that a dark desktop stays readable.

Only the schema's label colours (one per kind) are fixed; everything else (the plot's
background, text, lane stripes, grid, publication ticks, the faded and greyed looks) is
derived from the palette's ``Base`` and ``Text`` roles: the same mixing gives a light
timeline under a light palette and a dark one under a dark palette.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette


def mix(color: QColor, other: QColor, amount: float) -> QColor:
    """``color`` moved ``amount`` (0…1) of the way towards ``other`` (opaque)."""
    return QColor.fromRgbF(color.redF() + (other.redF() - color.redF()) * amount,
                           color.greenF() + (other.greenF() - color.greenF()) * amount,
                           color.blueF() + (other.blueF() - color.blueF()) * amount)


def alpha(color: QColor, value: int) -> QColor:
    """``color`` with opacity ``value`` (0…255)."""
    out = QColor(color)
    out.setAlpha(value)
    return out


@dataclass(frozen=True, slots=True)
class TimelineColors:
    """What the timeline paints with, besides the kinds' own colours."""

    background: QColor  # the plot (and the exports' page)
    ink: QColor  # names, axis text, the selection ring
    muted: QColor  # publication ticks, secondary text
    grey: QColor  # axis lines, grid, void (cancelled …) items
    stripe: QColor  # every other lane

    @classmethod
    def of(cls, palette: QPalette) -> TimelineColors:
        group = QPalette.ColorGroup.Active
        base = palette.color(group, QPalette.ColorRole.Base)
        text = palette.color(group, QPalette.ColorRole.Text)
        return cls(background=QColor(base), ink=QColor(text), muted=mix(text, base, 0.38),
                   grey=mix(text, base, 0.55), stripe=mix(base, text, 0.06))

    @property
    def is_dark(self) -> bool:
        return self.background.lightnessF() < 0.5

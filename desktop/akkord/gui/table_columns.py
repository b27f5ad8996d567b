"""Column widths of a table that changes as the annotator works.

A ``ResizeToContents`` column measures every row again on each ``dataChanged``: in a
list of thousands of documents or entities that was most of an edit's time (an edit
changes one row's counts). So the first column stretches and the others get a width
measured once, from a sample of the widest text they show (or their title, if wider);
the user may drag them wider.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtWidgets import QHeaderView, QTableView


def fix_widths(table: QTableView, titles: Sequence[str], samples: Mapping[int, str]) -> None:
    """Stretch column 0; give each column in ``samples`` a fixed starting width."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    metrics, header_metrics = table.fontMetrics(), header.fontMetrics()
    for column, sample in samples.items():
        width = max(metrics.horizontalAdvance(sample),
                    header_metrics.horizontalAdvance(f"  {titles[column]}  ")) + 12
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, width)

"""The timeline's tool tips, as rich text in which every piece of data is escaped.

Qt guesses whether a tool tip is rich text (``Qt::mightBeRichText``), so a title such as
``Nyheter <img src="file:///dev/zero">`` would be rendered, image and all, if passed as
it is; escaping alone is not enough either (``&amp;`` in a text with no tag would then be
shown as typed). Every tip here is therefore markup that Qt recognises as such, with the
data escaped inside it.
"""

from __future__ import annotations

import html

from akkord.services.timeline import TimelineData, TimelineItem

MAX_DOCUMENTS = 6  # documents listed in an item's tip before "… N more"


def plain_tooltip(text: str) -> str:
    """A tool tip that shows ``text`` exactly as it is (line breaks kept)."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


def publication_tooltip(title: str) -> str:
    """The tip of a publication tick: the document's title."""
    return f"<p style='white-space:pre-wrap'><i>published:</i> {html.escape(title)}</p>"


def item_tooltip(item: TimelineItem, data: TimelineData) -> str:
    """Name, date (value, precision, certainty), status, lanes with their roles, targets
    and the documents that mention the item."""
    kind = data.kind(item.kind)
    names = data.names
    when = item.value if item.value == f"{item.earliest}" else (
        f"{item.value} ({item.earliest} – {item.latest})")
    lines = [f"<b>{html.escape(item.name)}</b>",
             html.escape(f"{kind.display if kind else item.kind} · {when}"
                         f" · {item.precision.value}"
                         + ("" if item.certain else " · uncertain")
                         + (f" · {item.status}" if item.status else ""))]
    lanes = [names.get(lane, "?") + (f" ({role})" if role else "")
             for lane, role in zip(item.lanes, item.roles, strict=True) if lane in names]
    if lanes:
        label = kind.lanes_attribute if kind and kind.lanes_attribute else "lanes"
        lines.append(f"<i>{html.escape(label)}:</i> {html.escape(', '.join(lanes))}")
    if item.targets:
        label = kind.targets_attribute if kind and kind.targets_attribute else "targets"
        targets = ", ".join(names.get(t, "?") for t in item.targets)
        lines.append(f"<i>{html.escape(label)}:</i> {html.escape(targets)}")
    titles = [data.documents.get(doc, f"document {doc}") for doc in item.documents]
    if titles:
        listed = "".join(f"<br>&nbsp;· {html.escape(t)}" for t in titles[:MAX_DOCUMENTS])
        more = (f"<br>&nbsp;· … {len(titles) - MAX_DOCUMENTS} more"
                if len(titles) > MAX_DOCUMENTS else "")
        lines.append(f"<i>{len(titles)} document(s), {item.mention_count} mention(s):</i>"
                     f"{listed}{more}")
    return "<p>" + "<br>".join(lines) + "</p>"

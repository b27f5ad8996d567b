"""A hostile corpus: text that must stay text, in every reader, writer and widget.

Data is never markup, direction marks must not scramble the layout, and size must not
freeze anything (issue 8's guard). Everything here is *valid* input that Akkord must take
and show as it is: HTML tags and entities in titles, text, entity names and aliases
(``<img src="file:///dev/zero">`` aborted the program once when hovered), right-to-left
text with bidi controls, combining marks, emoji and characters outside the Basic
Multilingual Plane, and lines of a megabyte. A NUL character is *not* valid (import
refuses it, one rule for SQLite and PostgreSQL): :data:`NUL_TEXT` is only for tests that
check that refusal.

The API, for tests of the readers and writers and of the GUI:

* :data:`HOSTILE_TEXTS` — name → a hostile snippet;
* :data:`HOSTILE_NAMES` — entity names and aliases with markup;
* :func:`write_hostile_corpus` ``(folder) -> folder`` — the corpus as files in every
  import format that can carry it (seed-layout ``.txt``, native and plain JSONL, brat,
  doccano, Label Studio, CoNLL-U);
* :func:`hostile_project` ``(path) -> path`` — a project file with the hostile
  documents, entities (markup in names and aliases), mentions, relations and values.
"""

from __future__ import annotations

import json
from pathlib import Path

from akkord.domain.dates import PartialDate
from akkord.domain.document import content_hash
from akkord.formats.jsonl import write_jsonl
from akkord.formats.records import (
    DocumentRecord,
    EntityRecord,
    HeaderRecord,
    RelationRecord,
    SpanRecord,
    ValueRecord,
)
from akkord.resources import default_schema_text

IMG = '<img src="file:///dev/zero">'
HOSTILE_TEXTS: dict[str, str] = {
    "img": f"Nyheter {IMG}",
    "local_image": '<img src="file:///usr/share/icons/hicolor/48x48/apps/akkord.png">',
    "bold": "<b>Nato</b> &amp; <i>Russland</i> &lt;møtes&gt; &#x1F600;",
    "script": "<script>alert('akkord')</script><style>*{display:none}</style>",
    "link": '<a href="https://example.invalid/">klikk</a> <table><tr><td>x',
    "rtl": "\u202bمفاوضات الناتو وروسيا\u202c في جنيف",
    "hebrew": "\u200fמשא ומתן בין נאט\"ו לרוסיה\u200e, 12. januar",
    "override": "abc\u202edcba\u202c – \u2066isolert\u2069 \u200b\u200d",
    "combining": "Ge\u0301ne\u0300ve Z\u0351\u0352\u0353a\u0354\u0355l\u0356g\u0357o "
                 "e\u0301\u0301\u0301",
    "emoji": "Møtet 😀🇳🇴👩‍👩‍👧‍👦 i 𝔸𝔹ℂ 𝄞 \U0001F9D1\u200D\U0001F52C",
    "markdown": "# Tittel\n**fet** _kursiv_ [lenke](javascript:alert(1)) `kode`",
    "format": "%s %d {0} {name} $HOME ${x} \\n \\t '\"",
}
HOSTILE_NAMES: list[str] = [
    f"Nato {IMG}", "<b>Jens</b> Stoltenberg &amp; co", "<script>alert(1)</script>Russland",
    "\u202bالناتو\u202c", "Génève\u0301 😀", "&lt;i&gt;USA&lt;/i&gt;",
]
LONG_LINE = ("Nato og Russland møtes i Genève. " * 31_000)[:1_000_000]
LONG_TOKEN = "x" * 1_000_000
NUL_TEXT = "Nato møtes\x00 i Genève"  # refused by import: only for tests of that refusal


def hostile_article(long_lines: bool = False) -> str:
    """One article text holding every hostile snippet (and, optionally, 1 MB lines)."""
    parts = ["Russland og Nato " + HOSTILE_TEXTS["img"], *HOSTILE_TEXTS.values()]
    if long_lines:
        parts += [LONG_LINE, LONG_TOKEN]
    return "\n\n".join(parts) + "\n"


def _span(text: str, piece: str, label: str, sid: str, entity: str | None = None
          ) -> SpanRecord:
    start = text.index(piece)
    return SpanRecord(start, start + len(piece), label, sid, "gold", "manual", entity)


def hostile_records(long_lines: bool = False) -> tuple[list[EntityRecord],
                                                       list[DocumentRecord]]:
    """Entities with markup in names and aliases, and documents that mention them."""
    entities = [
        EntityRecord("actor/nato", "actor", HOSTILE_NAMES[0], [HOSTILE_NAMES[1], "Natos"],
                     [ValueRecord("kind", text="alliance"),
                      ValueRecord("role", text=HOSTILE_TEXTS["bold"])]),
        EntityRecord("actor/russland", "actor", HOSTILE_NAMES[2], [HOSTILE_NAMES[3]],
                     [ValueRecord("kind", text="state")]),
        EntityRecord("demand/garantier", "demand", HOSTILE_TEXTS["script"],
                     [HOSTILE_NAMES[5]],
                     [ValueRecord("claimant", ref="actor/russland"),
                      ValueRecord("issue", text=HOSTILE_TEXTS["rtl"]),
                      ValueRecord("date", date=PartialDate.parse("2022-01"))]),
        EntityRecord("meeting/geneve", "meeting", HOSTILE_TEXTS["emoji"], [HOSTILE_NAMES[4]],
                     [ValueRecord("participants", ref="actor/nato", role="host"),
                      ValueRecord("participants", ref="actor/russland", role="participant"),
                      ValueRecord("date", date=PartialDate.parse("2022-01-10")),
                      ValueRecord("status", text="held")]),
        EntityRecord("place/geneve", "place", HOSTILE_TEXTS["combining"]),
    ]
    text = hostile_article(long_lines)
    spans = [
        _span(text, "Russland og Nato", "ACTOR", "s1", "actor/russland"),
        _span(text, HOSTILE_TEXTS["img"], "DEMAND", "s2", "demand/garantier"),
        _span(text, "<b>Nato</b>", "ACTOR", "s3", "actor/nato"),
        _span(text, "مفاوضات الناتو", "MEETING", "s4", "meeting/geneve"),
        _span(text, "Ge\u0301ne\u0300ve", "PLACE", "s5", "place/geneve"),
        _span(text, "😀🇳🇴", "ACTOR", "s6"),
        _span(text, "12. januar", "TIME", "s7"),
    ]
    spans[-1].values.append(ValueRecord("date", date=PartialDate.parse("2022-01-12")))
    documents = [DocumentRecord(
        text=text, external_id="hostile-1", title=HOSTILE_TEXTS["img"],
        source=HOSTILE_TEXTS["link"], date=PartialDate.parse("2022-01-10"),
        meta={"caption": HOSTILE_TEXTS["local_image"], "byline": HOSTILE_TEXTS["hebrew"],
              "tags": [HOSTILE_TEXTS["bold"], {"note": HOSTILE_TEXTS["override"]}]},
        spans=spans,
        relations=[RelationRecord("s1", "s2", "claimant"),
                   RelationRecord("s3", "s4", "participant"),
                   RelationRecord("s5", "s4", "place"),
                   RelationRecord("s7", "s4", "time")],
        states={"gold": "in progress"})]
    for n, (name, snippet) in enumerate(HOSTILE_TEXTS.items(), start=2):
        documents.append(DocumentRecord(text=f"{snippet}\n\nNato og Russland.\n",
                                        external_id=f"hostile-{n}", title=snippet,
                                        meta={"kind": name}))
    return entities, documents


def write_native(path: Path, long_lines: bool = False) -> Path:
    """The hostile corpus as Akkord's native JSONL (with entities and the schema)."""
    entities, documents = hostile_records(long_lines)
    with path.open("wb") as handle:
        write_jsonl(handle, HeaderRecord(default_schema_text(), ["gold"]), entities,
                    ((d, content_hash(d.text)) for d in documents))
    return path


def write_hostile_corpus(folder: Path, long_lines: bool = False) -> Path:
    """The corpus in every import format that can carry it, as files in ``folder``.

    ``articles/*.txt`` (seed layout, markup in the title line), ``native.jsonl``,
    ``plain.jsonl`` (``{"text", "meta", "spans"}``), ``brat/`` (``.ann`` + ``.txt``),
    ``doccano.jsonl`` (give ``--format doccano``), ``labelstudio.json`` and
    ``hostile.conllu``. Returns ``folder``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    _entities, documents = hostile_records(long_lines)
    write_native(folder / "native.jsonl", long_lines)
    articles = folder / "articles"
    articles.mkdir(exist_ok=True)
    for n, (name, snippet) in enumerate(HOSTILE_TEXTS.items(), start=1):
        (articles / f"{n:02d}_{name}.txt").write_text(
            f" date 2022-01-1{n % 10} {snippet.replace(chr(10), ' ')}\n\n"
            f"{snippet.splitlines()[0]}\n\nAv <b>Kari</b> Nordmann\n\n{snippet}\n",
            encoding="utf-8")
    main = documents[0]
    spans = [{"id": s.id, "start": s.start, "end": s.end, "label": s.label}
             for s in main.spans]
    (folder / "plain.jsonl").write_text("".join(json.dumps(line, ensure_ascii=False) + "\n"
                                                for line in (
        {"id": d.external_id, "text": d.text, "meta": {"title": d.title, "date": "2022-01"},
         "spans": spans if d is main else []} for d in documents)), encoding="utf-8")
    brat = folder / "brat"
    brat.mkdir(exist_ok=True)
    (brat / "hostile.txt").write_text(main.text, encoding="utf-8", newline="\n")
    (brat / "hostile.ann").write_text("".join(
        f"T{n}\t{s.label} {s.start} {s.end}\t{main.text[s.start:s.end]}\n"
        for n, s in enumerate(main.spans, start=1)), encoding="utf-8")
    (folder / "doccano.jsonl").write_text("".join(json.dumps(
        {"id": d.external_id, "text": d.text,
         "label": [[s.start, s.end, s.label] for s in d.spans], "meta": {"title": d.title}},
        ensure_ascii=False) + "\n" for d in documents), encoding="utf-8")
    (folder / "labelstudio.json").write_text(json.dumps([
        {"id": n, "data": {"text": d.text, "title": d.title},
         "annotations": [{"result": [
             {"id": s.id, "type": "labels", "from_name": "label", "to_name": "text",
              "value": {"start": _utf16(d.text, s.start), "end": _utf16(d.text, s.end),
                        "labels": [s.label]}} for s in d.spans]}]}
        for n, d in enumerate(documents, start=1)], ensure_ascii=False), encoding="utf-8")
    tokens = [("Nato", "O"), ("møtte", "O"),
              (HOSTILE_TEXTS["img"].replace(" ", "_"), "B-ACTOR"), ("😀", "O"),
              ("\u202bمرحبا\u202c", "B-PLACE"), ("Ge\u0301ne\u0300ve", "I-PLACE"), (".", "O")]
    (folder / "hostile.conllu").write_text(
        "# newdoc id = hostile-conllu\n# text = (hostile)\n" + "".join(
            f"{i}\t{form}\t_\t_\t_\t_\t_\t_\t_\tname={tag}\n"
            for i, (form, tag) in enumerate(tokens, start=1)) + "\n", encoding="utf-8")
    return folder


def _utf16(text: str, offset: int) -> int:
    return offset + sum(1 for c in text[:offset] if ord(c) > 0xFFFF)


def hostile_project(path: Path, long_lines: bool = False) -> Path:
    """A new project at ``path`` holding the hostile corpus: documents, entities with
    markup in names and aliases, mentions (some linked), relations and values. ``path``
    must not exist; returns it."""
    from akkord.services.importing import ImportOptions, import_paths
    from akkord.store import open_project

    native = write_native(path.with_name(path.name + ".hostile.jsonl"), long_lines)
    try:
        with open_project(path, create=True) as project:
            report = import_paths(project, [native], ImportOptions(suggest_times=False))
        if report.problems:
            raise AssertionError(f"the hostile corpus did not import: {report.problems}")
    finally:
        native.unlink(missing_ok=True)
    return path

#!/usr/bin/env python3
"""Validate the demo corpus and its gold annotation spec (``annotations.toml``).

Usage::

    python3 resources/demo/check_annotations.py [--seeds DIR]

Standard library only (Python 3.11+, ``tomllib``). Prints a summary and exits with
status 1 if anything is wrong, listing every problem found. Checks:

* every document file exists, is UTF-8 with LF line ends and a final newline, and has the
  article layout (`` date YYYY-MM[-DD] CAPTION``, title, lead, ``Av …``, ``Publisert: …``,
  body; one blank line between blocks);
* every mention: unique id, valid label, ``text`` found at least ``occurrence`` times
  (plain substring matches, counted from the start of the file), the located span starts
  and ends on word boundaries, the entity exists and its kind fits the label
  (TIME mentions have no entity but a valid ``date``);
* every relation: known type, existing mention ids, allowed head and tail labels;
* every entity: unique ``kind/slug`` key, valid kind, attribute enums, references to
  entities of the right kind, dates in the TIMEX-style value forms;
* no 9-word sequence of the seed articles (``--seeds``, default ``/work/shared/seeds``)
  occurs in any file under ``resources/demo/`` (skipped with a note if the folder is absent).
"""

from __future__ import annotations

import argparse
import calendar
import re
import sys
import tomllib
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SEEDS = Path("/work/shared/seeds")
NGRAM = 9

LABEL_KIND = {
    "ACTOR": "actor", "DEMAND": "demand", "MEETING": "meeting", "PLACE": "place", "TIME": None,
}
RELATIONS = {  # type: (head labels, tail labels)
    "claimant": ({"ACTOR"}, {"DEMAND"}),
    "addressee": ({"DEMAND"}, {"ACTOR"}),
    "participant": ({"ACTOR"}, {"MEETING"}),
    "place": ({"PLACE"}, {"MEETING"}),
    "time": ({"TIME"}, {"MEETING", "DEMAND"}),
}
ACTOR_KINDS = {"person", "state", "organisation", "alliance", "government body", "group", "media",
               "office"}
DEMAND_FORMS = {"demand", "request", "proposal", "ultimatum", "threat", "rejection", "offer"}
DEMAND_STATUS = {"made", "repeated", "rejected", "accepted", "withdrawn"}
MEETING_KINDS = {"talks", "council", "summit", "ministerial", "call", "press conference"}
MEETING_STATUS = {"proposed", "planned", "held", "cancelled", "postponed"}
PARTICIPANT_ROLES = {"host", "participant", "invited", "represented-by"}
ENTITY_KINDS = {"actor", "demand", "meeting", "place"}

KEY_RE = re.compile(r"^(actor|demand|meeting|place)/[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRY_RE = re.compile(r"^[A-Z]{3}$")
WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
HEADER_RE = re.compile(r"^ date (\d{4}-\d{2}(?:-\d{2})?) \S")
ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")

ENTITY_ATTRS = {
    "actor": {"kind", "country", "role", "wikidata", "holders"},
    "place": {"country", "wikidata"},
    "demand": {"claimant", "addressees", "form", "issue", "date", "status"},
    "meeting": {"kind", "participants", "place", "date", "status"},
}
MENTION_KEYS = {"id", "text", "occurrence", "label", "entity", "date"}


# --------------------------------------------------------------------------- dates
_SEASONS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11)}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _single(value: str) -> tuple[date, date]:
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value):
        d = date(int(m[1]), int(m[2]), int(m[3]))
        return d, d
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
        monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return monday, monday + timedelta(days=6)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
        y, mo = int(m[1]), int(m[2])
        return date(y, mo, 1), _month_end(y, mo)
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
        y, q = int(m[1]), int(m[2])
        return date(y, 3 * q - 2, 1), _month_end(y, 3 * q)
    if m := re.fullmatch(r"(\d{4})-(SP|SU|FA|WI)", value):
        y = int(m[1])
        if m[2] == "WI":
            return date(y - 1, 12, 1), _month_end(y, 2)
        first, last = _SEASONS[m[2]]
        return date(y, first, 1), _month_end(y, last)
    if m := re.fullmatch(r"(\d{4})", value):
        y = int(m[1])
        return date(y, 1, 1), date(y, 12, 31)
    raise ValueError(f"{value!r} is not a TIMEX-style value")


def parse_timex(value: object) -> tuple[date, date]:
    """(earliest, latest) of a value such as 2022-01-12, 2022-W04, 2019-SU or A/B."""
    if not isinstance(value, str) or not value:
        raise ValueError(f"{value!r} is not a date string")
    if "/" in value:
        left, _, right = value.partition("/")
        start, end = _single(left), _single(right)
        if start[0] > end[1]:
            raise ValueError(f"interval {value!r} ends before it starts")
        return start[0], end[1]
    return _single(value)


# --------------------------------------------------------------------------- checks
class Report:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.notes: list[str] = []

    def error(self, where: str, msg: str) -> None:
        self.problems.append(f"{where}: {msg}")


def is_word_char(ch: str) -> bool:
    return bool(re.match(r"\w", ch))


def locate(text: str, needle: str, occurrence: int) -> int | None:
    """Start of the ``occurrence``-th plain substring match (overlapping search)."""
    idx = -1
    for _ in range(occurrence):
        idx = text.find(needle, idx + 1)
        if idx < 0:
            return None
    return idx


def check_layout(name: str, raw: bytes, rep: Report) -> str | None:
    where = name
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        rep.error(where, f"not UTF-8: {exc}")
        return None
    if text.startswith("\ufeff"):
        rep.error(where, "starts with a byte order mark")
    if "\r" in text:
        rep.error(where, "contains CR characters (use LF line ends)")
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # check the rest as if LF
    if not text.endswith("\n"):
        rep.error(where, "no final newline")
    elif text.endswith("\n\n"):
        rep.error(where, "blank line(s) at the end")
    if "\t" in text:
        rep.error(where, "contains tab characters")
    lines = text.rstrip("\n").split("\n")
    if not HEADER_RE.match(lines[0]):
        rep.error(where, "line 1 does not start with ' date YYYY-MM[-DD] ' and a caption")
    else:
        try:
            parse_timex(HEADER_RE.match(lines[0])[1])
        except ValueError as exc:
            rep.error(where, f"line 1: {exc}")
    for i, line in enumerate(lines, 1):
        if line != line.rstrip():
            rep.error(where, f"line {i}: trailing whitespace")
        if i > 1 and line and line != line.lstrip():
            rep.error(where, f"line {i}: leading whitespace")
    # blocks: non-blank lines separated by exactly one blank line
    for i in range(1, len(lines)):
        if not lines[i] and not lines[i - 1]:
            rep.error(where, f"line {i + 1}: more than one blank line in a row")
    blocks = [ln for ln in lines if ln]
    if any(lines[i] for i in range(1, len(lines), 2)):
        rep.error(where, "blocks must be single lines separated by one blank line")
    if len(blocks) < 7:
        rep.error(where, "too few blocks for caption, title, lead, byline, published line and body")
        return text
    if not blocks[1] or blocks[1].endswith("."):
        rep.error(where, "block 2 should be the title (no final full stop)")
    if not blocks[3].startswith("Av "):
        rep.error(where, "block 4 should be the byline 'Av Firstname Lastname'")
    if not blocks[4].startswith("Publisert: "):
        rep.error(where, "block 5 should be the 'Publisert: …' line")
    return text


def check_entities(data: dict, rep: Report) -> dict[str, dict]:
    entities: dict[str, dict] = {}
    for n, ent in enumerate(data.get("entities", []), 1):
        key = ent.get("key")
        where = f"entity {key or f'#{n}'}"
        if not isinstance(key, str) or not KEY_RE.match(key):
            rep.error(where, "key must be 'kind/ascii-slug' (lowercase letters, digits, hyphens)")
            continue
        if key in entities:
            rep.error(where, "duplicate key")
        kind = ent.get("kind")
        if kind not in ENTITY_KINDS:
            rep.error(where, f"kind {kind!r} is not one of {sorted(ENTITY_KINDS)}")
        elif key.split("/", 1)[0] != kind:
            rep.error(where, f"key prefix does not match kind {kind!r}")
        if not isinstance(ent.get("name"), str) or not ent["name"].strip():
            rep.error(where, "name is missing")
        aliases = ent.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
            rep.error(where, "aliases must be a list of non-empty strings")
        unknown = set(ent) - {"key", "kind", "name", "aliases", "attributes"}
        if unknown:
            rep.error(where, f"unknown fields {sorted(unknown)}")
        entities[key] = ent
    for key, ent in entities.items():
        check_attributes(key, ent.get("kind"), ent.get("attributes", {}), entities, rep)
    return entities


def _ref(where: str, what: str, value: object, kind: str, entities: dict, rep: Report) -> None:
    if not isinstance(value, str) or value not in entities:
        rep.error(where, f"{what} {value!r} is not an entity key")
    elif entities[value].get("kind") != kind:
        rep.error(where, f"{what} {value!r} is not of kind {kind!r}")


def _enum(where: str, what: str, value: object, allowed: set[str], rep: Report,
          required: bool = True) -> None:
    if value is None and not required:
        return
    if value not in allowed:
        rep.error(where, f"{what} {value!r} is not one of {sorted(allowed)}")


def _date(where: str, what: str, value: object, rep: Report, required: bool = True) -> None:
    if value is None and not required:
        return
    try:
        parse_timex(value)
    except ValueError as exc:
        rep.error(where, f"{what}: {exc}")


def check_attributes(key: str, kind: str | None, attrs: dict, entities: dict, rep: Report) -> None:
    where = f"entity {key}"
    if not isinstance(attrs, dict):
        rep.error(where, "attributes must be a table")
        return
    if kind in ENTITY_ATTRS:
        unknown = set(attrs) - ENTITY_ATTRS[kind]
        if unknown:
            rep.error(where, f"unknown attributes {sorted(unknown)}")
    if "country" in attrs and not COUNTRY_RE.match(str(attrs["country"])):
        rep.error(where, f"country {attrs['country']!r} is not ISO 3166 alpha-3")
    if "wikidata" in attrs and not WIKIDATA_RE.match(str(attrs["wikidata"])):
        rep.error(where, f"wikidata {attrs['wikidata']!r} is not a Q-id")
    if kind == "actor":
        _enum(where, "actor kind", attrs.get("kind"), ACTOR_KINDS, rep)
        if "role" in attrs and not isinstance(attrs["role"], str):
            rep.error(where, "role must be text")
        holders = attrs.get("holders", [])
        if holders and attrs.get("kind") != "office":
            rep.error(where, "only an office has holders")
        for h in holders if isinstance(holders, list) else [holders]:
            if not isinstance(h, dict) or set(h) - {"actor", "date"} or "actor" not in h:
                rep.error(where, f"holder {h!r} must be {{ actor = …, date = … }}")
                continue
            _ref(where, "holder", h["actor"], "actor", entities, rep)
            _date(where, "holder term", h.get("date"), rep, required=False)
    elif kind == "demand":
        _ref(where, "claimant", attrs.get("claimant"), "actor", entities, rep)
        addressees = attrs.get("addressees")
        if not isinstance(addressees, list) or not addressees:
            rep.error(where, "addressees must be a non-empty list of actor keys")
        else:
            for a in addressees:
                _ref(where, "addressee", a, "actor", entities, rep)
        _enum(where, "form", attrs.get("form"), DEMAND_FORMS, rep)
        _enum(where, "status", attrs.get("status"), DEMAND_STATUS, rep)
        if not isinstance(attrs.get("issue"), str) or not attrs["issue"]:
            rep.error(where, "issue is missing")
        _date(where, "date", attrs.get("date"), rep)
    elif kind == "meeting":
        _enum(where, "meeting kind", attrs.get("kind"), MEETING_KINDS, rep)
        _enum(where, "status", attrs.get("status"), MEETING_STATUS, rep)
        _date(where, "date", attrs.get("date"), rep)
        if "place" in attrs:
            _ref(where, "place", attrs["place"], "place", entities, rep)
        parts = attrs.get("participants", [])
        if not isinstance(parts, list):
            rep.error(where, "participants must be a list")
            parts = []
        for p in parts:
            if not isinstance(p, dict) or set(p) - {"actor", "role"}:
                rep.error(where, f"participant {p!r} must be {{ actor = …, role = … }}")
                continue
            _ref(where, "participant", p.get("actor"), "actor", entities, rep)
            _enum(where, "participant role", p.get("role"), PARTICIPANT_ROLES, rep)
        seen = [(p.get("actor"), p.get("role")) for p in parts if isinstance(p, dict)]
        if len(seen) != len(set(seen)):
            rep.error(where, "duplicate participant")


def check_document(doc: dict, entities: dict, rep: Report, stats: dict) -> str | None:
    name = doc.get("file")
    if not isinstance(name, str) or "/" in name or "\\" in name:
        rep.error("document", f"file {name!r} must be a plain file name in resources/demo/")
        return None
    unknown = set(doc) - {"file", "mentions", "relations"}
    if unknown:
        rep.error(name, f"unknown fields {sorted(unknown)}")
    path = HERE / name
    if not path.is_file():
        rep.error(name, "file does not exist")
        return None
    text = check_layout(name, path.read_bytes(), rep)
    if text is None:
        return None
    ids: dict[str, str] = {}
    spans: set[tuple[int, int, str]] = set()
    for n, m in enumerate(doc.get("mentions", []), 1):
        mid = m.get("id")
        where = f"{name} mention {mid or f'#{n}'}"
        if not isinstance(mid, str) or not ID_RE.match(mid):
            rep.error(where, "id must be a non-empty identifier")
            continue
        if mid in ids:
            rep.error(where, "duplicate id")
        label = m.get("label")
        ids[mid] = label
        unknown = set(m) - MENTION_KEYS
        if unknown:
            rep.error(where, f"unknown fields {sorted(unknown)}")
        if label not in LABEL_KIND:
            rep.error(where, f"label {label!r} is not one of {sorted(LABEL_KIND)}")
            continue
        stats["labels"][label] += 1
        needle = m.get("text")
        occ = m.get("occurrence", 1)
        if not isinstance(needle, str) or not needle or needle != needle.strip():
            rep.error(where, "text must be non-empty without surrounding spaces")
        elif not isinstance(occ, int) or isinstance(occ, bool) or occ < 1:
            rep.error(where, f"occurrence {occ!r} must be a positive integer")
        else:
            start = locate(text, needle, occ)
            if start is None:
                found = text.count(needle)
                rep.error(where, f"{needle!r} occurs {found} time(s), fewer than {occ}")
            else:
                end = start + len(needle)
                cut_start = (start > 0 and is_word_char(text[start - 1])
                             and is_word_char(text[start]))
                cut_end = (end < len(text) and is_word_char(text[end - 1])
                           and is_word_char(text[end]))
                if cut_start or cut_end:
                    rep.error(where, f"{needle!r} (occurrence {occ}) at {start} "
                                     "is inside a longer word")
                if "\n" in needle:
                    rep.error(where, "text spans a line break")
                if (start, end, label) in spans:
                    rep.error(where, f"same span and label as another mention ({start}-{end})")
                spans.add((start, end, label))
        kind = LABEL_KIND[label]
        if kind is None:
            if "entity" in m:
                rep.error(where, "TIME mentions have no entity")
            _date(where, "date", m.get("date"), rep)
        else:
            if "date" in m:
                rep.error(where, f"{label} mentions have no date "
                                 "(dates belong to TIME mentions or to the entity)")
            ent = m.get("entity")
            if ent not in entities:
                rep.error(where, f"entity {ent!r} does not exist")
            elif entities[ent].get("kind") != kind:
                rep.error(where, f"entity {ent!r} is of kind {entities[ent].get('kind')!r}, "
                                f"label {label} needs kind {kind!r}")
    seen_rel = set()
    for n, r in enumerate(doc.get("relations", []), 1):
        where = f"{name} relation #{n} ({r.get('type')} {r.get('head')} -> {r.get('tail')})"
        typ = r.get("type")
        if set(r) - {"type", "head", "tail"}:
            rep.error(where, f"unknown fields {sorted(set(r) - {'type', 'head', 'tail'})}")
        if typ not in RELATIONS:
            rep.error(where, f"type {typ!r} is not one of {sorted(RELATIONS)}")
            continue
        heads, tails = RELATIONS[typ]
        for end_name, allowed in (("head", heads), ("tail", tails)):
            ref = r.get(end_name)
            if ref not in ids:
                rep.error(where, f"{end_name} {ref!r} is not a mention id of this document")
            elif ids[ref] not in allowed:
                rep.error(where, f"{end_name} {ref!r} is labelled {ids[ref]}, "
                                 f"{typ} needs {sorted(allowed)}")
        triple = (typ, r.get("head"), r.get("tail"))
        if triple in seen_rel:
            rep.error(where, "duplicate relation")
        seen_rel.add(triple)
        if r.get("head") == r.get("tail"):
            rep.error(where, "head and tail are the same mention")
        stats["relations"][typ] += 1
    stats["per_doc"].append(
        (name, len(text), len(doc.get("mentions", [])), len(doc.get("relations", []))))
    return text


# --------------------------------------------------------------------------- seeds
def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def ngrams(toks: list[str], n: int = NGRAM) -> set[tuple[str, ...]]:
    return {tuple(toks[i:i + n]) for i in range(len(toks) - n + 1)}


def check_seeds(seeds_dir: Path, rep: Report) -> None:
    if not seeds_dir.is_dir():
        rep.notes.append(f"seed folder {seeds_dir} is absent: 9-gram overlap check skipped")
        return
    seed_grams: dict[tuple[str, ...], str] = {}
    seed_files = sorted(p for p in seeds_dir.iterdir() if p.is_file())
    for p in seed_files:
        for g in ngrams(tokens(p.read_text(encoding="utf-8", errors="replace"))):
            seed_grams.setdefault(g, p.name)
    checked = 0
    for path in sorted(HERE.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        try:
            content = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            rep.notes.append(f"{path.name}: not UTF-8 text, skipped in the 9-gram check")
            continue
        checked += 1
        for g in sorted(ngrams(tokens(content)) & seed_grams.keys()):
            rep.error(path.relative_to(HERE).as_posix(),
                      f"shares the {NGRAM}-word sequence {' '.join(g)!r} with seed {seed_grams[g]}")
    rep.notes.append(f"9-gram check: {checked} file(s) under resources/demo/ against "
                     f"{len(seed_files)} seed file(s)")


# --------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spec", type=Path, default=HERE / "annotations.toml")
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    args = ap.parse_args(argv)
    rep = Report()
    try:
        data = tomllib.loads(args.spec.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        print(f"cannot read {args.spec}: {exc}")
        return 1
    stats = {"labels": Counter(), "relations": Counter(), "per_doc": []}
    entities = check_entities(data, rep)
    files = []
    for doc in data.get("documents", []):
        check_document(doc, entities, rep, stats)
        files.append(doc.get("file"))
    if len(files) != len(set(files)):
        rep.error("documents", "a file is listed more than once")
    on_disk = {p.name for p in HERE.glob("*.txt")}
    for extra in sorted(on_disk - set(files)):
        rep.error(extra, "article file has no [[documents]] entry")
    if not files:
        rep.error("documents", "no documents")
    check_seeds(args.seeds, rep)

    used = {m.get("entity") for d in data.get("documents", []) for m in d.get("mentions", [])}
    unused = sorted(k for k in entities if k not in used)

    print(f"documents: {len(stats['per_doc'])}")
    for name, size, nm, nr in stats["per_doc"]:
        print(f"  {name:32} {size:5d} chars {nm:4d} mentions {nr:4d} relations")
    print(f"mentions: {sum(stats['labels'].values())} ("
          + ", ".join(f"{lab} {stats['labels'][lab]}" for lab in LABEL_KIND) + ")")
    print(f"relations: {sum(stats['relations'].values())} ("
          + ", ".join(f"{t} {stats['relations'][t]}" for t in RELATIONS) + ")")
    kinds = Counter(e.get("kind") for e in entities.values())
    per_kind = ", ".join(f"{k} {kinds[k]}" for k in sorted(ENTITY_KINDS))
    print(f"entities: {len(entities)} ({per_kind})")
    if unused:
        print(f"entities not mentioned in any document: {', '.join(unused)}")
    for note in rep.notes:
        print(f"note: {note}")
    if rep.problems:
        print(f"\n{len(rep.problems)} problem(s):")
        for p in rep.problems:
            print(f"  {p}")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())

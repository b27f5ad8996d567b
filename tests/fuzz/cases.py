"""Fuzz cases: seeds mutated byte by byte, structurally, and in the ways issue 9 names.

:func:`make_case` turns (run seed, case index) into one :class:`Case`, deterministically
(``random.Random(f"{seed}:{index}")``), so a failing case is rerun by its number. Each
case says what a correct import must do with it when that is known:

* ``expect[path] = "reject"``: wrong JSON types at typed keys, offsets negative /
  reversed / empty / past the end / huge, duplicate ids, NUL characters, nesting past
  the metadata bound, links, binary and empty files … (accepting it is
  *accepted-but-wrong*);
* ``expect[path] = "accept"``: valid input in an unusual shape (CRLF, a BOM, other
  encodings, markup, right-to-left text, emoji, nesting under the bound) that must not be
  refused (refusing it is *refused-but-valid*);
* no entry: anything may happen, but never a traceback, a hang, a partial import or a
  stored record that breaks an invariant (checked by :mod:`tests.fuzz.oracle`).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.fuzz.seeds import Seed

SECRET = "AKKORD-FUZZ-SECRET-7f3a"  # text of the file outside the folder: never imported
HOSTILE_SNIPPETS = (
    '<img src="file:///dev/zero">', "<b>fet</b> &amp; <script>alert(1)</script>",
    "\u202eمرحبا بالعالم\u202c", "שָׁלוֹם \u200fעולם\u200e", "e\u0301\u0301 Å\u030a", "😀🇳🇴𝔸",
    "Zalgo: Z\u0351\u0352\u0353a\u0354\u0355l\u0356g\u0357o",
)
MEGA = 50_000_000  # "a 50 MB line"


@dataclass(slots=True)
class Case:
    """One input to import, with what is known about the right outcome."""

    index: int
    seed: str
    name: str
    fmt: str | None
    target: str  # relative to the case's input folder; "" = the folder itself
    files: dict[str, bytes]
    links: dict[str, str] = field(default_factory=dict)  # relative path → link target
    fifos: list[str] = field(default_factory=list)
    expect: dict[str, str] = field(default_factory=dict)  # relative file → accept/reject
    schema_via: str | None = None  # schema cases: "init" or "header"
    expect_mentions: int | None = None  # if accepted, exactly this many mentions


class Deep:
    """A list nested ``depth`` levels, written without recursion (json.dumps would recurse)."""

    def __init__(self, depth: int) -> None:
        self.depth = depth

    @property
    def marker(self) -> str:
        return f"__DEEP_{self.depth}__"


def dumps(obj: Any) -> str:
    """JSON text of ``obj`` where :class:`Deep` values become ``[[[…0…]]]``."""
    deep: dict[str, int] = {}

    def default(value: Any) -> Any:
        if isinstance(value, Deep):
            deep[value.marker] = value.depth
            return value.marker
        raise TypeError(type(value).__name__)

    text = json.dumps(obj, ensure_ascii=False, default=default)
    for marker, depth in deep.items():
        text = text.replace(f'"{marker}"', "[" * depth + "0" + "]" * depth)
    return text


# -- which JSON keys are typed ---------------------------------------------------------

STR, STR_N = {str}, {str, type(None)}
ID, ID_N = {str, int}, {str, int, type(None)}
INT, BOOL_N, NUM_N = {int}, {bool, type(None)}, {int, float, type(None)}
OBJ, OBJ_N, LIST, LIST_N = {dict}, {dict, type(None)}, {list}, {list, type(None)}

_VALUE = {"attribute": STR, "text": STR_N, "ref": STR_N, "role": STR_N, "date": STR_N,
          "certainty": STR_N, "flag": BOOL_N, "preferred": BOOL_N, "number": NUM_N,
          "evidence": OBJ_N}
_SPAN = {"id": ID_N, "start": INT, "end": INT, "label": STR, "annotator": STR_N,
         "status": STR_N, "entity": STR_N, "values": LIST_N}
_RELATION = {"from_id": ID, "to_id": ID, "type": STR, "annotator": STR_N}

Path_ = tuple[Any, ...]


def _native_types(record: dict[str, Any], path: Path_) -> set[type] | None:
    """The JSON types allowed at ``path`` in a native (or plain) JSONL record."""
    kind = record.get("type", "document")
    head, rest = path[0], path[1:]
    if kind == "akkord":
        table: dict[Any, set[type]] = {"version": INT, "schema": STR_N, "annotators": LIST_N}
        if head == "annotators" and len(rest) == 1:
            return STR
        return table.get(head) if not rest else None
    if kind == "entity":
        if not rest:
            return {"key": STR, "kind": STR, "name": STR, "aliases": LIST_N, "values": LIST_N,
                    "type": STR}.get(head)
        if head == "aliases" and len(rest) == 1:
            return STR
        if head == "values":
            return _value_types(rest)
        return None
    if not rest:
        return {"text": STR, "id": ID_N, "meta": OBJ_N, "spans": LIST_N,
                "relations": LIST_N, "parts": LIST_N, "states": OBJ_N}.get(head)
    if head == "meta":
        return STR_N if len(rest) == 1 and rest[0] in ("title", "source", "date") else None
    if head == "states":
        return STR if len(rest) == 1 else None
    if head == "spans":
        if len(rest) == 1:
            return OBJ
        if len(rest) == 2:
            return _SPAN.get(rest[1])
        if rest[1] == "values":
            return _value_types(rest[2:])
        return None
    if head == "relations":
        return OBJ if len(rest) == 1 else _RELATION.get(rest[1]) if len(rest) == 2 else None
    if head == "parts":
        if len(rest) == 1:
            return LIST
        return (STR if rest[1] == 0 else INT) if len(rest) == 2 else None
    return None


def _value_types(rest: Path_) -> set[type] | None:
    if len(rest) == 1:
        return OBJ
    return _VALUE.get(rest[1]) if len(rest) == 2 else None


def _doccano_types(record: dict[str, Any], path: Path_) -> set[type] | None:
    head, rest = path[0], path[1:]
    if not rest:
        return {"text": STR, "id": ID_N, "label": LIST_N, "entities": LIST_N,
                "relations": LIST_N, "meta": OBJ_N}.get(head)
    if head == "label":
        return LIST if len(rest) == 1 else (STR if rest[1] == 2 else INT) \
            if len(rest) == 2 else None
    if head == "entities":
        if len(rest) == 1:
            return OBJ
        return {"id": ID_N, "label": STR, "start_offset": INT, "end_offset": INT}.get(
            rest[1]) if len(rest) == 2 else None
    if head == "relations":
        if len(rest) == 1:
            return OBJ
        return {"from_id": ID, "to_id": ID, "type": STR}.get(rest[1]) \
            if len(rest) == 2 else None
    if head == "meta" and len(rest) == 1 and rest[0] in ("title", "source", "date"):
        return STR_N
    return None


def _labelstudio_types(record: dict[str, Any], path: Path_) -> set[type] | None:
    head, rest = path[0], path[1:]
    if not rest:
        return {"data": OBJ, "annotations": LIST_N, "predictions": LIST_N}.get(head)
    if head == "data":
        if len(rest) == 1:
            return {"text": STR, "title": STR_N, "source": STR_N, "date": STR_N,
                    "external_id": ID_N}.get(rest[0])
        return None
    if head not in ("annotations", "predictions"):
        return None
    if len(rest) == 1:
        return OBJ
    if len(rest) == 2:
        return {"result": LIST_N, "was_cancelled": BOOL_N}.get(rest[1])
    if rest[1] != "result":
        return None
    item = rest[3:] if len(rest) > 3 else ()
    if len(rest) == 3:
        return OBJ
    key = item[0]
    if len(item) == 1:
        return {"value": OBJ, "id": ID_N, "from_id": ID, "to_id": ID, "labels": LIST_N,
                "direction": STR_N}.get(key)
    if key == "value" and len(item) == 2:
        return {"start": INT, "end": INT, "labels": LIST_N}.get(item[1])
    if (len(item) == 2 and key == "labels") or (key == "value" and item[1:2] == ("labels",)
                                              and len(item) == 3):
        return STR
    return None


TYPED: dict[str, Callable[[dict[str, Any], Path_], set[type] | None]] = {
    "native-jsonl": _native_types, "plain-jsonl": _native_types,
    "doccano": _doccano_types, "labelstudio": _labelstudio_types,
}


def _paths(obj: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    """Every key path below ``obj`` (iteratively: seeds are shallow but big)."""
    stack: list[tuple[Any, Path_]] = [(obj, prefix)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                yield (*path, key)
                stack.append((value, (*path, key)))
        elif isinstance(item, list):
            for i, value in enumerate(item):
                yield (*path, i)
                stack.append((value, (*path, i)))


def _get(obj: Any, path: Path_) -> Any:
    for key in path:
        obj = obj[key]
    return obj


def _set(obj: Any, path: Path_, value: Any) -> None:
    _get(obj, path[:-1])[path[-1]] = value


BAD_DATES = ("2022/" * 3000 + "2022", "2022-13-45", "2022-W99", "2022-01/2021-01",
             "2022-01/2022-02/2022-03")


def _wrong_values(rng: random.Random) -> list[Any]:
    return [*BAD_DATES, {}, [], 5, -1, 0, 1.5, 1e300, 2 ** 63, -(2 ** 63) - 1, "", "x", "4²", True,
            False, None, {"a": {"b": []}}, [[1, 2], "x"], "\u0000", "A" * rng.choice(
                (300, 100_000)), Deep(rng.choice((40, 300, 1000))), "<b>x</b>", "\u202e"]


# -- the JSON formats ---------------------------------------------------------------------

@dataclass(slots=True)
class _Json:
    """A JSON seed opened for mutation: JSON Lines records, or Label Studio's task list."""

    lines: bool
    records: list[Any]

    @classmethod
    def parse(cls, seed: Seed) -> _Json:
        data = seed.files[seed.target].decode("utf-8")
        if seed.target.endswith(".json"):
            return cls(False, json.loads(data))
        return cls(True, [json.loads(line) for line in data.splitlines() if line.strip()])

    def dump(self) -> bytes:
        if self.lines:
            return ("\n".join(dumps(r) for r in self.records) + "\n").encode("utf-8")
        return dumps(self.records).encode("utf-8")


def _documents(js: _Json) -> list[int]:
    return [i for i, r in enumerate(js.records) if isinstance(r, dict)
            and r.get("type", "document") == "document"]


def _text_key(seed: str) -> Path_:
    return ("data", "text") if seed == "labelstudio" else ("text",)


def _meta_key(seed: str) -> Path_:
    return ("data",) if seed == "labelstudio" else ("meta",)


def _spans(seed: str, record: dict[str, Any]) -> list[tuple[Path_, Path_]]:
    """(start path, end path) of every span of a document record."""
    if seed in ("native-jsonl", "plain-jsonl"):
        return [(("spans", i, "start"), ("spans", i, "end"))
                for i in range(len(record.get("spans") or []))]
    if seed == "doccano":
        return [(("entities", i, "start_offset"), ("entities", i, "end_offset"))
                for i in range(len(record.get("entities") or []))]
    out = []
    for a, annotation in enumerate(record.get("annotations") or []):
        for r, result in enumerate(annotation.get("result") or []):
            if result.get("type") == "labels":
                base = ("annotations", a, "result", r, "value")
                out.append(((*base, "start"), (*base, "end")))
    return out


def _json_case(case: Case, seed: Seed, rng: random.Random) -> None:
    js = _Json.parse(seed)
    docs = _documents(js)
    target = seed.target
    pick = rng.random()
    typed = TYPED[seed.name]
    if pick < 0.38:  # a wrong JSON type (or deletion) at any key of any record
        index = rng.randrange(len(js.records))
        record = js.records[index]
        paths = list(_paths(record))
        path = rng.choice(paths)
        allowed = typed(record, path)
        if rng.random() < 0.2:
            del _get(record, path[:-1])[path[-1]]
            case.name = f"delete {path}"
            if (allowed is not None and type(None) not in allowed
                    and isinstance(path[-1], str)):
                case.expect[target] = "reject"
        else:
            value = rng.choice(_wrong_values(rng))
            _set(record, path, value)
            shown = f"Deep({value.depth})" if isinstance(value, Deep) else repr(value)[:30]
            case.name = f"type {path}={shown}"
            kind = list if isinstance(value, Deep) else type(value)
            blank_ok = "aliases" in path  # a blank alias is harmless: accepted
            if allowed is not None and (kind not in allowed
                                        or (allowed == STR and value == "" and not blank_ok)
                                        or (path[-1] == "date" and value in BAD_DATES)):
                case.expect[target] = "reject"
    elif pick < 0.58 and docs:  # offsets: negative, reversed, empty, past the end, huge
        record = js.records[rng.choice(docs)]
        spans = _spans(seed.name, record)
        if not spans:
            return _json_case(case, seed, rng)
        start_path, end_path = rng.choice(spans)
        length = len(_get(record, _text_key(seed.name)))
        if seed.name == "labelstudio":
            length += sum(1 for c in _get(record, _text_key(seed.name)) if ord(c) > 0xFFFF)
        start, end = _get(record, start_path), _get(record, end_path)
        how = rng.choice(("negative", "reversed", "empty", "past-end", "huge", "float"))
        new = {"negative": (-rng.randint(1, 5), end), "reversed": (end, start),
               "empty": (start, start), "past-end": (start, length + rng.randint(1, 9)),
               "huge": (start, rng.choice((2 ** 62, 10 ** 30, 2 ** 64))),
               "float": (float(start), end)}[how]
        _set(record, start_path, new[0])
        _set(record, end_path, new[1])
        case.name = f"offsets {how} at {start_path[:-1]}"
        case.expect[target] = "reject"
    elif pick < 0.66 and docs:  # metadata nested d levels: refused from 32 on
        record = js.records[rng.choice(docs)]
        depth = rng.choice((1, 5, 20, 31, 32, 33, 100, 256, 300, 999, 1000, 1100, 3000))
        meta = _get(record, _meta_key(seed.name)) if seed.name == "labelstudio" else \
            record.setdefault("meta", {})
        meta["nested"] = Deep(depth)
        case.name = f"metadata nested {depth} deep"
        # json_problem counts the metadata object as level 0 and the list under it as 1
        case.expect[target] = "reject" if depth + 1 > 32 else "accept"
    elif pick < 0.76 and docs:  # a NUL character in a text field
        record = js.records[rng.choice(docs)]
        where = rng.choice(("text", "title", "meta"))
        if where == "text":
            text = _get(record, _text_key(seed.name))
            position = len(text)  # at the end: no offsets move
            _set(record, _text_key(seed.name), text[:position] + "\u0000" + text[position:])
        elif where == "title":
            meta = record.setdefault("meta", {}) if seed.name != "labelstudio" else record["data"]
            meta["title"] = "Tittel\u0000med NUL"
        else:
            meta = record.setdefault("meta", {}) if seed.name != "labelstudio" else record["data"]
            meta["note"] = {"deep": ["a\u0000b"]}
        case.name = f"NUL in the {where}"
        case.expect[target] = "reject"
    elif pick < 0.83 and docs:  # duplicate ids
        record = js.records[rng.choice(docs)]
        if seed.name in ("native-jsonl", "plain-jsonl") and record.get("spans"):
            record["spans"].append(dict(record["spans"][0]))
            case.expect[target] = "reject"
        elif seed.name == "doccano" and record.get("entities"):
            record["entities"].append(dict(record["entities"][0]))
            record["label"].append(list(record["label"][0]))
            case.expect[target] = "reject"
        else:
            js.records.append(js.records[docs[0]])  # the same document twice: deduplicated
            case.expect[target] = "accept"
        case.name = "duplicate ids"
    elif pick < 0.93 and docs:  # valid but hostile: markup, RTL, emoji, combining marks
        record = js.records[rng.choice(docs)]
        snippet = rng.choice(HOSTILE_SNIPPETS)
        text_path = _text_key(seed.name)
        _set(record, text_path, _get(record, text_path) + "\n" + snippet + "\n")
        meta = record.setdefault("meta", {}) if seed.name != "labelstudio" else record["data"]
        meta["title"] = snippet
        if seed.name == "doccano":
            record.pop("title", None)
        case.name = f"hostile text {snippet[:12]!r}"
        case.expect[target] = "accept"
    else:  # big numbers, long strings and names that do not fit their columns
        record = js.records[rng.choice(docs)] if docs else js.records[0]
        how = rng.choice(("long-id", "long-annotator", "long-title"))
        if how == "long-id" and "data" not in record:
            record["id"] = "x" * 300
            case.expect[target] = "reject"
        elif how == "long-annotator" and seed.name == "native-jsonl" and record.get("spans"):
            record["spans"][0]["annotator"] = "a" * 200
            case.expect[target] = "reject"
        else:
            meta = record.setdefault("meta", {}) if "data" not in record else record["data"]
            meta["title"] = "T" * 300_000
            case.expect[target] = "accept"
            how = "long-title"
        case.name = how
    case.files[target] = js.dump()
    return None


# -- line formats -------------------------------------------------------------------------

def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _brat_case(case: Case, seed: Seed, rng: random.Random) -> None:
    ann = seed.files["doc.ann"].decode("utf-8").split("\n")
    text = seed.files["doc.txt"].decode("utf-8")
    t_lines = [i for i, line in enumerate(ann) if line.startswith("T")]
    pick = rng.random()
    if pick < 0.45:
        i = rng.choice(t_lines)
        tid, body, surface = ann[i].split("\t")
        label, _, offsets = body.partition(" ")
        start, _, end = offsets.partition(" ")
        how = rng.choice(("superscript", "arabic-digit", "negative", "reversed", "past-end",
                          "empty", "overlapping", "blank", "trailing-semicolon", "huge"))
        new = {"superscript": f"{start}² {end}", "arabic-digit": f"٣ {end}",
               "negative": f"-1 {end}", "reversed": f"{end} {start}",
               "past-end": f"{start} {len(text) + 5}", "empty": f"{start} {start}",
               "overlapping": f"{start} {end};{start} {end}", "blank": "",
               "trailing-semicolon": f"{start} {end};", "huge": f"{start} {10 ** 30}"}[how]
        ann[i] = f"{tid}\t{label} {new}\t{surface}"
        case.name = f"brat offsets {how}"
        case.expect["doc.ann"] = "reject"
    elif pick < 0.55:
        ann.append(ann[rng.choice(t_lines)])
        case.name = "brat duplicate T id"
        case.expect["doc.ann"] = "reject"
    elif pick < 0.62:
        ann.insert(rng.randrange(len(ann)), rng.choice(
            ("X1\tfoo", "R99\tclaimant Arg1:T999 Arg2:T1", "A9\tAccepted T999",
             "N9\tReference T999 akkord:actor/x\tX")))
        case.name = "brat bad line"
        case.expect["doc.ann"] = "reject"
    elif pick < 0.72:
        text += "\u0000"
        case.name = "brat NUL in the text"
        case.expect["doc.ann"] = "reject"
    elif pick < 0.82:
        case.files["doc.txt"] = text.replace("\n", "\r\n").encode("utf-8")
        case.files["doc.ann"] = "\n".join(ann).encode("utf-8")
        case.name = "brat CRLF text"
        case.expect["doc.ann"] = "accept"
        return
    elif pick < 0.9:
        text += "\n" + rng.choice(HOSTILE_SNIPPETS) + "\n"
        case.name = "brat hostile text"
        case.expect["doc.ann"] = "accept"
    else:
        case.files["doc.txt"] = bytes(rng.randrange(256) for _ in range(2048)) + b"\x00"
        case.files["doc.ann"] = "\n".join(ann).encode("utf-8")
        case.name = "brat binary text"
        case.expect["doc.ann"] = "reject"
        return
    case.files["doc.ann"] = "\n".join(ann).encode("utf-8")
    case.files["doc.txt"] = text.encode("utf-8")


def _conll_case(case: Case, seed: Seed, rng: random.Random) -> None:
    lines = seed.files[seed.target].decode("utf-8").split("\n")
    conllu = seed.name == "conllu"
    tokens = [i for i, line in enumerate(lines) if line and not line.startswith(("#", "-DOC"))]
    tagged = [i for i in tokens if "B-" in lines[i]]
    pick = rng.random()
    if pick < 0.3 and tagged:
        i = rng.choice(tagged)
        lines[i] = lines[i].replace("B-", rng.choice(("X-", "B_", "b-", "B-\u0000")), 1)
        case.name = "conll bad tag"
        case.expect[seed.target] = "reject"
    elif pick < 0.45 and conllu:
        # A multiword range with a huge end made the reader skip every later token: refuse
        # it, or keep every mention.
        i = next(i for i in tokens if lines[i].split("\t")[0] == "1")
        lines.insert(i, "1-99999999999999999999\tfoo\t_\t_\t_\t_\t_\t_\t_\t_")
        case.name = "conllu huge multiword range"
        case.expect_mentions = sum(line.count("name=B-") for line in lines)
    elif pick < 0.55 and conllu:
        i = rng.choice(tokens)
        columns = lines[i].split("\t")
        columns[0] = rng.choice(("²", "٣", "1²", "-1", "0.5"))
        lines[i] = "\t".join(columns)
        case.name = f"conllu id {columns[0]!r}"
    elif pick < 0.65:
        i = rng.choice(tokens)
        sep = "\t" if conllu else " "
        columns = lines[i].split(sep)
        form = 1 if conllu else 0
        columns[form] = columns[form] + "\u0000"
        lines[i] = sep.join(columns)
        case.name = "conll NUL in a token"
        case.expect[seed.target] = "reject"
    elif pick < 0.75:
        case.files[seed.target] = "\r\n".join(lines).encode("utf-8")
        case.name = "conll CRLF"
        case.expect[seed.target] = "accept"
        return
    elif pick < 0.85:
        if conllu:
            i = next(i for i, line in enumerate(lines) if line.startswith("# newdoc"))
            lines[i] = "# newdoc id = " + "d" * 300
            case.name = "conllu long document id"
            case.expect[seed.target] = "reject"
        else:
            lines.insert(0, "-DOCSTART- -X- -X- O")
            case.name = "conll extra DOCSTART"
    else:
        i = rng.choice(tokens)
        sep = "\t" if conllu else " "
        columns = lines[i].split(sep)
        columns[1 if conllu else 0] = rng.choice(HOSTILE_SNIPPETS).replace(" ", "_")
        lines[i] = sep.join(columns)
        case.name = "conll hostile token"
        case.expect[seed.target] = "accept"
    case.files[seed.target] = "\n".join(lines).encode("utf-8")


def _txt_case(case: Case, seed: Seed, rng: random.Random) -> None:
    text = seed.files[seed.target].decode("utf-8")
    pick = rng.random()
    if pick < 0.25:
        encoding = rng.choice(("utf-8-sig", "utf-16", "cp1252", "latin-1"))
        case.files[seed.target] = text.replace("\n", rng.choice(("\n", "\r\n"))).encode(
            encoding, errors="replace")
        case.name = f"txt as {encoding}"
        case.expect[seed.target] = "accept"
        return
    if pick < 0.45:
        position = rng.randrange(len(text))
        text = text[:position] + "\u0000" + text[position:]
        case.name = "txt NUL"
        case.expect[seed.target] = "reject"
    elif pick < 0.65 and seed.name == "seed-txt":
        text = text.replace("date 2022-01", rng.choice(
            ("date 2022-13", "date 2022-02-30", "date 0000-01", "date 99999", "date 2022-1²")), 1)
        case.name = "txt bad header date"
    elif pick < 0.85:
        lines = text.split("\n")
        lines.insert(rng.randrange(len(lines)), rng.choice(HOSTILE_SNIPPETS))
        text = "\n".join(lines)
        case.name = "txt hostile line"
        case.expect[seed.target] = "accept"
    else:
        text = rng.choice(HOSTILE_SNIPPETS) + "\n\n" + text
        case.name = "txt hostile title"
        case.expect[seed.target] = "accept"
    case.files[seed.target] = text.encode("utf-8")


# -- schemas ------------------------------------------------------------------------------

_STRING_KEYS = ("name", "description", "color", "entity", "type", "kind", "pattern",
                "display", "fills", "style", "lanes", "targets", "status")


def _schema_case(case: Case, seed: Seed, rng: random.Random) -> None:
    case.schema_via = rng.choice(("init", "header"))
    text = seed.files[seed.target].decode("utf-8")
    lines = text.split("\n")
    pick = rng.random()
    settings = [i for i, line in enumerate(lines) if " = " in line and not line.startswith("#")]
    if pick < 0.4:
        i = rng.choice(settings)
        key = lines[i].split(" = ")[0].strip()
        value = rng.choice(("{}", "[]", "5", "true", "[[1]]", '{ a = { b = [] } }', "1.5",
                            "'x'", '"<b>x</b>"', '"\\u0000"'))
        lines[i] = f"{key} = {value}"
        case.name = f"schema {key} = {value}"
        if key in _STRING_KEYS and not value.startswith(("'", '"')):
            case.expect[seed.target] = "reject"
    elif pick < 0.55:
        depth = rng.choice((50, 300, 1000, 3000, 5000))
        i = rng.choice([i for i in settings if lines[i].startswith("description")] or settings)
        lines[i] = "description = " + "[" * depth + "]" * depth
        case.name = f"schema nested {depth} deep"
        case.expect[seed.target] = "reject"
    elif pick < 0.7:
        i = rng.choice([i for i in settings if lines[i].startswith("description")] or settings)
        markup = rng.choice(HOSTILE_SNIPPETS).replace("\\", "\\\\").replace('"', '\\"')
        lines[i] = f'description = "{markup}"'
        case.name = "schema description with markup"
        case.expect[seed.target] = "accept"
    elif pick < 0.8:
        i = rng.choice([i for i, line in enumerate(lines) if line.startswith("[labels.")]
                       or settings)
        lines[i] = lines[i].replace("[labels.", "[labels." + rng.choice(
            ("X" * 70, '"A B"', '"Å"', '"ACTOR\\n"')), 1)
        case.name = "schema bad label name"
        case.expect[seed.target] = "reject"
    else:
        case.files[seed.target] = _bytes_mutation(case, seed.files[seed.target], rng)
        return
    case.files[seed.target] = "\n".join(lines).encode("utf-8")


# -- byte-level mutations (every format) ----------------------------------------------------

def _bytes_mutation(case: Case, data: bytes, rng: random.Random) -> bytes:
    how = rng.choice(("flip", "flip", "truncate", "invalid-utf8", "nul", "dup-line",
                      "del-line", "swap-lines", "empty", "binary", "bom"))
    case.name = f"bytes {how}"
    buffer = bytearray(data)
    if how == "flip":
        for _ in range(rng.randint(1, 8)):
            if buffer:
                buffer[rng.randrange(len(buffer))] ^= 1 << rng.randrange(8)
    elif how == "truncate":
        del buffer[rng.randrange(max(1, len(buffer))):]
    elif how == "invalid-utf8":
        at = rng.randrange(len(buffer) + 1)
        buffer[at:at] = rng.choice((b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\x80", b"\x80"))
    elif how == "nul":
        at = rng.randrange(len(buffer) + 1)
        buffer[at:at] = b"\x00"
    elif how in ("dup-line", "del-line", "swap-lines"):
        lines = bytes(buffer).split(b"\n")
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        if how == "dup-line":
            lines.insert(j, lines[i])
        elif how == "del-line":
            del lines[i]
        else:
            lines[i], lines[j] = lines[j], lines[i]
        buffer = bytearray(b"\n".join(lines))
    elif how == "empty":
        buffer = bytearray()
        case.expect[case.target or "doc.ann"] = "reject"
    elif how == "binary":
        buffer = bytearray(rng.randrange(256) for _ in range(rng.choice((16, 4096))))
        buffer[rng.randrange(len(buffer))] = 0
        case.expect[case.target or "doc.ann"] = "reject"
    else:
        buffer[0:0] = b"\xef\xbb\xbf"
    return bytes(buffer)


# -- links, FIFOs, huge lines -----------------------------------------------------------------

def _link_case(case: Case, seeds: dict[str, Seed], rng: random.Random) -> None:
    """Links in a folder: to a file outside it, to a folder, a brat .txt that is a link."""
    how = rng.choice(("txt-link", "brat-txt-link", "brat-ann-link", "dir-link", "direct-link",
                      "fifo", "direct-fifo"))
    good = seeds["plain-txt"].files["plain.txt"]
    case.seed, case.name, case.fmt = "links", f"link {how}", None
    case.files = {"good.txt": good}
    case.expect = {"good.txt": "accept"}
    if how == "txt-link":
        case.links["stolen.txt"] = "../outside/secret.txt"
        case.expect["stolen.txt"] = "reject"
    elif how == "brat-txt-link":
        case.files["doc.ann"] = b"T1\tACTOR 0 6\tAKKORD\n"
        case.links["doc.txt"] = "../outside/secret.txt"
        case.expect["doc.ann"] = "reject"
    elif how == "brat-ann-link":
        case.files["doc.txt"] = b"Russland og Nato\n"
        case.links["doc.ann"] = "../outside/secret.ann"
        case.expect["doc.ann"] = "reject"
    elif how == "dir-link":
        case.links["elsewhere"] = "../outside"
        case.expect["elsewhere"] = "reject"
    elif how == "direct-link":
        case.files = {}
        case.expect = {"stolen.txt": "reject"}
        case.links["stolen.txt"] = "../outside/secret.txt"
        case.target = "stolen.txt"
        return
    elif how == "direct-fifo":
        case.files = {}
        case.fifos.append("pipe.txt")
        case.expect = {"pipe.txt": "reject"}
        case.target = "pipe.txt"
        return
    else:
        case.fifos.append("pipe.txt")  # in a folder: not a regular file, so not read
    case.target = ""


def _mega_case(case: Case, seeds: dict[str, Seed], rng: random.Random) -> None:
    """A single 50 MB line in one of the line-based formats."""
    line = ("Nato " * (MEGA // 5))[:MEGA]
    which = rng.choice(("plain-txt", "plain-jsonl", "conll", "brat", "doccano", "schema"))
    seed = seeds[which]
    case.seed, case.fmt, case.target = which, seed.fmt, seed.target
    case.name = f"a 50 MB line ({which})"
    if which == "plain-txt":
        case.files = {seed.target: line.encode()}
    elif which in ("plain-jsonl", "doccano"):
        case.files = {seed.target: (json.dumps({"text": line}) + "\n").encode()}
    elif which == "conll":
        case.files = {seed.target: (line.replace(" ", "_") + " _ _ O\n").encode()}
    elif which == "schema":
        case.name = "a 60 MB schema"
        case.schema_via = rng.choice(("init", "header"))
        case.files = {seed.target: seed.files[seed.target].replace(
            b'description = "', b'description = "' + b"x" * 60_000_000, 1)}
    else:
        case.files = {"doc.ann": b"T1\tACTOR 0 4\tNato\n", "doc.txt": line.encode()}
    case.expect[seed.target] = "reject"


# -- one case -------------------------------------------------------------------------------

FORMATS = ("native-jsonl", "plain-jsonl", "doccano", "labelstudio", "brat", "conll", "conllu",
           "seed-txt", "plain-txt", "schema", "small-schema")


def make_case(seeds: dict[str, Seed], run_seed: int, index: int, *, mega_every: int = 0
              ) -> Case:
    """The case with this number in the run seeded ``run_seed`` (deterministic)."""
    rng = random.Random(f"{run_seed}:{index}")
    if mega_every and index % mega_every == mega_every // 2:
        case = Case(index, "", "", None, "", {})
        _mega_case(case, seeds, rng)
        return case
    if rng.random() < 0.03:
        case = Case(index, "links", "", None, "", {})
        _link_case(case, seeds, rng)
        return case
    name = rng.choice(FORMATS)
    seed = seeds[name]
    case = Case(index, name, "", seed.fmt, seed.target, dict(seed.files))
    if rng.random() < 0.3:
        main = "doc.ann" if name == "brat" and rng.random() < 0.5 else \
            "doc.txt" if name == "brat" else seed.target
        case.files[main] = _bytes_mutation(case, seed.files[main], rng)
        if name.endswith("schema"):
            case.schema_via = rng.choice(("init", "header"))
        if name == "brat" and main == "doc.ann":
            case.expect = {}  # an empty .ann is a document without annotations
        return case
    if name in TYPED:
        _json_case(case, seed, rng)
    elif name == "brat":
        _brat_case(case, seed, rng)
    elif name in ("conll", "conllu"):
        _conll_case(case, seed, rng)
    elif name.endswith("txt"):
        _txt_case(case, seed, rng)
    else:
        _schema_case(case, seed, rng)
    return case

"""A small hostile corpus for the window: markup, entities, right-to-left text, combining
marks and emoji in titles, text, entity names and aliases.

(``tests/hostile.py``, a larger corpus shared by every reader's tests, is being written
on another branch; this one is what the GUI tests need until it lands, and is built
through the real import as a user's file would be.)

Every hostile string carries a sentinel word wrapped in tags (``<b>ZZ…</b>``): wherever
the sentinel is visible without its tags, the string was rendered as markup.
"""

from __future__ import annotations

import json
from pathlib import Path

from akkord.resources import resource_path
from akkord.services.importing import ImportOptions, import_paths
from akkord.store import open_project

SENTINEL = "ZZ"
DEV_ZERO = "file:///dev/zero"  # Qt reads it as an image until memory runs out
MISSING_IMAGE = "file:///nonexistent/akkord-hostile.png"  # harmless, still an image tag


def hostile_titles(image: str) -> list[str]:
    return [
        f'Nyheter <img src="{image}">',
        f"<b>{SENTINEL}TITLE</b> &amp; &lt;i&gt; <a href='https://example.org'>lenke</a>",
        f"خبر عاجل: نيتو و روسيا <b>{SENTINEL}RTL</b> שלום",
        f"Ne\u0301ve\u0308 Z\u0335\u0321a\u0337l\u0338g\u0335o <i>{SENTINEL}MARK</i>",
        f"🇳🇴 Møte 👩\u200d👩\u200d👧 <u>{SENTINEL}EMOJI</u> <table><tr><td>x</td></tr></table>",
    ]


def _entities(image: str) -> list[dict[str, object]]:
    return [
        {"type": "entity", "key": "actor/hostile-1", "kind": "actor",
         "name": f"<b>{SENTINEL}NAME</b> Putin", "aliases": [f'<img src="{image}">',
                                                               "<script>alert(1)</script>"],
         "values": [{"attribute": "kind", "text": "person"},
                    {"attribute": "role", "text": f"<i>{SENTINEL}ROLE</i> president"}]},
        {"type": "entity", "key": "actor/hostile-2", "kind": "actor",
         "name": f"حلف <b>{SENTINEL}NATO</b> 🇳🇴", "aliases": [],
         "values": [{"attribute": "kind", "text": "alliance"}]},
        {"type": "entity", "key": "demand/hostile", "kind": "demand",
         "name": f'Garantier <img src="{image}"> <b>{SENTINEL}DEMAND</b>', "aliases": [],
         "values": [{"attribute": "claimant", "ref": "actor/hostile-1"},
                    {"attribute": "addressees", "ref": "actor/hostile-2"}]},
    ]


def _document(n: int, title: str) -> dict[str, object]:
    actor = f"<b>{SENTINEL}NAME</b> Putin"
    demand = f'Garantier <img src="x"> <b>{SENTINEL}DEMAND</b>'
    text = (f"{title}\n\n{actor} krever {demand} fra حلف <b>{SENTINEL}NATO</b> 🇳🇴 "
            f"i dag. Ne\u0301ve\u0308 &amp; <br> er ikke markup.\n")
    a = text.index(actor)
    d = text.index(demand)
    t = text.index("حلف")
    return {
        "id": f"hostile-{n}", "text": text,
        "meta": {"title": title, "date": f"2022-01-{10 + n:02d}", "source": f"hostile-{n}"},
        "spans": [
            {"id": "a", "start": a, "end": a + len(actor), "label": "ACTOR",
             "annotator": "gold", "entity": "actor/hostile-1"},
            {"id": "d", "start": d, "end": d + len(demand), "label": "DEMAND",
             "annotator": "gold", "entity": "demand/hostile"},
            {"id": "n", "start": t, "end": t + len(f"حلف <b>{SENTINEL}NATO</b> 🇳🇴"),
             "label": "ACTOR", "annotator": "gold", "entity": "actor/hostile-2"},
        ],
        "relations": [{"from_id": "a", "to_id": "d", "type": "claimant", "annotator": "gold"}],
    }


def write_hostile_jsonl(path: Path, image: str = MISSING_IMAGE) -> Path:
    header = json.loads(resource_path("demo", "gold.jsonl").read_text(
        encoding="utf-8").splitlines()[0])
    header["annotators"] = ["gold"]
    lines = [header, *_entities(image),
             *(_document(n, title) for n, title in enumerate(hostile_titles(image), start=1))]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines),
                    encoding="utf-8")
    return path


def hostile_project(folder: Path, image: str = MISSING_IMAGE) -> Path:
    """A project file holding the hostile corpus in the ``gold`` layer."""
    folder.mkdir(parents=True, exist_ok=True)
    source = write_hostile_jsonl(folder / "hostile.jsonl", image)
    path = folder / "hostile.akkord"
    with open_project(path, create=True) as project:
        report = import_paths(project, [source], ImportOptions(suggest_times=False))
        problems = [str(p) for p in report.problems]
        if problems:
            raise AssertionError("the hostile corpus did not import:\n" + "\n".join(problems))
    return path

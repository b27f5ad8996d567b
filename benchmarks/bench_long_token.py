"""A document with one unbroken token of 1 MB and one of 5 MB: time to open each in the
window, every mention painted (they froze the window for 40 s and > 120 s; issue 8).

``long-token`` prints ``open_1mb_token_ms`` and ``open_5mb_token_ms`` (median of 3: the
document selected in the list until the view has painted it), and
``open_1mb_words_ms``: one paragraph of 1 MB of ordinary words, for comparison.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from common import benchmark, median_ms, report

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _project(folder: Path) -> Path:
    from akkord.services.importing import ImportOptions, import_paths
    from akkord.store import open_project

    records = []
    for title, body in (("1 MB token", "x" * 1_000_000), ("5 MB token", "y" * 5_000_000),
                        ("1 MB words", ("ordet " * 170_000).strip())):
        text = f"{title}\n\nNato {body} Russland\n"
        end = text.rindex("Russland")
        records.append({"text": text, "meta": {"title": title},
                        "spans": [{"id": "a", "start": len(title) + 2, "end": len(title) + 6,
                                   "label": "ACTOR"},
                                  {"id": "b", "start": end, "end": end + 8, "label": "ACTOR"}]})
    source = folder / "long.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    path = folder / "long.akkord"
    with open_project(path, create=True) as project:
        report_ = import_paths(project, [source], ImportOptions(suggest_times=False))
        assert not report_.problems, report_.problems
    return path


@benchmark("long-token")
def long_token() -> None:
    from akkord.gui import theme
    from akkord.gui.application import application
    from akkord.gui.main_window import MainWindow
    from akkord.store import open_project

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["AKKORD_CONFIG_DIR"] = tmp  # never the user's settings
        app = application()
        theme.apply(app)
        window = MainWindow(open_project(_project(Path(tmp))), "gold", "gold", suggest=False)
        window.resize(1480, 920)
        window.show()
        app.processEvents()
        ids = {window.documents.model.summary(r).title: window.documents.model.summary(r).id
               for r in range(window.documents.model.rowCount())}

        def open_and_paint(doc_id: int) -> None:
            window.session.open_document(None)
            window.session.open_document(doc_id)
            window.view.viewport().repaint()
            app.processEvents()

        for title, name in (("1 MB token", "open_1mb_token_ms"),
                            ("5 MB token", "open_5mb_token_ms"),
                            ("1 MB words", "open_1mb_words_ms")):
            report(name, median_ms(lambda i=ids[title]: open_and_paint(i), 3), "ms")
        window.close()

"""The `akkord` command: subcommands, exit codes, messages without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from akkord import __version__
from akkord.cli import main
from tests.conftest import SEEDS, needs_shared

ARTICLE = " date 2022-01-21 MØTE: To ministre.\n\nBlinken møtte Lavrov\n\nDe møttes fredag.\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version_and_help() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out
    for command in ("init", "import", "list", "export", "demo", "gui"):
        code, out, _ = run(command, "--help")
        assert code == 0 and "Usage:" in out, command


def test_every_command_is_listed_and_loads_lazily() -> None:
    """The lazy table names every command each module defines, and only those; `akkord
    gui` loads none of the other commands' modules (their imports are start-up time)."""
    import importlib
    import pkgutil

    import akkord.cli as cli

    defined = {}
    for info in pkgutil.iter_modules(cli.__path__):
        module = importlib.import_module(f"akkord.cli.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            defined[command.name] = info.name
    assert defined == cli.COMMANDS
    code, out, _ = run("--help")
    assert code == 0 and all(name in out for name in cli.COMMANDS)
    probe = ("import sys, akkord.cli as c; c.load_command('gui'); "
             "print(sorted(m for m in sys.modules if m.startswith('akkord.cli.')))")
    loaded = subprocess.run([sys.executable, "-c", probe], check=True, text=True,
                            capture_output=True).stdout
    assert loaded.strip() == "['akkord.cli.gui_cmd']"


def test_init_import_list_export(tmp_path: Path) -> None:
    project = tmp_path / "p.akkord"
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    assert run("init", str(project))[0] == 0
    code, out, _ = run("import", str(project), str(article))
    assert code == 0 and "Imported 1 new document" in out
    code, out, _ = run("import", str(project), str(article))
    assert code == 0 and "Imported 0 new document" in out and "1 already present" in out
    code, out, _ = run("list", str(project))
    assert code == 0 and "2022-01-21" in out and "Blinken møtte Lavrov" in out
    code, out, _ = run("export", str(project), "--out", str(tmp_path / "e.jsonl"))
    assert code == 0 and "Exported 1 document" in out
    lines = (tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["type"] == "akkord"
    assert json.loads(lines[1])["meta"]["title"] == "Blinken møtte Lavrov"


def test_import_seeds(tmp_path: Path) -> None:
    seeds = needs_shared(SEEDS)
    project = tmp_path / "p.akkord"
    run("init", str(project))
    code, out, _ = run("import", str(project), str(seeds))
    assert code == 0 and "Imported 2 new document" in out
    code, out, _ = run("list", str(project))
    assert out.count("2022-01 ") == 2


def test_rejections_exit_1_with_file_and_line(tmp_path: Path) -> None:
    project = tmp_path / "p.akkord"
    run("init", str(project))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{"text": \n', encoding="utf-8")
    code, out, err = run("import", str(project), str(bad))
    assert code == 1
    assert f"{bad}:2: malformed JSON" in err and "Traceback" not in err + out
    code, _, err = run("import", str(project), str(bad), str(tmp_path / "nothing"))
    assert code == 1 and "no such file" in err


def test_all_or_nothing(tmp_path: Path) -> None:
    project = tmp_path / "p.akkord"
    run("init", str(project))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    code, _, err = run("import", "--all-or-nothing", str(project), str(tmp_path / "in"))
    assert code == 1 and "Nothing imported" in err
    assert "No documents yet" in run("list", str(project))[1]


@pytest.mark.parametrize(("args", "message"), [
    (("list", "missing.akkord"), "no project at"),
    (("list",), "missing PROJECT"),
    (("init", "{tmp}/no/such/dir/p.akkord"), "does not exist"),
    (("import", "{tmp}/p.akkord", "x.txt", "--map", "PER"), "is not FROM=TO"),
    (("export", "{tmp}/p.akkord", "--out", "x", "--format", "nope"), "'nope' is not one of"),
])
def test_usage_and_input_errors_are_messages(tmp_path: Path, args: tuple[str, ...],
                                             message: str) -> None:
    run("init", str(tmp_path / "p.akkord"))
    code, out, err = run(*(a.format(tmp=tmp_path) for a in args))
    assert code in (1, 2)
    assert message in out + err and "Traceback" not in out + err


def test_demo_command(tmp_path: Path) -> None:
    code, out, _ = run("demo", str(tmp_path / "d.akkord"))
    assert code == 0 and "Created" in out and str(tmp_path / "d.akkord") in out
    code, out, _ = run("demo", str(tmp_path / "d.akkord"))
    assert code == 0 and "Already there" in out


def test_installed_entry_point_reports_errors_without_traceback(tmp_path: Path) -> None:
    """The real console script, as a user runs it."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "desktop")}
    result = subprocess.run([sys.executable, "-m", "akkord", "list", str(tmp_path / "x.akkord")],
                            capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: no project at") and "Traceback" not in result.stderr


def test_import_report_and_list_agree_on_mentions(tmp_path: Path) -> None:
    """Issue 8: a raw article's time suggestions were reported as mentions that the list
    then did not show; suggestions are reported apart."""
    project = tmp_path / "p.akkord"
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    run("init", str(project))
    code, out, _ = run("import", str(project), str(article))
    assert code == 0 and "0 mention(s) and " in out and "suggestion(s) to review" in out
    code, out, _ = run("list", str(project))
    assert code == 0 and out.splitlines()[-1].startswith("1 document(s), 0 mention(s)")


def test_list_shows_a_document_marked_done(tmp_path: Path) -> None:
    """Issue 8: ``akkord list`` showed a document marked done as "new"."""
    project = tmp_path / "p.akkord"
    source = tmp_path / "s.jsonl"
    lines = [{"text": "Nato møter Russland.", "meta": {"title": "Ferdig"},
              "states": {"anna": "done"},
              "spans": [{"id": "T1", "start": 0, "end": 4, "label": "ACTOR"}]},
             {"text": "Ingen har sett på denne.", "meta": {"title": "Urørt"}},
             {"text": "Kari har begynt.", "meta": {"title": "Halvveis"},
              "states": {"kari": "in progress"}}]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    run("init", str(project))
    assert run("import", str(project), str(source), "--no-suggest")[0] == 0

    def statuses(*extra: str) -> dict[str, str]:
        code, out, _ = run("list", str(project), *extra)
        assert code == 0
        rows = [line.split() for line in out.splitlines()
                if line.split() and line.split()[0].isdigit() and "document(s)" not in line]
        return {row[-1]: row[2] if row[2] != "in" else "in progress" for row in rows}

    assert statuses() == {"Ferdig": "done", "Urørt": "new", "Halvveis": "in progress"}
    assert statuses("--annotator", "anna") == {"Ferdig": "done", "Urørt": "new",
                                               "Halvveis": "new"}
    assert statuses("--annotator", "kari")["Halvveis"] == "in progress"
    _, out, _ = run("list", str(project), "--annotator", "anna")
    assert "3 document(s), 0 mention(s), 1 of 3 done" in out.splitlines()
    assert out.splitlines()[-1] == "Done: anna 1/3, kari 0/3; curated 0/3"
    _, out, _ = run("list", str(project), "--annotator", "gold")  # the file's spans
    assert "3 document(s), 1 mention(s), 0 of 3 done" in out.splitlines()

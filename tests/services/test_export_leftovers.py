"""Temporary files of a killed export are named as Akkord's and cleaned up (issue 9, item 14).

A SIGKILL mid-export cannot delete its hidden ``.part`` file or folder. Their names say
which process of which host made them, and the next export to the same target removes
those whose process is gone, and nothing else.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from akkord.services import atomic
from akkord.services.exporting import export
from akkord.store import open_project


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.mark.parametrize(("fmt", "target"), [("jsonl", "out.jsonl"), ("brat", "out")])
def test_the_next_export_removes_what_a_killed_one_left(tmp_path: Path, fmt: str,
                                                        target: str) -> None:
    host, dead, alive = atomic._HOST, _dead_pid(), os.getpid()
    stale_file = tmp_path / f".{target}.akkord-{host}-{dead}-abc123_x.part"
    stale_file.write_text("half an export", encoding="utf-8")
    stale_folder = tmp_path / f".{target}.akkord-{host}-{dead}-k9j8h7g6.part"
    stale_folder.mkdir()
    (stale_folder / "doc.txt").write_text("half", encoding="utf-8")
    stale_old = tmp_path / f".{target}.akkord-{host}-{dead}-zzzz1111.old"
    stale_old.mkdir()
    running = tmp_path / f".{target}.akkord-{host}-{alive}-abcd1234.part"
    running.write_text("another export still running", encoding="utf-8")
    other_host = tmp_path / f".{target}.akkord-elsewhere-{dead}-abcd1234.part"
    other_host.write_text("a process on another machine", encoding="utf-8")
    not_ours = [tmp_path / f".{target}.x1y2z3.part", tmp_path / f".other.akkord-{host}-{dead}-"
                "abcd1234.part", tmp_path / f"{target}.akkord-{host}-{dead}-abcd1234.part"]
    for path in not_ours:
        path.write_text("someone else's", encoding="utf-8")
    with open_project(tmp_path / "p.akkord", create=True) as project:
        export(project, fmt, tmp_path / target)
    assert (tmp_path / target).exists()
    assert not stale_file.exists() and not stale_folder.exists() and not stale_old.exists()
    assert running.exists() and other_host.exists()
    assert all(path.exists() for path in not_ours)


def test_temporary_names_say_they_are_akkords(tmp_path: Path) -> None:
    seen: list[str] = []
    with atomic.atomic_path(tmp_path / "out.jsonl") as temp:
        seen.append(temp.name)
        temp.write_text("x", encoding="utf-8")
    assert seen[0].startswith(f".out.jsonl.akkord-{atomic._HOST}-{os.getpid()}-")
    assert seen[0].endswith(".part")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]

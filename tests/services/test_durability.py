"""An edit that returned is on disk: killing the process (SIGKILL) loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from akkord.store import open_project
from akkord.store.models import Document, Mention

CHILD = """
import sys
from akkord.services.annotation import Annotation
from akkord.services.edits import AddMention
from akkord.store import open_project
project = open_project(sys.argv[1])
service = Annotation(project, "kari")
for start in range(0, 40, 5):
    service.apply(AddMention(1, start, start + 4, "ACTOR"))
print("saved", flush=True)
sys.stdin.read()  # wait to be killed, the connection open and the WAL not checkpointed
"""


def test_kill_9_after_saving_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.akkord"
    with open_project(path, create=True) as project, project.write() as session:
        session.add(Document(content_hash="h", text="Nato Nato Nato Nato Nato Nato Nato Nato "
                             "Nato Nato", meta={}, parts=[]))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "desktop")}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE,
                             stdin=subprocess.PIPE,
                             text=True, env=env)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "saved"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    with open_project(path) as project, project.read() as session:
        assert list(session.scalars(select(Mention.start).order_by(Mention.start))) == list(
            range(0, 40, 5))

"""The CLI on damaged, protected and remote projects: messages and exit codes, no
tracebacks, no project overwritten by its own export."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from akkord.cli import main
from akkord.store import open_project
from tests.harness.workload import write_import_file


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _articles(path: Path, count: int = 3) -> Path:
    write_import_file(path, [f"{path.stem}-{i}" for i in range(count)], random.Random(3))
    return path


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    project = tmp_path / "p.akkord"
    assert run("init", str(project))[0] == 0
    assert run("import", str(project), str(_articles(tmp_path / "a.jsonl")))[0] == 0
    return project


def test_import_takes_db_url_like_the_other_commands(tmp_path: Path, store_url: str) -> None:
    url = store_url if "://" in store_url else f"sqlite:///{store_url}"
    assert run("--db", url, "init")[0] == 0
    code, out, err = run("--db", url, "import", str(_articles(tmp_path / "a.jsonl")))
    assert code == 0, err
    assert "Imported 3 new document" in out
    code, out, _ = run("import", str(_articles(tmp_path / "b.jsonl", 2)),
                       env={"AKKORD_DB": url})
    assert code == 0 and "Imported 2 new document" in out
    code, out, _ = run("--db", url, "list")
    assert code == 0 and "5 document(s)" in out
    code, _, err = run("--db", url, "import")
    assert code == 2 and "missing PATHS" in err


@pytest.mark.parametrize("target", ["p.akkord", "p.akkord-wal", "link.jsonl", "."])
def test_export_refuses_the_projects_own_files(filled: Path, target: str) -> None:
    before = filled.read_bytes()
    (filled.parent / "link.jsonl").symlink_to(filled)
    fmt = "brat" if target == "." else "jsonl"
    code, out, err = run("export", str(filled), "--format", fmt, "--out",
                         str(filled.parent / target))
    assert code == 1 and "Exported" not in out
    assert "open project" in err and "Traceback" not in err
    assert filled.read_bytes() == before
    code, out, _ = run("list", str(filled))
    assert code == 0 and "3 document(s)" in out


def test_a_damaged_project_gives_a_message_and_the_way_to_recover(filled: Path) -> None:
    data = filled.read_bytes()
    filled.write_bytes(data[:len(data) // 2])
    for command in (["list", str(filled)], ["export", str(filled), "--out",
                                            str(filled.with_suffix(".jsonl"))],
                    ["import", str(filled), str(filled.parent / "a.jsonl")],
                    ["check", str(filled)]):
        code, _, err = run(*command)
        assert code == 1, command
        assert "damaged" in err and f"akkord recover {filled}" in err, command
    assert not filled.with_suffix(".jsonl").exists()


def test_recover_salvages_into_a_new_sound_project(filled: Path, tmp_path: Path) -> None:
    data = bytearray(filled.read_bytes())
    rng = random.Random(5)
    for _ in range(30):
        data[rng.randrange(4096, len(data))] ^= 1 << rng.randrange(8)
    filled.write_bytes(bytes(data))
    out = tmp_path / "saved.akkord"
    code, stdout, err = run("recover", str(filled), "--out", str(out))
    assert code == 0, err
    assert "documents:" in stdout and "passed integrity_check" in stdout
    code, stdout, _ = run("check", str(out))
    assert code == 0 and "sound" in stdout
    assert run("list", str(out))[0] == 0
    code, _, err = run("recover", str(filled), "--out", str(out))
    assert code == 1 and "already exists" in err  # never over an existing file


def test_check_reports_broken_rules(filled: Path) -> None:
    import sqlite3

    with sqlite3.connect(filled) as conn:
        conn.execute('UPDATE mentions SET "end" = 100000 WHERE id = 1')
    conn.close()
    code, _, err = run("check", str(filled))
    assert code == 1 and "outside its document's text: 1" in err and "akkord recover" in err


def test_a_failed_init_leaves_nothing_behind(tmp_path: Path) -> None:
    schema = tmp_path / "broken.toml"
    schema.write_text("[labels.X\nkey = 1\n", encoding="utf-8")
    project = tmp_path / "new.akkord"
    code, _, err = run("init", str(project), "--schema", str(schema))
    assert code == 1 and "schema" in err
    assert not project.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.toml"]
    assert run("init", str(project))[0] == 0  # not "already exists"


def test_a_full_disk_is_a_message_for_import_and_export(tmp_path: Path) -> None:
    from tests.store.conftest import mount_tmpfs, unmount

    disk = tmp_path / "disk"
    mount_tmpfs(disk, "1m")
    try:
        project = disk / "p.akkord"
        assert run("init", str(project))[0] == 0
        big = _articles(tmp_path / "big.jsonl", 2000)
        code, _, err = run("import", str(project), str(big))
        assert code == 1 and "full" in err and "Traceback" not in err
        code, _, err = run("export", str(project), "--out", str(disk / "e.jsonl"))
        assert code in (0, 1) and "Traceback" not in err
        assert run("list", str(project))[0] == 0  # still opens, without the failed import
        with open_project(project) as opened:
            assert opened.recovered_imports == []
    finally:
        unmount(disk)


def test_list_says_when_a_project_is_read_only(filled: Path) -> None:
    from tests.store.test_faults import _make_unwritable, _make_writable

    _make_unwritable(filled)
    try:
        code, out, err = run("list", str(filled))
        assert code == 0 and "read-only" in err and "3 document(s)" in out
        code, _, err = run("import", str(filled), str(filled.parent / "a.jsonl"))
        assert code == 1 and "read-only" in err
    finally:
        _make_writable(filled)


def test_an_unwritable_export_target_is_a_message(filled: Path, tmp_path: Path) -> None:
    from tests.store.conftest import mount_tmpfs, remount_read_only, unmount

    disk = tmp_path / "ro"
    mount_tmpfs(disk, "1m")
    try:
        remount_read_only(disk)
        code, out, err = run("export", str(filled), "--out", str(disk / "e.jsonl"))
        assert code == 1 and "Read-only file system" in err and "Exported" not in out
    finally:
        unmount(disk)

"""``akkord timex FILE [--dct …] [--json]`` on small articles written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from akkord.cli import main

ARTICLE = (
    " date 2022-01-20 MØTE I GENÈVE: Diplomatene samles igjen.\n"
    "\n"
    "Nye samtaler i Genève\n"
    "\n"
    "Utenriksministrene skal møtes fredag, og svarene kommer i neste uke.\n"
    "\n"
    "Kravene ble lagt fram 17. desember, og Nato svarte forrige onsdag.\n"
)
KEYS = {"start", "end", "text", "value", "earliest", "latest", "precision", "anchor",
        "weekday"}


def _write(tmp_path: Path, text: str, name: str = "artikkel.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _json(args: list[str]) -> list[dict[str, object]]:
    result = CliRunner().invoke(main, ["timex", *args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert isinstance(data, list)
    return data


def _by_text(items: list[dict[str, object]]) -> dict[object, dict[str, object]]:
    return {item["text"]: item for item in items}


def test_json_uses_the_header_day(tmp_path: Path) -> None:
    path = _write(tmp_path, ARTICLE)
    items = _json([str(path)])
    assert all(set(item) == KEYS for item in items)
    found = _by_text(items)
    assert found["fredag"] == {
        "start": ARTICLE.index("fredag"), "end": ARTICLE.index("fredag") + len("fredag"),
        "text": "fredag", "value": "2022-01-21", "earliest": "2022-01-21",
        "latest": "2022-01-21", "precision": "day", "anchor": "future", "weekday": 4,
    }
    assert found["i neste uke"]["value"] == "2022-W04"
    assert found["i neste uke"]["earliest"] == "2022-01-24"
    assert found["i neste uke"]["latest"] == "2022-01-30"
    assert found["17. desember"]["value"] == "2021-12-17"
    assert found["forrige onsdag"]["value"] == "2022-01-12"


def test_the_header_date_is_not_an_expression(tmp_path: Path) -> None:
    path = _write(tmp_path, ARTICLE.replace("Nato svarte", "Nato svarte 2022-01-12,"))
    texts = [item["text"] for item in _json([str(path)])]
    assert "2022-01-20" not in texts  # the dateline
    assert "2022-01-12" in texts  # the same form in the body is tagged


def test_offsets_point_into_the_decoded_text(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + ARTICLE.replace("\n", "\r\n").encode("utf-8"))
    items = _json([str(path)])
    for item in items:  # the reader drops the BOM and turns CRLF into LF
        start, end = item["start"], item["end"]
        assert isinstance(start, int) and isinstance(end, int)
        assert ARTICLE[start:end] == item["text"]


def test_dct_option_overrides_the_header(tmp_path: Path) -> None:
    path = _write(tmp_path, ARTICLE)
    found = _by_text(_json([str(path), "--dct", "2022-01-04"]))
    assert found["fredag"]["value"] == "2022-01-07"
    assert found["i neste uke"]["value"] == "2022-W02"
    assert found["forrige onsdag"]["value"] == "2021-12-29"


def test_month_header_leaves_weekdays_underspecified(tmp_path: Path) -> None:
    path = _write(tmp_path, ARTICLE.replace("2022-01-20", "2022-01", 1))
    found = _by_text(_json([str(path)]))
    friday = found["fredag"]
    assert friday["anchor"] == "underspecified"
    assert friday["precision"] == "month"
    assert friday["weekday"] == 4
    assert found["17. desember"]["value"] == "2021-12-17"


def test_month_dct_option(tmp_path: Path) -> None:
    path = _write(tmp_path, ARTICLE)
    found = _by_text(_json([str(path), "--dct", "2022-01"]))
    assert found["i neste uke"]["anchor"] == "underspecified"


def test_table_by_default(tmp_path: Path) -> None:
    path = _write(tmp_path, ARTICLE)
    result = CliRunner().invoke(main, ["timex", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["start", "end", "value", "earliest", "latest", "precision",
                                "anchor", "weekday", "text"]
    row = next(line for line in lines if line.endswith("i neste uke"))
    assert "2022-W04" in row and "2022-01-24" in row and "week" in row
    header_value_column = lines[0].index("value")
    assert all(line[header_value_column - 1] == " " for line in lines[1:-1])  # aligned
    assert "publication date 2022-01-20" in lines[-1]


def test_no_date_anywhere_is_a_clear_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "Et notat\n\nMøtet er på fredag.\n")
    result = CliRunner().invoke(main, ["timex", str(path)])
    assert result.exit_code != 0
    assert "Error:" in result.output and "--dct" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_no_header_but_dct_given(tmp_path: Path) -> None:
    path = _write(tmp_path, "Et notat\n\nMøtet er på fredag.\n")
    found = _by_text(_json([str(path), "--dct", "2022-01-20"]))
    assert found["på fredag"]["value"] == "2022-01-21"


@pytest.mark.parametrize("bad", ["20.01.2022", "2022-13", "2022-02-30", "i går", "2022"])
def test_bad_dct_exits_2(tmp_path: Path, bad: str) -> None:
    path = _write(tmp_path, ARTICLE)
    result = CliRunner().invoke(main, ["timex", str(path), "--dct", bad])
    assert result.exit_code == 2
    assert "--dct" in result.output
    assert "Traceback" not in result.output


def test_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["timex", str(tmp_path / "finnes-ikke.txt")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "bilde.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = CliRunner().invoke(main, ["timex", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot read")
    assert "bilde.png" in result.output
    assert "Traceback" not in result.output


def test_help_text() -> None:
    result = CliRunner().invoke(main, ["timex", "--help"])
    assert result.exit_code == 0
    assert "--dct" in result.output and "--json" in result.output
    assert "time expressions" in result.output

"""Metadata holding characters that are no text is reported, not refused later by a writer.

SDMX-ML cannot carry C0 controls (but tab, LF, CR) nor U+FFFE and U+FFFF. A metadata value
holding one is a `metadata-invalid-value` naming the field and the character, so that a
submission that validates also converts (found by the format-pair round trips).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

import sdmx_cso

VALID = Path(__file__).resolve().parents[1] / "invalid" / "_valid"


def _submission(tmp_path: Path, **changes: object) -> Path:
    metadata = yaml.safe_load((VALID / "metadata.yaml").read_text("utf-8"))
    metadata.update(changes)
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "data.csv").write_bytes((VALID / "data.csv").read_bytes())
    (folder / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    return folder


def test_control_and_noncharacters_are_reported_by_field(tmp_path: Path) -> None:
    base = yaml.safe_load((VALID / "metadata.yaml").read_text("utf-8"))
    source = [{**base["DATA_SOURCE"][0], "NAME": "Org \ufffe"}]
    folder = _submission(tmp_path, TITLE="Scorecard\x01", DATA_SOURCE=source)
    report = sdmx_cso.validate(folder / "data.csv", metadata=folder / "metadata.json")
    assert not report.valid
    found = [(i.code, i.column, i.message) for i in report.issues]
    assert found == [
        ("metadata-invalid-value", "TITLE", "TITLE holds a character that is no text (U+0001)"),
        (
            "metadata-invalid-value",
            "DATA_SOURCE[1].NAME",
            "DATA_SOURCE[1].NAME holds a character that is no text (U+FFFE)",
        ),
    ]
    assert all(i.file and i.file.endswith("metadata.json") for i in report.issues)


def test_tab_and_newlines_are_text(tmp_path: Path) -> None:
    folder = _submission(tmp_path, TITLE="Score\tcard\r\nfor ward 3")
    report = sdmx_cso.validate(folder / "data.csv", metadata=folder / "metadata.json")
    assert report.valid, report.issues


def test_convert_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    folder = _submission(tmp_path, TITLE="Scorecard\x0b")
    out = tmp_path / "out.xml"
    exe = Path(sys.executable).with_name("sdmx-cso")
    result = subprocess.run(
        [str(exe), "convert", str(folder / "data.csv"), "--metadata",
         str(folder / "metadata.json"), "--to", "sdmx-ml-2.1", "-o", str(out)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "U+000B" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [folder]

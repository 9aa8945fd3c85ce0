"""Progress of long work: events from the API, a status line from the CLI on terminals only."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pyarrow.csv as pa_csv
import pytest

import sdmx_cso
import sdmx_cso.pipeline
from sdmx_cso.cli import main
from sdmx_cso.progress import WRITE_STEP, ProgressEvent, ProgressWriter


def _events() -> tuple[list[ProgressEvent], sdmx_cso.pipeline.Progress]:
    seen: list[ProgressEvent] = []
    return seen, seen.append


def test_convert_reports_each_stage_in_order(kenya, tmp_path):
    seen, progress = _events()
    out = tmp_path / "k.xml"
    result = sdmx_cso.convert(kenya, to="sdmx-ml-2.1", output=out, progress=progress)
    assert result.report.valid
    stages = [e.stage for e in seen]
    assert stages[:2] == ["read", "validate"]
    assert stages[-1] == "done"
    assert set(stages[2:-1]) == {"write"}
    assert seen[0].path == str(kenya)
    rows = pa_csv.read_csv(kenya / "data.csv").num_rows
    assert seen[1].done == rows
    writes = [e.done for e in seen if e.stage == "write"]
    assert writes == sorted(writes)
    assert writes[-1] == out.stat().st_size
    assert {e.path for e in seen if e.stage == "write"} == {str(out)}


def test_an_invalid_submission_ends_with_done_and_writes_nothing(kenya, tmp_path):
    text = (kenya / "data.csv").read_text("utf-8").replace(",F,", ",Q,", 1)
    (kenya / "data.csv").write_text(text, encoding="utf-8")
    seen, progress = _events()
    result = sdmx_cso.convert(kenya, to="sdmx-csv-1.0", output=tmp_path / "x", progress=progress)
    assert not result.report.valid
    assert [e.stage for e in seen] == ["read", "validate", "done"]


def test_validate_reports_read_validate_done(kenya):
    seen, progress = _events()
    assert sdmx_cso.validate(kenya, progress=progress).valid
    assert [e.stage for e in seen] == ["read", "validate", "done"]


def test_writer_reports_every_step_and_the_final_size():
    seen, progress = _events()
    sink = io.BytesIO()
    writer = ProgressWriter(sink, progress, "out")
    for _ in range(5):
        writer.write(b"x" * (WRITE_STEP // 2 + 1))
    writer.finish()
    assert [e.done for e in seen] == [
        2 * (WRITE_STEP // 2 + 1),
        4 * (WRITE_STEP // 2 + 1),
        5 * (WRITE_STEP // 2 + 1),
    ]
    assert writer.written == len(sink.getvalue())


@pytest.mark.parametrize("command", ["convert", "validate"])
def test_no_status_line_when_stderr_is_not_a_terminal(kenya, tmp_path, command, capfd):
    args = [command, str(kenya)]
    if command == "convert":
        args += ["--to", "sdmx-csv-1.0", "-o", str(tmp_path / "k.csv")]
    assert main(args) == 0
    assert "\x1b[K" not in capfd.readouterr().err


def test_forced_status_line_is_erased_at_the_end(kenya, tmp_path, capfd):
    out = tmp_path / "k.csv"
    args = ["convert", str(kenya), "--to", "sdmx-csv-1.0", "-o", str(out), "--progress"]
    assert main(args) == 0
    captured = capfd.readouterr()
    assert "validating" in captured.err
    assert captured.err.endswith("\r\x1b[K")
    assert captured.out.split() == [str(out), str(sdmx_cso.pipeline.metadata_path_for(out))]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_status_line_on_a_terminal_by_default(kenya, tmp_path):
    """stderr is a real (pseudo-)terminal: the line is drawn without --progress."""
    exe = Path(sys.executable).with_name("sdmx-cso")
    primary, secondary = pty.openpty()
    out = tmp_path / "k.xml"
    try:
        process = subprocess.run(
            [str(exe), "convert", str(kenya), "--to", "sdmx-ml-2.1", "-o", str(out)],
            stdout=subprocess.PIPE,
            stderr=secondary,
            timeout=120,
            check=False,
        )
        os.close(secondary)
        drawn = b""
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(primary)
    assert process.returncode == 0
    assert b"reading" in drawn
    assert b"validating" in drawn
    assert drawn.endswith(b"\r\x1b[K")
    assert b"\x1b" not in process.stdout

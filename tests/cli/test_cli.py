"""The sdmx-cso command: exit codes, outputs, and no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import sdmx_cso
import sdmx_cso.examples
import sdmx_cso.standard
from sdmx_cso.cli import cli, main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed console script in a fresh process, as a user would."""
    exe = Path(sys.executable).with_name("sdmx-cso")
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"sdmx-cso, version {sdmx_cso.__version__}"


def test_examples_lists_one_per_line_name_first():
    result = run("examples")
    assert result.returncode == 0
    names = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert names == [e.name for e in sdmx_cso.examples.list_examples()]
    assert {
        "kenya-disability-survey",
        "nepal-karnali-scorecard",
        "bangladesh-covid-dashboard",
    } <= set(names)


def test_examples_writes_a_submission_package(tmp_path):
    result = run("examples", "nepal-karnali-scorecard", "-o", str(tmp_path))
    assert result.returncode == 0
    folder = tmp_path / "nepal-karnali-scorecard"
    assert {p.name for p in folder.iterdir()} >= {"data.csv", "metadata.yaml"}
    assert run("validate", str(folder)).returncode == 0


def test_unknown_example_is_a_clean_error(capsys):
    assert main(["examples", "atlantis", "-o", "."]) == 3
    err = capsys.readouterr().err
    assert "no example named 'atlantis'" in err
    assert "Traceback" not in err


def test_schema_writes_versioned_schemas(tmp_path):
    result = run("schema", "-o", str(tmp_path))
    assert result.returncode == 0
    for name in ("metadata.schema.json", "observation.schema.json"):
        schema = json.loads((tmp_path / name).read_text("utf-8"))
        assert f"/{sdmx_cso.standard.STANDARD_VERSION}/" in schema["$id"]


def test_validate_json_equals_the_python_report(kenya, capsys):
    assert main(["validate", str(kenya), "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == sdmx_cso.validate(kenya).model_dump(mode="json")
    assert set(printed) == {"valid", "stats", "issues", "notes"}


def test_validate_table_output_groups_and_caps(kenya, capsys):
    text = (kenya / "data.csv").read_text("utf-8").replace(",_T,", ",TOTAL,")
    (kenya / "data.csv").write_text(text, encoding="utf-8")
    assert main(["validate", str(kenya)]) == 1
    out = capsys.readouterr().out
    assert "invalid" in out
    assert "code-not-in-codelist" in out
    assert "… and " in out
    assert "more" in out
    assert "row " in out


def test_validate_output_file(kenya, tmp_path):
    target = tmp_path / "report.json"
    assert main(["validate", str(kenya), "-f", "json", "-o", str(target)]) == 0
    assert json.loads(target.read_text("utf-8"))["valid"] is True


def test_separate_data_and_metadata_files(kenya):
    assert (
        run(
            "validate", str(kenya / "data.csv"), "--metadata", str(kenya / "metadata.yaml")
        ).returncode
        == 0
    )


def test_usage_errors_exit_2():
    result = run("validate")
    assert result.returncode == 2
    assert "Missing argument" in result.stderr
    assert run("validate", "--format", "xml", ".").returncode == 2
    assert run("nonsense").returncode == 2


@pytest.mark.parametrize("content", [b"\x00\x00binary\x00", b""])
def test_unreadable_input_exits_3_without_traceback(tmp_path, kenya, content):
    (kenya / "data.csv").write_bytes(content)
    result = run("validate", str(kenya))
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert "data.csv" in result.stderr


def test_unexpected_errors_are_reported_cleanly_and_with_debug_show_traceback(
    monkeypatch, kenya, capsys
):
    def boom(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(sdmx_cso, "validate", boom)
    assert main(["validate", str(kenya)]) == 3
    err = capsys.readouterr().err
    assert "Internal error: RuntimeError: simulated failure" in err
    assert "Traceback" not in err
    assert main(["--debug", "validate", str(kenya)]) == 3
    assert "Traceback" in capsys.readouterr().err


def test_every_command_has_help():
    for name, command in cli.commands.items():
        assert command.help, name
        result = run(name, "--help")
        assert result.returncode == 0
        assert "Usage:" in result.stdout


def test_validate_html_report_is_self_contained(tmp_path):
    from pathlib import Path as _P

    case = _P(__file__).resolve().parents[1] / "invalid" / "value-outside-bounds"
    target = tmp_path / "report.html"
    assert main(["validate", str(case), "--format", "html", "-o", str(target)]) == 1
    page = target.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "invalid" in page
    assert "value-outside-bounds" in page
    assert "How to fix" in page
    assert "<script" not in page
    assert "http-equiv" not in page
    assert "src=" not in page
    assert "<link" not in page

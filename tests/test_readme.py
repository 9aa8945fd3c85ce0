"""The README's two set-up commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def commands() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text, re.S)


def test_readme_has_the_two_setup_commands():
    main_job, tests = commands()[:2]
    assert "pip install" in main_job
    assert "sdmx-cso validate" in main_job
    assert "sdmx-cso examples" in main_job
    assert "sdmx-cso convert" in main_job
    assert "pip install" in tests
    assert "pytest" in tests
    assert "[test]" in tests


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert commands()[1] in ci

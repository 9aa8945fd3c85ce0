"""The test suite's own rules: laid out as the package is, deterministic, no silent skips."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sdmx_cso"

#: Folders of tests that cut across the package, each for a reason of its own.
CROSS_CUTTING = {
    "conformance": "official SDMX specimens read by the readers",
    "docs": "the docs build, and every example in them runs",
    "faults": "faults injected: killed writers, concurrent runs",
    "fuzz": "damaged inputs for every reader",
    "hostile": "inputs built to attack the readers",
    "invalid": "one submission per issue code (data, checked by tests/validation)",
    "property": "round trips across every format pair",
    "specimens": "the official specimens the tests read (data)",
}


def _package_parts() -> set[str]:
    """Sub-packages and modules of sdmx_cso, by name (``validation``, ``pipeline``…)."""
    names = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    names |= {p.stem for p in PACKAGE.glob("*.py") if not p.stem.startswith("_")}
    return names


def test_tests_are_laid_out_as_the_package_is():
    parts = _package_parts()
    for folder in sorted(p for p in (ROOT / "tests").iterdir() if p.is_dir()):
        if folder.name.startswith((".", "_")) or not any(
            p.name != "__pycache__" for p in folder.iterdir()
        ):
            continue  # caches, and folders left behind with only a cache in them
        assert folder.name in parts or folder.name in CROSS_CUTTING, (
            f"tests/{folder.name} mirrors no part of sdmx_cso and is not a cross-cutting suite"
        )
        for sub in (p for p in folder.iterdir() if p.is_dir() and p.name != "__pycache__"):
            if folder.name in parts and any(sub.glob("test_*.py")):
                below = PACKAGE / folder.name
                assert (below / sub.name).exists() or (below / f"{sub.name}.py").exists(), (
                    f"tests/{folder.name}/{sub.name} mirrors nothing in sdmx_cso/{folder.name}"
                )


def test_ci_runs_hypothesis_derandomised():
    """A fuzz finding is never a coin toss: CI tries the same examples every run."""
    ci = settings.get_profile("ci")
    assert ci.derandomize
    assert ci.database is None
    assert 'HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}"' in (ROOT / ".ci" / "run").read_text()


def test_no_test_skips_because_a_module_of_the_project_is_missing():
    """``importorskip`` of our own code would turn a broken import into a green run."""
    pattern = re.compile(r"importorskip\(\s*[\"']sdmx_cso")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("*.py")
        if path != Path(__file__) and pattern.search(path.read_text("utf-8"))
    ]
    assert offenders == []

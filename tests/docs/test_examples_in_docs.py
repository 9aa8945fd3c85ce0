"""Every Python example in the README and the docs runs, as written, in a fresh folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def pages() -> list[tuple[str, list[str]]]:
    """Pages with Python examples; a page's blocks run in order, sharing names, as a reader
    would run them one after the other."""
    found = []
    for page in PAGES:
        blocks = [m.group(1) for m in BLOCK.finditer(page.read_text("utf-8"))]
        if blocks:
            found.append((str(page.relative_to(ROOT)), blocks))
    return found


def test_there_are_examples_to_run():
    assert sum(len(blocks) for _, blocks in pages()) >= 6


@pytest.mark.parametrize(("page", "blocks"), pages(), ids=[p for p, _ in pages()])
def test_page_examples_run(page, blocks, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__docs__"}
    for n, code in enumerate(blocks, 1):
        exec(compile(code, f"{page}#{n}", "exec"), namespace)
    capsys.readouterr()

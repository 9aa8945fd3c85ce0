"""The public surface: curated, sorted, complete, and nothing private leaks."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import sdmx_cso

ROOT = Path(__file__).resolve().parents[1]


def test_all_is_sorted_and_complete():
    assert list(sdmx_cso.__all__) == sorted(
        sdmx_cso.__all__,
        key=lambda n: (not n.isupper(), n.startswith("_") is False and n[0].islower(), n),
    )
    public = {
        n
        for n in dir(sdmx_cso)
        if not n.startswith("_") and not isinstance(getattr(sdmx_cso, n), type(sdmx_cso))
    }
    assert public <= set(sdmx_cso.__all__)
    for name in sdmx_cso.__all__:
        assert hasattr(sdmx_cso, name), name


def test_nothing_from_private_modules_leaks():
    for name in sdmx_cso.__all__:
        obj = getattr(sdmx_cso, name)
        module = getattr(obj, "__module__", "") or ""
        assert not any(part.startswith("_") for part in module.split(".")[1:]), (name, module)


def test_every_module_imports_and_has_a_docstring():
    for info in pkgutil.walk_packages(sdmx_cso.__path__, "sdmx_cso."):
        module = importlib.import_module(info.name)
        assert module.__doc__, info.name


def test_version_is_kept_in_one_place_and_matches_the_changelog():
    assert re.fullmatch(r"\d+\.\d+\.\d+", sdmx_cso.__version__)
    assert "version" not in re.findall(r"^version\s*=", (ROOT / "pyproject.toml").read_text(), re.M)
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text()
    if released:
        assert released[0] == sdmx_cso.__version__


def test_package_works_without_shared(tmp_path, monkeypatch):
    """The packaged data suffices: nothing reads ../shared at run time."""
    monkeypatch.chdir(tmp_path)
    for ref in sdmx_cso.list_codelists():
        assert len(sdmx_cso.get_codelist(ref)) > 0
    source = "".join(p.read_text("utf-8") for p in (ROOT / "sdmx_cso").rglob("*.py"))
    assert "shared/" not in source
    assert "../shared" not in source


def test_every_registered_format_resolves():
    from sdmx_cso.formats import reader_for, writer_for

    for name in sdmx_cso.DATA_FORMATS:
        assert callable(writer_for(name))
        assert callable(reader_for(name))
    for name in sdmx_cso.METADATA_FORMATS:
        assert callable(writer_for(name, kind="metadata"))
        assert callable(reader_for(name, kind="metadata"))
    for name in sdmx_cso.STRUCTURE_FORMATS:
        if name == "sdmx-ml-2.1":
            import pytest

            with pytest.raises(sdmx_cso.UnsupportedFormat, match="write_structures"):
                writer_for(name, kind="structure")
        else:
            assert callable(writer_for(name, kind="structure"))

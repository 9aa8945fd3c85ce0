"""The public surface: curated, sorted, complete, and nothing private leaks."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import sdmx_cso
import sdmx_cso.errors
import sdmx_cso.pipeline
import sdmx_cso.standard
import sdmx_cso.structures

ROOT = Path(__file__).resolve().parents[1]


DOCS = ROOT / "docs" / "reference"
PUBLIC = {f"sdmx_cso.{name}" for name in sdmx_cso.PUBLIC_MODULES}


def test_the_top_is_small_sorted_and_complete():
    """About twenty names: the verbs, their results, the main models, the root errors."""
    assert 18 <= len(sdmx_cso.__all__) <= 22, sorted(sdmx_cso.__all__)
    assert list(sdmx_cso.__all__) == sorted(
        sdmx_cso.__all__,
        key=lambda n: (not n.isupper(), n.startswith("_") is False and n[0].islower(), n),
    )
    public = {  # every function and class bound at the top (modules and helpers aside)
        n
        for n, v in vars(sdmx_cso).items()
        if not n.startswith("_")
        and callable(v)
        and getattr(v, "__module__", "").startswith("sdmx_cso")
    }
    assert public == set(sdmx_cso.__all__) - {"__version__"}
    for name in sdmx_cso.__all__:
        assert hasattr(sdmx_cso, name), name


def test_every_public_module_is_reachable_and_says_what_it_holds():
    for name in sdmx_cso.PUBLIC_MODULES:
        module = getattr(sdmx_cso, name)  # reachable after `import sdmx_cso` alone
        assert module is importlib.import_module(f"sdmx_cso.{name}")
        assert module.__doc__, name
        assert module.__all__, name
        for member in module.__all__:
            assert hasattr(module, member), (name, member)


def _directives() -> dict[str, list[str] | None]:
    """``::: target`` of the reference pages → its ``members`` list (``None``: all)."""
    found: dict[str, list[str] | None] = {}
    for page in sorted(DOCS.glob("*.md")):
        lines = page.read_text("utf-8").splitlines()
        for i, line in enumerate(lines):
            if not line.startswith("::: "):
                continue
            target, members = line[4:].strip(), None
            for follow in lines[i + 1 :]:
                if not follow.startswith(" "):
                    break
                if follow.strip().startswith("members:"):
                    members = re.findall(r"[A-Za-z_]\w*", follow.split(":", 1)[1]) or []
                elif members is not None and follow.strip().startswith("- "):
                    members.append(follow.strip()[2:])
            found[target] = members
    return found


def test_the_api_reference_publishes_only_public_modules():
    for target in _directives():
        assert target == "sdmx_cso" or target in PUBLIC, f"{target} is not a public module"


def test_every_public_name_is_documented_in_the_api_reference():
    directives = _directives()
    documented: set[int] = set()
    for target, members in directives.items():
        module = importlib.import_module(target)
        for name in module.__all__ if members is None else members:
            documented.add(id(getattr(module, name)))
    missing = [
        f"sdmx_cso.{name}"
        for name in sdmx_cso.__all__
        if name != "__version__" and id(getattr(sdmx_cso, name)) not in documented
    ]
    for module_name in sorted(PUBLIC):
        module = importlib.import_module(module_name)
        if directives.get(module_name, []) is not None:  # documented with a member list
            members = directives.get(module_name) or []
            missing += [f"{module_name}.{n}" for n in module.__all__ if n not in members]
    assert missing == []


def test_the_cli_imports_only_the_public_api():
    """Each ``import`` in ``sdmx_cso/cli`` names the package, a public module or the CLI."""
    import ast

    for path in sorted((ROOT / "sdmx_cso" / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.startswith("sdmx_cso"):
                    ok = name == "sdmx_cso" or name in PUBLIC or name.startswith("sdmx_cso.cli")
                    assert ok, f"{path.name} imports {name}"


def test_old_top_level_names_warn_and_name_their_new_home():
    import pytest

    for name, module in sdmx_cso.MOVED.items():
        with pytest.warns(DeprecationWarning, match=rf"{module}\.{name}"):
            obj = getattr(sdmx_cso, name)
        assert obj is getattr(importlib.import_module(module), name)
        assert module in PUBLIC
    for name, (_, instead) in sdmx_cso.REPLACED.items():
        with pytest.warns(DeprecationWarning, match=re.escape(instead)):
            getattr(sdmx_cso, name)
    with pytest.raises(AttributeError):
        sdmx_cso.no_such_name  # noqa: B018


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
    for ref in sdmx_cso.standard.list_codelists():
        assert len(sdmx_cso.standard.get_codelist(ref)) > 0
    source = "".join(p.read_text("utf-8") for p in (ROOT / "sdmx_cso").rglob("*.py"))
    assert "shared/" not in source
    assert "../shared" not in source


def test_every_registered_format_resolves():
    from sdmx_cso.formats import reader_for, writer_for

    for name in sdmx_cso.pipeline.DATA_FORMATS:
        assert callable(writer_for(name))
        assert callable(reader_for(name))
    for name in sdmx_cso.pipeline.METADATA_FORMATS:
        assert callable(writer_for(name, kind="metadata"))
        assert callable(reader_for(name, kind="metadata"))
    for name in sdmx_cso.structures.STRUCTURE_FORMATS:
        if name == "sdmx-ml-2.1":
            import pytest

            with pytest.raises(sdmx_cso.errors.UnsupportedFormat, match="write_structures"):
                writer_for(name, kind="structure")
        else:
            assert callable(writer_for(name, kind="structure"))

"""Bundled example submissions: realistic, synthetic, one per country and kind of dataset."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from sdmx_cso.errors import ExampleNotFound

__all__ = ["Example", "example_path", "list_examples", "write_example"]


@dataclass(frozen=True)
class Example:
    """A bundled example submission package."""

    name: str
    """Its name, e.g. ``kenya-disability-survey``."""
    title: str
    """The dataset title."""
    dataset_type: str
    """SURVEY, SCORECARD or DASHBOARD."""
    path: Path
    """The packaged folder (``data.csv`` + ``metadata.yaml``)."""


def _root() -> Path:
    return Path(str(resources.files("sdmx_cso.examples").joinpath("data")))


def list_examples() -> list[Example]:
    """The bundled examples, sorted by name."""
    found = []
    for folder in sorted(_root().iterdir()):
        meta = folder / "metadata.yaml"
        if not folder.is_dir() or folder.name.startswith(("_", ".")) or not meta.is_file():
            continue
        data = yaml.safe_load(meta.read_text("utf-8"))
        found.append(
            Example(
                name=folder.name,
                title=str(data.get("TITLE", "")),
                dataset_type=str(data.get("DATASET_TYPE", "")),
                path=folder,
            )
        )
    return found


def example_path(name: str) -> Path:
    """The packaged folder of example ``name``.

    Raises:
        ExampleNotFound: no example has that name.
    """
    for example in list_examples():
        if example.name == name:
            return example.path
    names = ", ".join(e.name for e in list_examples())
    raise ExampleNotFound(f"no example named {name!r} (examples: {names})")


def write_example(name: str, directory: str | Path) -> Path:
    """Copy example ``name`` into ``directory``/``name`` as a submission package.

    Returns:
        The folder written.
    """
    source = example_path(name)
    target = Path(directory) / name
    target.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():
        if item.is_file():
            shutil.copyfile(item, target / item.name)
    return target

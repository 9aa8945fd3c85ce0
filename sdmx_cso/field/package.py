"""Writing an import's result as a submission package: ``data.csv`` and ``metadata.yaml``."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from sdmx_cso.io.atomic import atomic_output

__all__ = ["write_package"]


def write_package(
    folder: str | Path,
    columns: Sequence[str],
    rows: Sequence[Mapping[str, str]],
    metadata: Mapping[str, Any],
) -> Path:
    """Write ``data.csv`` and ``metadata.yaml`` into ``folder`` (created), each atomically."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    with atomic_output(folder / "data.csv") as out:
        out.write(text.getvalue().encode("utf-8"))
    dumped = yaml.safe_dump(dict(metadata), sort_keys=False, allow_unicode=True, width=96)
    with atomic_output(folder / "metadata.yaml") as out:
        out.write(dumped.encode("utf-8"))
    return folder

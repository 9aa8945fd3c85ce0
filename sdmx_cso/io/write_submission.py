"""Write a dataset back as a submission: ``data.csv`` and ``metadata.yaml`` in a folder.

Used by ``sdmx-cso protect`` to hand back the protected submission: the columns that hold a
value in some row, in the standard's order, and the metadata as the YAML a submitter writes.
Both files are written atomically.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow.compute as pc
import yaml

from sdmx_cso.io.atomic import atomic_output
from sdmx_cso.model import CommunityDataset

__all__ = ["write_submission"]


def write_submission(dataset: CommunityDataset, folder: str | Path) -> tuple[Path, Path]:
    """Write ``dataset`` as ``folder/data.csv`` and ``folder/metadata.yaml``; their paths."""
    folder = Path(folder)
    table = dataset.observations
    names = [n for n in table.column_names if pc.any(pc.is_valid(table.column(n))).as_py()]
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(names)
    columns = [table.column(n).to_pylist() for n in names]
    for row in zip(*columns, strict=True):
        writer.writerow(["" if v is None else v for v in row])
    data_path, meta_path = folder / "data.csv", folder / "metadata.yaml"
    with atomic_output(data_path) as out:
        out.write(text.getvalue().encode("utf-8"))
    dumped = dataset.metadata.model_dump(mode="json", by_alias=True, exclude_none=True)
    with atomic_output(meta_path) as out:
        out.write(yaml.safe_dump(dumped, sort_keys=False, allow_unicode=True).encode("utf-8"))
    return data_path, meta_path

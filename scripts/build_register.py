"""Build the register packaged with the standard: the bundled examples, release 1.0.0.

Usage::

    .venv/bin/python scripts/build_register.py [--check]

Loads each bundled example (``sdmx_cso/examples/data/*``) and registers, in one release
``1.0.0`` of agency ``LNOB``, its coalition series, local areas, service points and data
providers, and its dataflow with the SERIES, REF_AREA and SERVICE_POINT codes its observations
use. Writes ``sdmx_cso/model/data/register.json``; ``--check`` exits 1 when the packaged file
is not exactly what this script would write.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import sdmx_cso
import sdmx_cso.examples
from sdmx_cso.model.register import (
    CONSTRAINED_DIMENSIONS,
    Register,
    RegisteredDataflow,
    RegisterRelease,
)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "sdmx_cso" / "model" / "data" / "register.json"


def build() -> str:
    series, areas, points, providers, flows = [], [], [], [], []
    for example in sdmx_cso.examples.list_examples():
        dataset = sdmx_cso.load(sdmx_cso.examples.example_path(example.name))
        md = dataset.metadata
        series += md.series
        areas += md.local_areas
        points += md.service_points
        providers += md.data_source
        table = dataset.observations
        used = {
            dim: tuple(sorted(set(table.column(dim).to_pylist()))) for dim in CONSTRAINED_DIMENSIONS
        }
        flows.append(
            RegisteredDataflow(
                dataset_id=md.dataset_id,
                name=md.title,
                dataset_type=md.dataset_type,
                **{dim.lower(): codes for dim, codes in used.items()},
            )
        )
    release = RegisterRelease(
        version="1.0.0",
        series=tuple(series),
        local_areas=tuple(areas),
        service_points=tuple(points),
        data_providers=tuple(providers),
        dataflows=tuple(flows),
    )
    register = Register(agency="LNOB", releases=(release,))
    data = register.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data["AGENCY"] = register.agency
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        if not OUT.exists() or OUT.read_text("utf-8") != text:
            print(
                f"{OUT.relative_to(ROOT)} is stale: run scripts/build_register.py", file=sys.stderr
            )
            return 1
        print("register matches the bundled examples")
        return 0
    OUT.write_text(text, "utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

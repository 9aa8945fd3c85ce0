"""The coalition's register file: YAML or JSON, keyed by concept ID like a metadata file.

A register is read like a metadata file (safe YAML 1.2, keys case-insensitive, duplicate keys
refused) and checked as a `sdmx_cso.model.register.Register`: a mistake is a `ReadError`
naming the file and the field. It is written as YAML, atomically, releases oldest first.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from sdmx_cso.errors import ReadError
from sdmx_cso.io.atomic import atomic_output
from sdmx_cso.io.metadata_file import MAX_METADATA_BYTES, read_metadata
from sdmx_cso.model.register import Register, default_register
from sdmx_cso.standard import DEFAULT_AGENCY

__all__ = ["read_register", "write_register"]


def read_register(path: str | Path | None = None, *, agency: str | None = None) -> Register:
    """The register in ``path`` (``.yaml``, ``.yml`` or ``.json``).

    Args:
        path: the register file; ``None`` for the register packaged with the standard (for
            ``LNOB`` it holds the bundled examples; any other agency's starts empty).
        agency: with ``path=None``, whose packaged register (default ``LNOB``).

    Raises:
        ReadError: the file cannot be read, or is not a valid register (the message names the
            field, e.g. ``RELEASES[2].SERIES[1].UNIT``).
    """
    if path is None:
        return default_register(agency or DEFAULT_AGENCY)
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_METADATA_BYTES + 1)
    except OSError as exc:
        raise ReadError(f"cannot read the register: {exc.strerror or exc}", path=path) from exc
    if len(data) > MAX_METADATA_BYTES:
        raise ReadError("the register file is larger than 5 MiB", path=path)
    raw = read_metadata(data, path=str(path))
    try:
        return Register.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _location(first["loc"])
        raise ReadError(f"not a valid register: {first['msg']}", path=path, column=where) from None


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def write_register(register: Register, path: str | Path) -> Path:
    """Write ``register`` as YAML to ``path`` (replaced only when writing succeeds)."""
    data = register.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data = {"AGENCY": register.agency, **data}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    header = (
        "# The coalition's register of governed codes and dataflows (sdmx_cso).\n"
        "# Releases only ever add: never edit or remove what an earlier release holds.\n"
    )
    with atomic_output(path) as out:
        out.write((header + text).encode("utf-8"))
    return Path(path)

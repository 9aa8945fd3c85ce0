"""Metadata files: YAML or JSON, keys case-insensitive (upper-cased at every level).

YAML is loaded safely (no Python objects), with YAML 1.2 booleans only (``NO`` is Norway, not
``false``), and duplicate keys are refused rather than silently overwritten.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from sdmx_cso.errors import ReadError
from sdmx_cso.io._text import decode

__all__ = [
    "MAX_METADATA_BYTES",
    "MAX_NODES",
    "METADATA_SUFFIXES",
    "load_yaml_value",
    "parse_mapping",
    "read_metadata",
    "upper_keys",
]

METADATA_SUFFIXES = (".yaml", ".yml", ".json")
#: Largest metadata file read (a real one is a few kilobytes).
MAX_METADATA_BYTES = 5 * 1024 * 1024
#: Most nodes a metadata file may have once YAML aliases are expanded: aliases let a tiny file
#: expand exponentially ("billion laughs"); a real metadata file has a few thousand.
MAX_NODES = 200_000


_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml if built


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader (libyaml's C parser when available) with YAML 1.2 booleans, no duplicate keys."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        mark = key_node.start_mark
        try:
            hash(key)
        except TypeError:  # a complex key ("? "): a mapping, list or set is no field ID
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"a key must be a field ID, not a {type(key).__name__} (line {mark.line + 1})",
                mark,
            ) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (line {mark.line + 1})", mark
            )
        seen[key] = loader.construct_object(value_node, deep=deep)
    return seen


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _check_aliases(text: str, path: str) -> None:
    """Refuse YAML whose aliases would expand it beyond :data:`MAX_NODES` nodes.

    Counts, from the event stream, how many nodes the document has once every alias is
    replaced by what its anchor holds, without building anything ("billion laughs").
    """
    sizes: dict[str, int] = {}
    anchors: list[str | None] = [None]
    counts: list[int] = [0]
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                anchors.append(event.anchor)
                counts.append(1)
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                anchor, count = anchors.pop(), counts.pop()
                if anchor:
                    sizes[anchor] = count
                counts[-1] += count
            elif isinstance(event, yaml.ScalarEvent):
                if event.anchor:
                    sizes[event.anchor] = 1
                counts[-1] += 1
            elif isinstance(event, yaml.AliasEvent):
                counts[-1] += sizes.get(event.anchor or "", 1)
            if counts[-1] > MAX_NODES:
                raise ReadError(
                    f"YAML aliases would expand it beyond {MAX_NODES} nodes: refused "
                    "(alias expansion bomb)",
                    path=path,
                )
    except yaml.YAMLError:
        return  # reported with its location by the parser proper


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def upper_keys(value: Any, path: str) -> Any:
    """Keys upper-cased at every level; two keys that differ only in case are refused."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        typed: dict[str, Any] = {}
        for key, item in value.items():
            name = str(key).strip().upper()
            if name in out:
                raise ReadError(
                    f"duplicate key {name!r} (given as {typed[name]!r} and {key!r}; keys "
                    "ignore case)",
                    path=path,
                )
            out[name], typed[name] = upper_keys(item, path), key
        return out
    if isinstance(value, list):
        return [upper_keys(v, path) for v in value]
    return value


def load_yaml_value(text: str) -> Any:
    """A YAML value (e.g. flow text in a spreadsheet cell), read as metadata files are.

    Raises:
        ReadError: aliases that would expand beyond :data:`MAX_NODES` nodes.
        yaml.YAMLError: not YAML.
    """
    _check_aliases(text, "a YAML value")
    return yaml.load(text, Loader=_Loader)


def parse_mapping(data: bytes, *, path: str, what: str = "metadata file") -> dict[Any, Any]:
    """Parse a YAML or JSON mapping (by suffix; YAML also reads JSON), keys as written.

    The same safe reading as metadata files: YAML 1.2 booleans, duplicate keys refused, no
    alias bombs, a size limit.

    Raises:
        ReadError: unparseable, duplicate keys, or not a mapping at the top.
    """
    if len(data) > MAX_METADATA_BYTES:
        raise ReadError(f"larger than {MAX_METADATA_BYTES} bytes: not a {what}", path=path)
    text, _ = decode(data, path=path)
    try:
        if Path(path).suffix.lower() != ".json":
            _check_aliases(text, path)
        if Path(path).suffix.lower() == ".json":
            parsed = json.loads(text, object_pairs_hook=_json_pairs)
        else:
            parsed = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        row = None if mark is None else mark.line + 1
        raise ReadError(f"invalid YAML: {exc.problem or exc}", path=path, row=row) from exc
    except json.JSONDecodeError as exc:
        raise ReadError(f"invalid JSON: {exc.msg}", path=path, row=exc.lineno) from exc
    except (yaml.YAMLError, ValueError) as exc:
        raise ReadError(f"invalid {what}: {exc}", path=path) from exc
    except RecursionError:
        raise ReadError(f"nested too deeply to be a {what}", path=path) from None
    if not isinstance(parsed, Mapping):
        raise ReadError(f"the {what} must hold a mapping{_OF.get(what, '')}", path=path)
    return dict(parsed)


_OF = {"metadata file": " of field IDs"}


def read_metadata(data: bytes, *, path: str) -> dict[str, Any]:
    """Parse a metadata file (YAML or JSON by suffix; YAML also reads JSON).

    Raises:
        ReadError: unparseable, duplicate keys, or not a mapping at the top.
    """
    parsed = parse_mapping(data, path=path)
    try:
        result: dict[str, Any] = upper_keys(parsed, path)
    except RecursionError:
        raise ReadError("nested too deeply to be a metadata file", path=path) from None
    return result

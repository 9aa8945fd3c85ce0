"""Hostile SDMX-ML given to `sdmx-cso read`, `sdmx_cso.read().dataset` and `sdmx_cso.read()`.

XML is parsed without DTDs, entities or network (``resolve_entities=False``,
``load_dtd=False``, ``no_network=True``), keeping libxml2's size limits (``huge_tree=False``);
a DOCTYPE, which no SDMX message has, is refused outright. Each case is refused with exit
code 3 (the input cannot be processed), a message naming the file, no traceback, no output
file, and nothing of a secret file or the network in what is printed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import sdmx_cso
import sdmx_cso.errors
import sdmx_cso.pipeline
from sdmx_cso.bridge.foreign import read_foreign
from tests.hostile.conftest import Listener, Run, run_bounded

_DECL = "<?xml version='1.0' encoding='UTF-8'?>"
SECRET = "TOPSECRET-d41d8cd98f00"


def _spoil(message: Path, folder: Path, name: str, text: str | bytes) -> Path:
    """``text`` as ``folder/name``, with the reference metadata of ``message`` beside it (so
    that `read` first tries it as one of our own messages, then as a foreign one)."""
    path = folder / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    shutil.copy(
        sdmx_cso.pipeline.metadata_path_for(message), sdmx_cso.pipeline.metadata_path_for(path)
    )
    return path


def _body(message: Path) -> str:
    text = message.read_text("utf-8")
    assert text.startswith(_DECL)
    return text[len(_DECL) :]


def _in_header(body: str, xml: str) -> str:
    return body.replace("<message:DataSetID>", f"<message:DataSetID>{xml}", 1)


def _xxe(body: str, secret: Path, url: str) -> str:
    dtd = f'<!DOCTYPE m [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
    return _DECL + dtd + _in_header(body, "&xxe;")


def _billion_laughs(body: str, secret: Path, url: str) -> str:
    entities = "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )  # 10^9 "lol"s once expanded
    return _DECL + f'<!DOCTYPE m [<!ENTITY l0 "lol">{entities}]>' + _in_header(body, "&l9;")


def _external_dtd(body: str, secret: Path, url: str) -> str:
    return _DECL + f'<!DOCTYPE m SYSTEM "{url}/evil.dtd">' + body


def _parameter_entity(body: str, secret: Path, url: str) -> str:
    dtd = f'<!DOCTYPE m [<!ENTITY % remote SYSTEM "{url}/evil.dtd"> %remote;]>'
    return _DECL + dtd + body


CASES = {
    "xxe-file": (_xxe, "DOCTYPE"),
    "billion-laughs": (_billion_laughs, "DOCTYPE"),
    "external-dtd": (_external_dtd, "DOCTYPE"),
    "external-parameter-entity": (_parameter_entity, "DOCTYPE"),
}


def _refused(run: Run, path: Path, target: Path, words: str) -> None:
    assert run.code == 3, run.text
    assert path.name in run.err
    assert words in run.err
    assert SECRET not in run.text
    assert not target.exists()


@pytest.mark.parametrize("case", sorted(CASES))
def test_doctype_attacks_are_refused_without_reading_or_fetching_anything(
    case: str, message: Path, tmp_path: Path, listener: Listener, cli: Callable[..., Run]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    build, words = CASES[case]
    path = _spoil(message, tmp_path, f"{case}.xml", build(_body(message), secret, listener.url))
    target = tmp_path / "out.csv"
    _refused(cli("read", path, "-o", target), path, target, words)
    _refused(cli("read", path, "--to", "json"), path, target, words)
    for read in (sdmx_cso.read, read_foreign):
        with pytest.raises(sdmx_cso.ReadError, match=words) as error:
            read(path)
        assert SECRET not in str(error.value)
    target.write_bytes(b"previous")
    assert cli("read", path, "-o", target).code == 3
    assert target.read_bytes() == b"previous"
    assert listener.connections == 0


def test_schema_locations_and_xinclude_are_never_fetched(
    message: Path, tmp_path: Path, listener: Listener, cli: Callable[..., Run]
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    body = _body(message).replace(
        "<message:StructureSpecificData ",
        "<message:StructureSpecificData xmlns:xi='http://www.w3.org/2001/XInclude' "
        f"xsi:schemaLocation='urn:x {listener.url}/schema.xsd' ",
        1,
    )
    body = body.replace(
        "</message:Header>",
        f"</message:Header><xi:include href='{listener.url}/inc.xml'/>"
        f"<xi:include href='{secret.as_uri()}' parse='text'/>",
        1,
    )
    stylesheet = f"<?xml-stylesheet type='text/xsl' href='{listener.url}/style.xsl'?>"
    path = _spoil(message, tmp_path, "references.xml", _DECL + stylesheet + body)
    target = tmp_path / "out.csv"
    run = cli("read", path, "-o", target)
    assert run.code == 0, run.text  # read as it is: the references are plain markup
    assert SECRET not in run.text + target.read_text("utf-8")
    assert len(sdmx_cso.read(path).dataset) == len(sdmx_cso.read(message).dataset)
    assert listener.connections == 0


def test_a_huge_attribute_value_is_refused_within_bounded_memory(
    message: Path, tmp_path: Path
) -> None:
    # libxml2 keeps text and attribute values under 10 MB unless huge_tree is set
    text = message.read_text("utf-8").replace(
        ' SERIES="', f' COMMENT_OBS="{"A" * 20_000_000}" SERIES="', 1
    )
    path = _spoil(message, tmp_path, "huge-attribute.xml", text)
    target = tmp_path / "out.csv"
    run = run_bounded("read", path, "-o", target)
    assert run.code == 3
    assert "limit" in run.err
    assert not target.exists()
    for read in (sdmx_cso.read, read_foreign):
        with pytest.raises(sdmx_cso.ReadError, match="limit"):
            read(path)


@pytest.mark.parametrize("where", ["header", "body"])
def test_deep_nesting_is_refused(
    message: Path, tmp_path: Path, where: str, cli: Callable[..., Run]
) -> None:
    deep = "<x>" * 100_000 + "</x>" * 100_000
    text = message.read_text("utf-8")
    text = (
        _DECL + _in_header(_body(message), deep)
        if where == "header"
        else text.replace("</message:Header>", f"</message:Header>{deep}", 1)
    )
    path = _spoil(message, tmp_path, f"deep-{where}.xml", text)
    target = tmp_path / "out.csv"
    run = cli("read", path, "-o", target)
    assert run.code == 3
    assert path.name in run.err
    assert not target.exists()
    with pytest.raises(sdmx_cso.ReadError, match="depth"):
        sdmx_cso.read(path)
    with pytest.raises(sdmx_cso.ReadError):
        read_foreign(path)


@pytest.mark.parametrize(
    ("case", "content"),
    [
        ("prose", b"An SDMX-ML 2.1 StructureSpecificData message, honestly.\n"),
        ("binary", bytes(range(256)) * 16),
        ("empty", b""),
        ("html", b"<!DOCTYPE html><html><body>404 Not Found</body></html>"),
    ],
)
def test_a_message_that_is_not_xml_at_all_is_refused(
    case: str, content: bytes, message: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    path = _spoil(message, tmp_path, f"{case}.xml", content)
    target = tmp_path / "out.csv"
    run = cli("read", path, "-o", target)
    assert run.code == 3
    assert path.name in run.err
    assert not target.exists()
    with pytest.raises((sdmx_cso.ReadError, sdmx_cso.errors.UnsupportedFormat)):
        sdmx_cso.read(path)
    with pytest.raises(sdmx_cso.ReadError):
        read_foreign(path)


@pytest.mark.parametrize("keep", [0.999, 0.5, 0.01])
def test_truncated_xml_is_refused(
    keep: float, message: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    data = message.read_bytes()
    path = _spoil(message, tmp_path, "truncated.xml", data[: int(len(data) * keep)])
    target = tmp_path / "out.csv"
    target.write_bytes(b"previous")
    run = cli("read", path, "-o", target)
    assert run.code == 3
    assert "truncated.xml" in run.err
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    with pytest.raises(sdmx_cso.ReadError):
        sdmx_cso.read(path)
    with pytest.raises(sdmx_cso.ReadError):
        read_foreign(path)

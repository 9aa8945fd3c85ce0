"""Generate the reference pages of the standard at docs-build time (an mkdocs hook).

Every page written here is built from the code, never from copied text:
``sdmx_cso.standard.get_standard()`` gives the dimensions, attributes, metadata fields and flag
rules, ``get_codelist()`` the code lists, and the pydantic models of ``sdmx_cso.model`` their
fields and JSON Schemas. The pages are handed to mkdocs as generated files (``File.generated``,
mkdocs >= 1.6), so nothing generated is committed and nothing can go stale.

Generated under ``standard/``:

- ``dimensions.md``, ``attributes.md``, ``metadata.md``, ``flags.md``;
- ``codelists/index.md`` and ``codelists/<ID>.md``, one page per code list;
- ``schema/index.md``, ``schema/<Model>.md`` and ``schema/<Model>.json``, one per public model,
  plus each schema at the address of its ``$id`` (``schemas/<version>/<file>``).

and under ``reference/``: ``issues.md`` from the issue catalogue (``sdmx_cso.validation``), whose
anchors are the issue codes that ``Issue.url`` links to, and ``cli.md`` from ``sdmx-cso --help``.

The nav of ``mkdocs.yml`` names the two index pages; :func:`expand_nav` hangs the per-code-list
and per-model pages under them, so that the list of pages lives in the code alone.

Text from the standard (names, descriptions, rules) is escaped, so it renders literally.
Docstrings are Markdown already (mkdocstrings renders the same text in the API reference), so
they are kept as they are, with Sphinx roles turned into inline code.

Under ``mkdocs serve``, edits to ``standard.yaml`` show after a restart: the standard is cached.
"""

from __future__ import annotations

import inspect
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from pydantic import BaseModel
from pydantic.errors import PydanticInvalidForJsonSchema
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import CoreSchema

import sdmx_cso.model
from sdmx_cso.cli import cli
from sdmx_cso.codelists import Code, Codelist
from sdmx_cso.field.toolkit import choices_csv, choices_rows, choices_xlsx, codelist_csv
from sdmx_cso.projection import REASONS, global_target, rules
from sdmx_cso.schema import DESCRIPTOR_FILES, SCHEMA_BASE, json_schema
from sdmx_cso.standard import (
    STANDARD_VERSION,
    AttributeSpec,
    FlagRule,
    MetadataFieldSpec,
    Standard,
    get_codelist,
    get_standard,
    list_codelists,
)
from sdmx_cso.validation import CATALOGUE, IssueType

CODELISTS_DIR = "standard/codelists"
SCHEMA_DIR = "standard/schema"

Pages = dict[str, str]
"""Generated files: path under ``docs/`` -> content."""


@dataclass(frozen=True)
class Schema:
    """The JSON Schema of one model, and a note when pydantic could not write all of it."""

    model: type[BaseModel]
    json: dict[str, Any]
    note: str = ""


@dataclass(frozen=True)
class Context:
    """Everything the pages are built from."""

    standard: Standard
    codelists: dict[str, Codelist]
    """Code lists of the standard by ID (IDs are unique across agencies)."""
    schemas: dict[str, Schema]
    """JSON Schemas of the public models by model name."""
    field_models: dict[str, str] = field(default_factory=dict)
    """Wire name -> model name, for fields whose values are public models (or lists of them)."""

    @classmethod
    def load(cls) -> Context:
        """Read the standard, its code lists and the models' JSON Schemas."""
        codelists = [get_codelist(ref) for ref in list_codelists()]
        by_id = {cl.id: cl for cl in codelists}
        if len(by_id) != len(codelists):
            raise ValueError("code list IDs are not unique: page names need the agency")
        schemas = {name: model_schema(model) for name, model in public_models().items()}
        return cls(get_standard(), by_id, schemas, find_field_models(schemas))


# --------------------------------------------------------------------------------------------
# mkdocs entry point
# --------------------------------------------------------------------------------------------


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pages and JSON Schemas to the site, and their pages to the nav."""
    ctx = Context.load()
    pages: Pages = {
        "standard/dimensions.md": dimensions_page(ctx),
        "standard/attributes.md": attributes_page(ctx),
        "standard/metadata.md": metadata_page(ctx),
        "standard/flags.md": flags_page(ctx),
        **codelist_pages(ctx),
        **schema_pages(ctx),
        "reference/issues.md": issues_page(),
        "reference/cli.md": cli_page(),
        "standard/projection.md": projection_page(),
    }
    for path, content in pages.items():
        if released_elsewhere(files, path, content):
            continue
        files.append(File.generated(config, path, content=content))
    rows = choices_rows(ctx.codelists.values())
    files.append(
        File.generated(config, f"{CODELISTS_DIR}/choices.xlsx", content=choices_xlsx(rows))
    )
    files.append(File.generated(config, f"{CODELISTS_DIR}/choices.csv", content=choices_csv(rows)))
    expand_nav(config.nav, f"{CODELISTS_DIR}/index.md", {i: page_of(i) for i in ctx.codelists})
    models = {name: f"{SCHEMA_DIR}/{name}.md" for name in ctx.schemas}
    expand_nav(config.nav, f"{SCHEMA_DIR}/index.md", models)
    return files


def released_elsewhere(files: Files, path: str, content: str) -> bool:
    """Whether ``path`` is a released schema kept under ``docs/schemas/<version>/``.

    Released versions are kept as files, so that their ``$id`` addresses never vanish; the
    current version's schemas must then be exactly the released ones (else the standard
    changed without a new version).
    """
    kept = files.get_file_from_path(path)
    if kept is None:
        return False
    if Path(kept.abs_src_path or "").read_text("utf-8") != content:
        raise ValueError(
            f"docs/{path} is released and differs from the schema the package writes: give "
            "the standard a new version (STANDARD_VERSION) instead of changing a released one"
        )
    return True


def expand_nav(nav: Any, index: str, children: Mapping[str, str]) -> None:
    """Turn the nav entry ``{title: index}`` into a section ``{title: [index, *children]}``."""
    if not isinstance(nav, list):
        return
    for entry in nav:
        if not isinstance(entry, dict):
            continue
        for title, target in entry.items():
            if target == index:
                entry[title] = [index, *({t: p} for t, p in children.items())]
            else:
                expand_nav(target, index, children)


# --------------------------------------------------------------------------------------------
# Markdown helpers
# --------------------------------------------------------------------------------------------

_BACKSLASH_ESCAPED = "\\`*_[]{}|#"


def esc(text: object) -> str:
    """``text`` as literal Markdown on one line (safe in a table cell); ``None`` is empty."""
    if text is None:
        return ""
    flat = " ".join(str(text).split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join("\\" + ch if ch in _BACKSLASH_ESCAPED else ch for ch in flat)


def code(value: object) -> str:
    """An ID or code as inline code (``_T`` renders literally)."""
    return f"`{value}`"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; cells must already be Markdown on one line."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell or "" for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def page(title: str, *blocks: str) -> str:
    """A page: a heading and blocks, separated by blank lines; empty blocks are left out."""
    return "\n\n".join([f"# {title}", *(b.strip("\n") for b in blocks if b)]) + "\n"


def generated_note(
    source: str = "`sdmx_cso.standard` and `sdmx_cso.model`",
    change: str = "the standard (`standard.yaml`) or the models",
) -> str:
    """The note that tells readers (and editors) where a page comes from."""
    return (
        f'!!! info "Generated from the code (standard {STANDARD_VERSION})"\n'
        f"    This page is built from {source} when the docs are built. To change it, change "
        f"{change}, not this page."
    )


_ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|obj):`~?([^`]+)`")


def docstring_md(text: str | None) -> str:
    """A docstring as Markdown: dedented, with Sphinx roles turned into inline code."""
    return _ROLE.sub(r"`\1`", inspect.cleandoc(text or ""))


def docstring_cell(text: str | None) -> str:
    """The first paragraph of a docstring, on one line, for a table cell."""
    first = docstring_md(text).split("\n\n")[0]
    return " ".join(first.split()).replace("|", "\\|")


def link_md(label: str, target: str) -> str:
    """A Markdown link."""
    return f"[{label}]({target})"


# --------------------------------------------------------------------------------------------
# Code-list links
# --------------------------------------------------------------------------------------------


def page_of(codelist_id: str) -> str:
    """Docs path of a code list's page."""
    return f"{CODELISTS_DIR}/{codelist_id}.md"


def codelist_link(ref: str | None, ctx: Context, prefix: str) -> str:
    """``AGENCY:ID`` as a link to the code list's page (``prefix`` leads to ``codelists/``).

    References to lists that have no page (``DATA_PROVIDERS``, declared by each dataset) stay
    plain text.
    """
    if not ref:
        return ""
    cl_id = ref.split(":")[-1]
    if cl_id not in ctx.codelists:
        return f"{code(ref)} (declared by the dataset)"
    return link_md(code(ref), f"{prefix}{cl_id}.md")


_URN_CODELIST = re.compile(r"Codelist=([^:]+):([^(]+)\(")


def urn_link(urn: str, ctx: Context, prefix: str) -> str:
    """A code list URN (the ``x-codelist`` of a JSON Schema) as a link to its page."""
    found = _URN_CODELIST.search(urn)
    if found is None:
        return code(urn)
    return codelist_link(f"{found[1]}:{found[2]}", ctx, prefix)


def model_link(wire_name: str, ctx: Context, prefix: str) -> str:
    """A link to the model page of a field whose values are a public model, else nothing."""
    model = ctx.field_models.get(wire_name)
    return link_md(code(model), f"{prefix}{model}.md") if model else ""


# --------------------------------------------------------------------------------------------
# standard/dimensions.md
# --------------------------------------------------------------------------------------------


def dimension_default(default: str, codelist: Codelist | None) -> str:
    """The default of an absent column; none when it is not a code of the list."""
    if codelist is not None and default not in codelist:
        return "none: the column is required"
    return code(default)


def dimensions_page(ctx: Context) -> str:
    """The dimensions of the DSD, in key order, then TIME_PERIOD and OBS_VALUE."""
    dsd = ctx.standard.dsd
    rows = []
    for dim in dsd.dimensions:
        if dim.codelist:
            representation = codelist_link(dim.codelist, ctx, "codelists/")
        else:
            representation = f"not coded; pattern {code(dim.pattern)}"
        codelist = ctx.codelists.get((dim.codelist or "").split(":")[-1])
        rows.append(
            [
                str(dim.position),
                code(dim.id),
                esc(dim.name),
                dim.origin,
                representation,
                dimension_default(dim.default, codelist),
                esc(dim.sdg_export),
            ]
        )
    time, measure = dsd.time_dimension, dsd.measure
    rows.append(
        [str(time.position), code(time.id), esc(time.name), "SDG", code(time.type), "required", ""]
    )
    rows.append(["—", code(measure.id), esc(measure.name), "SDG", code(measure.type), "", ""])
    headers = ["Pos", "ID", "Name", "Origin", "Code list", "Default when absent", "SDG export rule"]
    sdg = sum(d.origin == "SDG" for d in dsd.dimensions)
    intro = (
        f"The data structure {code(f'{dsd.agency}:{dsd.id}({dsd.version})')} "
        f"(URN {code(dsd.urn)}) of standard version {STANDARD_VERSION} has "
        f"{len(dsd.dimensions)} dimensions plus {code(time.id)}: the {sdg} dimensions of the "
        "global SDG data structure `IAEG-SDGs:SDG` in their positions (origin SDG), then the "
        "coalition's own (origin CGD). The column name in a submission is the ID. The primary "
        f"measure is {code(measure.id)}."
    )
    notes = (
        "*Default when absent* is the value every row takes when the column is left out of "
        "a submission. *SDG export rule* is what happens to the dimension when a dataset is "
        "projected onto the SDG data structure."
    )
    described = table(
        ["ID", "Description"],
        [[code(d.id), esc(d.description)] for d in (*dsd.dimensions, time, measure)],
    )
    return page(
        "Dimensions",
        generated_note(),
        intro,
        table(headers, rows),
        notes,
        "## Descriptions",
        described,
    )


# --------------------------------------------------------------------------------------------
# standard/attributes.md
# --------------------------------------------------------------------------------------------


def attribute_type(attr: AttributeSpec) -> str:
    """The representation of an attribute, with its lower bound."""
    return f"{attr.type} ≥ {attr.min}" if attr.min is not None else attr.type


def attribute_derivation(attr: AttributeSpec) -> str:
    """How an absent attribute is filled: the derivation rule, then the default."""
    parts = [esc(attr.derived)] if attr.derived else []
    if attr.default is not None:
        parts.append(f"default {code(attr.default)}")
    return "; ".join(parts)


def attributes_page(ctx: Context) -> str:
    """The attributes of the DSD, in the standard's order."""
    dsd = ctx.standard.dsd
    headers = [
        "ID",
        "Name",
        "Level",
        "Status",
        "Type",
        "Code list",
        "Derived when absent",
        "Description",
    ]
    rows = [
        [
            code(a.id),
            esc(a.name),
            a.level,
            a.status,
            esc(attribute_type(a)),
            codelist_link(a.codelist, ctx, "codelists/"),
            attribute_derivation(a),
            esc(a.description),
        ]
        for a in dsd.attributes
    ]
    intro = (
        f"The {len(dsd.attributes)} attributes of the data structure {code(dsd.urn)}. "
        "*Level* is where the attribute is attached (the dataset, each series, each "
        "observation); *status* is its SDMX assignment status. *Derived when absent* says how "
        "the library fills the attribute when a submission leaves the column out. A `flags` "
        "value holds several codes: space-separated in SDMX 2.1, a multi-valued attribute in "
        "SDMX 3.0 (see [Quality flags](flags.md))."
    )
    return page("Attributes", generated_note(), intro, table(headers, rows))


# --------------------------------------------------------------------------------------------
# standard/metadata.md
# --------------------------------------------------------------------------------------------


def field_type(spec: MetadataFieldSpec, ctx: Context) -> str:
    """The kind of value of a metadata field, linked to its sub-fields or model."""
    if spec.type == "object":
        kind = f"object ([sub-fields](#{spec.id.lower()}))"
    elif spec.type == "list" and spec.item:
        kind = f"list of {esc(spec.item)}"
    else:
        kind = esc(spec.type)
    model = model_link(spec.id, ctx, "schema/")
    return f"{kind}: {model}" if model else kind


def metadata_rows(
    specs: Iterable[MetadataFieldSpec], ctx: Context, *, columns: Sequence[str]
) -> list[list[str]]:
    """Table rows of metadata fields, with the named columns."""
    cells: dict[str, Callable[[MetadataFieldSpec], str]] = {
        "ID": lambda f: code(f.id),
        "Name": lambda f: esc(f.name),
        "Required": lambda f: "yes" if f.required else "",
        "Type": lambda f: field_type(f, ctx),
        "Code list": lambda f: codelist_link(f.codelist, ctx, "codelists/"),
        "Reused from": lambda f: esc(f.reused),
        "Description": lambda f: esc(f.description),
    }
    return [[cells[c](f) for c in columns] for f in specs]


def object_fields(std: Standard) -> list[MetadataFieldSpec]:
    """Every ``object`` field, top-level first, then nested ones, each once."""
    found: dict[str, MetadataFieldSpec] = {}
    queue = [f for f in std.msd.fields if f.type == "object"]
    while queue:
        spec = queue.pop(0)
        if spec.type == "object" and spec.id not in found:
            found[spec.id] = spec
            queue += [std.msd.subfields[s] for s in spec.fields if s in std.msd.subfields]
    return list(found.values())


def subfields_section(spec: MetadataFieldSpec, ctx: Context) -> str:
    """The sub-fields of one object field."""
    msd = ctx.standard.msd
    subs = [msd.subfields[s] for s in spec.fields if s in msd.subfields]
    columns = ["ID", "Name", "Type", "Code list"]
    if any(s.required for s in subs):
        columns.insert(2, "Required")
    about = esc(spec.name)
    if spec.description and spec.description != spec.name:
        about += f": {esc(spec.description)}"
    model = model_link(spec.id, ctx, "schema/")
    if model:
        about += f" Python model: {model}."
    return (
        f"### {spec.id}\n\n{about}\n\n{table(columns, metadata_rows(subs, ctx, columns=columns))}"
    )


def metadata_page(ctx: Context) -> str:
    """The fields of the dataset metadata (the MSD), then the sub-fields of object fields."""
    msd = ctx.standard.msd
    columns = ["ID", "Name", "Required", "Type", "Code list", "Reused from", "Description"]
    intro = (
        f"The {len(msd.fields)} fields of the dataset metadata: the metadata attributes of the "
        f"metadata structure {code(f'{msd.agency}:{msd.id}({msd.version})')}, reported through "
        f"the metadataflow {code(msd.metadataflow)}. A metadata file (`metadata.yaml` or "
        "`metadata.json`) is keyed by these IDs. *Reused from* names the concept each field "
        "takes over (SDG metadata, ESMS, DCAT) or says it is new. The Python model is "
        f"{link_md('`DatasetMetadata`', 'schema/DatasetMetadata.md')}."
    )
    return page(
        "Dataset metadata",
        generated_note(),
        intro,
        table(columns, metadata_rows(msd.fields, ctx, columns=columns)),
        "## Sub-fields of object fields",
        *(subfields_section(spec, ctx) for spec in object_fields(ctx.standard)),
    )


# --------------------------------------------------------------------------------------------
# standard/flags.md
# --------------------------------------------------------------------------------------------


def obs_status_cell(rule: FlagRule) -> str:
    """The OBS_STATUS a flag implies, with its condition."""
    if rule.obs_status is None:
        return ""
    text = code(rule.obs_status)
    if rule.obs_status_when:
        text += f" when {esc(rule.obs_status_when)}"
    if rule.obs_status_if_missing:
        text += f"; {code(rule.obs_status_if_missing)} when the value is withheld"
    return text


def flag_row(flag_id: str, definition: str, rule: FlagRule | None) -> list[str]:
    """One row of the flag table; a flag without a rule implies nothing."""
    if rule is None:
        return [code(flag_id), esc(definition), "", "", "", "", ""]
    return [
        code(flag_id),
        esc(definition),
        esc(rule.set_by),
        obs_status_cell(rule),
        code(rule.conf_status) if rule.conf_status else "",
        ", ".join(code(c) for c in rule.clears),
        esc(rule.comment),
    ]


def precedence_section(ctx: Context) -> str:
    """How one OBS_STATUS is chosen from the flags."""
    std, status = ctx.standard, ctx.codelists["CL_OBS_STATUS"]
    order = " > ".join(code(c) for c in std.obs_status_precedence)
    ranks = table(
        ["Rank", "OBS_STATUS", "Name"],
        [
            [str(rank), code(c), esc(status[c].name) if c in status else ""]
            for rank, c in enumerate(std.obs_status_precedence, start=1)
        ],
    )
    rule = std.dsd.attribute("OBS_STATUS").derived
    return (
        "## Deriving OBS_STATUS\n\n"
        "An observation has one `OBS_STATUS`. When its flags imply several, the first in this "
        f"order wins: {order}.\n\n{ranks}\n"
        f"The rule as the standard states it: {esc(rule)}."
    )


def flags_page(ctx: Context) -> str:
    """The flags of CL_CGD_FLAG with what sets them and what they imply, and the precedence."""
    flags = ctx.codelists["CL_CGD_FLAG"]
    headers = ["Flag", "Definition", "Set by", "OBS_STATUS", "CONF_STATUS", "Clears", "COMMENT_OBS"]
    rows = [
        flag_row(f.id, f.description or f.name, ctx.standard.flag_rules.get(f.id)) for f in flags
    ]
    intro = (
        "The attribute `QUALITY_FLAGS` holds any number of codes of "
        f"{codelist_link(f'{flags.agency}:{flags.id}', ctx, 'codelists/')}. Each flag also has "
        "a reading in the SDMX-standard attributes `OBS_STATUS` and `CONF_STATUS`, so that "
        "tools that know nothing of the flags still see the caveat. *Clears* lists the "
        "`OBS_STATUS` codes a flag cancels. The last column is the sentence the flag adds to "
        "`COMMENT_OBS`, so that the caveat survives export to the SDG data structure."
    )
    return page(
        "Quality flags", generated_note(), intro, table(headers, rows), precedence_section(ctx)
    )


# --------------------------------------------------------------------------------------------
# standard/codelists/
# --------------------------------------------------------------------------------------------


def usage(std: Standard) -> dict[str, list[str]]:
    """For each code list ID, the components that use it, as Markdown links from its page."""
    used: dict[str, list[str]] = defaultdict(list)
    components: list[tuple[str, str, Iterable[Any]]] = [
        ("dimension", "dimensions", std.dsd.dimensions),
        ("attribute", "attributes", std.dsd.attributes),
        ("metadata field", "metadata", (*std.msd.fields, *std.msd.subfields.values())),
    ]
    for kind, target, items in components:
        for item in items:
            if item.codelist:
                link = f"{code(item.id)} ({link_md(kind, f'../{target}.md')})"
                used[item.codelist.split(":")[-1]].append(link)
    return used


def code_columns(cl: Codelist) -> list[tuple[str, Callable[[Code], str]]]:
    """Columns of a code table: ID and name, then only the properties some code has."""
    columns: list[tuple[str, Callable[[Code], str]]] = [
        ("ID", lambda c: code(c.id)),
        ("Name", lambda c: esc(c.name)),
    ]
    if any(c.description for c in cl):
        columns.append(("Description", lambda c: esc(c.description)))
    if any(c.parent for c in cl):
        columns.append(("Parent", lambda c: code(c.parent) if c.parent else ""))
    if any(c.sensitive for c in cl):
        columns.append(("Sensitive", lambda c: "yes" if c.sensitive else ""))
    if any(c.annotations for c in cl):
        columns.append(
            (
                "Annotations",
                lambda c: "; ".join(
                    ": ".join(esc(part) for part in (a.type, a.title, a.text) if part is not None)
                    for a in c.annotations
                ),
            )
        )
    return columns


def codelist_page(cl: Codelist, used_by: Sequence[str]) -> str:
    """One code list, with every code."""
    facts = table(
        ["Property", "Value"],
        [
            ["URN", code(cl.urn)],
            ["Agency", code(cl.agency)],
            ["Version", code(cl.version)],
            ["Codes", str(len(cl))],
            ["Source", esc(cl.source)],
            ["Used by", ", ".join(used_by) or "no component uses it directly"],
        ],
    )
    columns = code_columns(cl)
    codes = table([h for h, _ in columns], ([cell(c) for _, cell in columns] for c in cl))
    sensitive = (
        "Codes marked *sensitive* are population groups that are criminalised or stigmatised: "
        "disclosure control applies the stricter threshold to them."
        if any(c.sensitive for c in cl)
        else ""
    )
    title = f"{esc(cl.id)}: {esc(cl.name)}"
    download = (
        f"Download: {link_md(f'{cl.id}.csv', f'{cl.id}.csv')} (one row per code), or every "
        f"list as XLSForm choices: {link_md('choices.xlsx', 'choices.xlsx')} (list name "
        f"`{cl.id}`)."
    )
    return page(title, generated_note(), esc(cl.description), download, facts, sensitive, codes)


def codelist_pages(ctx: Context) -> Pages:
    """The index of code lists and one page per code list."""
    used = usage(ctx.standard)
    pages = {page_of(i): codelist_page(cl, used.get(i, [])) for i, cl in ctx.codelists.items()}
    for i, cl in ctx.codelists.items():
        pages[f"{CODELISTS_DIR}/{i}.csv"] = codelist_csv(cl)
    rows = [
        [
            code(cl.agency),
            link_md(code(cl.id), f"{cl.id}.md"),
            code(cl.version),
            esc(cl.name),
            str(len(cl)),
            esc(cl.source),
            link_md("CSV", f"{cl.id}.csv"),
        ]
        for cl in ctx.codelists.values()
    ]
    intro = (
        f"The {len(ctx.codelists)} code lists of the standard, in the standard's order. Lists "
        "reused from IAEG-SDGs and SDMX are published exactly as their owners publish them, "
        "under their own agency and version; the "
        f"coalition's lists are maintained by {code(ctx.standard.agency)} (the default agency; "
        "it can be changed). `CL_SERIES_CGD` and `CL_AREA_CGD` extend the IAEG-SDGs lists "
        "(`CL_AREA_CGD` with the ISO 3166-2 subdivisions of the coalition countries), and "
        "each dataset can extend them further with its own codes, declared in its metadata file."
        "\n\n**For survey toolkits**: every list as the rows of an XLSForm `choices` sheet, "
        "[choices.xlsx](choices.xlsx) or [choices.csv](choices.csv) (`list_name` = the code "
        "list ID, so a KoboToolbox or ODK form asks `select_one CL_SEX`), and each list as CSV "
        "in the last column. `sdmx-cso codelists --format csv|xlsform -o DIR` writes the same "
        "files. They are generated from the package when the site is built."
    )
    headers = ["Agency", "ID", "Version", "Name", "Codes", "Source", "Download"]
    pages[f"{CODELISTS_DIR}/index.md"] = page(
        "Code lists", generated_note(), intro, table(headers, rows)
    )
    return pages


# --------------------------------------------------------------------------------------------
# standard/schema/
# --------------------------------------------------------------------------------------------


def public_models() -> dict[str, type[BaseModel]]:
    """The pydantic models among ``sdmx_cso.model.__all__``, by name."""
    found = {name: getattr(sdmx_cso.model, name) for name in sdmx_cso.model.__all__}
    return {n: m for n, m in found.items() if isinstance(m, type) and issubclass(m, BaseModel)}


class LenientJsonSchema(GenerateJsonSchema):
    """Leave out what JSON Schema cannot express (a ``pyarrow.Table``).

    The field's own ``json_schema_extra`` then gives its JSON form.
    """

    def handle_invalid_for_json_schema(
        self, schema: CoreSchema, error_info: str
    ) -> JsonSchemaValue:
        return {}


def model_schema(model: type[BaseModel]) -> Schema:
    """The published JSON Schema of ``model`` (``sdmx_cso.schemas.json_schema``).

    When pydantic cannot write the schema, the model's own ``model_json_schema`` is used with
    :class:`LenientJsonSchema`, and the page says so.
    """
    try:
        return Schema(model, json_schema(model))
    except PydanticInvalidForJsonSchema as exc:
        reason = str(exc).splitlines()[0]
        note = (
            '!!! warning "Part of this schema comes from the field declaration"\n'
            f"    pydantic reports: {esc(reason)}. That field is described by the JSON form "
            "its declaration gives (`json_schema_extra`). `sdmx_cso.schemas.json_schema()` cannot "
            "export this model; this schema is published with the same versioned `$id`."
        )
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{SCHEMA_BASE}/{STANDARD_VERSION}/{model.__name__}.json",
            "x-standard-version": STANDARD_VERSION,
            **model.model_json_schema(by_alias=True, schema_generator=LenientJsonSchema),
        }
        return Schema(model, schema, note)


def id_path(schema: Mapping[str, Any]) -> str | None:
    """Where in the site the schema's ``$id`` points, when it points into the docs."""
    schema_id = str(schema.get("$id", ""))
    if not schema_id.startswith(SCHEMA_BASE + "/"):
        return None
    return "schemas/" + schema_id.removeprefix(SCHEMA_BASE + "/")


def schema_json(schema: Mapping[str, Any]) -> str:
    """A schema file's text."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def referenced_model(node: Mapping[str, Any], models: Iterable[str]) -> str | None:
    """The public model a schema node stands for, directly, as a list item or nullable."""
    ref = str(node.get("$ref", "")).split("/")[-1]
    if ref in models:
        return ref
    for inner in (node.get("items"), *node.get("anyOf", ())):
        if isinstance(inner, Mapping) and (found := referenced_model(inner, models)):
            return found
    return None


def find_field_models(schemas: Mapping[str, Schema]) -> dict[str, str]:
    """Wire name -> public model name, for fields whose values are public models."""
    found: dict[str, str] = {}
    for schema in schemas.values():
        for wire, node in schema.json.get("properties", {}).items():
            model = referenced_model(node, schemas)
            if model:
                found.setdefault(wire, model)
    return found


class TypeRenderer:
    """Renders a JSON Schema node as a short, linked type description for a field table."""

    def __init__(self, defs: Mapping[str, Any], ctx: Context) -> None:
        self.defs = defs
        self.ctx = ctx

    def __call__(self, node: Mapping[str, Any]) -> str:
        if "$ref" in node:
            return self.ref(node["$ref"])
        if "anyOf" in node:
            return " or ".join(dict.fromkeys(self(n) for n in node["anyOf"]))
        if "allOf" in node and len(node["allOf"]) == 1:
            return self(node["allOf"][0])
        if "x-codelist" in node:
            link = urn_link(node["x-codelist"], self.ctx, "../codelists/")
            return f"code of {link}" + ("" if "enum" in node else " or declared by the dataset")
        if "enum" in node:
            return "one of " + ", ".join(code(v) for v in node["enum"])
        kind = str(node.get("type", "any"))
        if kind == "array":
            return f"array of {self(node.get('items', {}))}{self.constraints(node)}"
        if "format" in node:
            kind = f"{kind} ({node['format']})"
        return kind + self.constraints(node)

    def ref(self, ref: str) -> str:
        """A ``$ref``: a link to a model's page, or the definition it names."""
        name = ref.split("/")[-1]
        if name in self.ctx.schemas:
            return link_md(name, f"{name}.md")
        if name == "QualityFlag":
            return link_md("quality flag", "../flags.md")
        target = self.defs.get(name)
        return f"{code(name)}: {self(target)}" if target else code(name)

    @staticmethod
    def constraints(node: Mapping[str, Any]) -> str:
        """Bounds, lengths and patterns, as a suffix."""
        found = [
            text.format(node[key])
            for key, text in (
                ("minimum", "≥ {}"),
                ("exclusiveMinimum", "> {}"),
                ("maximum", "≤ {}"),
                ("exclusiveMaximum", "< {}"),
                ("minLength", "length ≥ {}"),
                ("maxLength", "length ≤ {}"),
                ("minItems", "at least {} item(s)"),
            )
            if key in node
        ]
        if "pattern" in node:
            found.append(f"pattern {code(node['pattern'])}")
        return f", {', '.join(found)}" if found else ""


def field_rows(schema: Schema, render: TypeRenderer) -> list[list[str]]:
    """One row per field: wire name, Python name, type, required, default, description."""
    properties = schema.json.get("properties", {})
    required = set(schema.json.get("required", ())) | set(schema.json.get("x-required", ()))
    rows = []
    for name, info in schema.model.model_fields.items():
        wire = info.serialization_alias or info.alias or name
        node = properties.get(wire, {})
        rows.append(
            [
                code(wire),
                code(name),
                render(node),
                "yes" if wire in required else "",
                code(json.dumps(node["default"])) if "default" in node else "",
                docstring_cell(node.get("description")),
            ]
        )
    return rows


def json_block(schema: Mapping[str, Any]) -> str:
    """The schema in a collapsed admonition."""
    text = json.dumps(schema, indent=2, ensure_ascii=False)
    body = "\n".join("    " + line for line in ["```json", *text.splitlines(), "```"])
    return f'??? note "JSON Schema"\n\n{body}'


def schema_page(name: str, schema: Schema, ctx: Context) -> str:
    """One model: its docstring, its fields and its JSON Schema."""
    model = schema.model
    headers = ["Field", "Python", "Type", "Required", "Default", "Description"]
    where = (
        f"Python: `{model.__module__}.{name}` (exported as `sdmx_cso.model.{name}`). "
        f"JSON Schema file: {link_md(f'`{name}.json`', f'{name}.json')}"
    )
    if "$id" in schema.json:
        where += f", with the `$id` {code(schema.json['$id'])}"
    render = TypeRenderer(schema.json.get("$defs", {}), ctx)
    return page(
        name,
        generated_note(),
        docstring_md(model.__doc__),
        where + ".",
        schema.note,
        "## Fields\n\n*Field* is the name on the wire: in files and in JSON.",
        table(headers, field_rows(schema, render)),
        json_block(schema.json),
    )


def schema_pages(ctx: Context) -> Pages:
    """The index of models, a page and a JSON Schema file per model, and the ``$id`` copies."""
    pages: Pages = {}
    rows = []
    for name, schema in ctx.schemas.items():
        pages[f"{SCHEMA_DIR}/{name}.md"] = schema_page(name, schema, ctx)
        pages[f"{SCHEMA_DIR}/{name}.json"] = schema_json(schema.json)
        if target := id_path(schema.json):
            pages[target] = schema_json(schema.json)
        rows.append(
            [
                link_md(name, f"{name}.md"),
                docstring_cell(schema.model.__doc__),
                link_md(f"{name}.json", f"{name}.json"),
            ]
        )
    for name, make in DESCRIPTOR_FILES.items():
        pages[f"schemas/{STANDARD_VERSION}/{name}"] = schema_json(make())
    others = sorted(set(sdmx_cso.model.__all__) - set(ctx.schemas))
    intro = (
        "The public pydantic models of `sdmx_cso.model`, with their fields and JSON Schemas "
        "as `sdmx_cso.schemas.json_schema()` exports them: field names are the names on the "
        "wire, coded fields carry the URN of their code list in `x-codelist`, and the `$id` of "
        f"each schema carries the version of the standard ({STANDARD_VERSION}). Toolkit authors "
        "can validate files against the schema files linked below; each is also served at the "
        "address of its `$id`. `sdmx-cso schema` writes the schemas of the metadata file and "
        "of a data row."
    )
    if others:
        intro += " Not pydantic models, so not listed: " + ", ".join(map(code, others)) + "."
    intro += (
        "\n\nThe schemas accept documents as sdmx_cso reads them, and a test runs them and the "
        "validator on the same generated documents: keys in any case, numbers also as the "
        'text a CSV file or a survey export delivers (`"200"`), a period also as one '
        "interval string. Rules across fields, rows or files are the validator's alone.\n\n"
        "**Frictionless**: the data table as a "
        f"[Table Schema](../../schemas/{STANDARD_VERSION}/table-schema.json) and a "
        f"[Data Package descriptor](../../schemas/{STANDARD_VERSION}/datapackage.json) "
        "of a submission package.\n\n"
        f"**Versions.** Every file is served under `schemas/<standard version>/`. The schemas "
        "of each released version of the standard are kept in the repository "
        "(`docs/schemas/<version>/`, written with `sdmx-cso schema` at the release) and served "
        "by every later build, so an `$id` never stops resolving; the build fails if the "
        "current version's schemas differ from its released ones."
    )
    pages[f"{SCHEMA_DIR}/index.md"] = page(
        "JSON Schemas", generated_note(), intro, table(["Model", "What it is", "File"], rows)
    )
    return pages


# --------------------------------------------------------------------------------------------
# reference/issues.md and reference/cli.md
# --------------------------------------------------------------------------------------------


def issue_section(entry: IssueType) -> str:
    """One issue type; its anchor is its code, the target of ``Issue.url``."""
    tags = " ".join(code(t) for t in entry.tags)
    return (
        f"## {esc(entry.title)} {{#{entry.code}}}\n\n"
        f"Code {code(entry.code)} · {entry.severity} · tags {tags}\n\n"
        f"{entry.description}\n\n"
        f"**Example:** {entry.example}\n\n"
        f"**How to fix it:** {entry.fix}"
    )


def issues_page() -> str:
    """Every issue code of the catalogue, with what it means and how to fix it."""
    rows = [
        [link_md(code(e.code), f"#{e.code}"), esc(e.title), e.severity, " ".join(map(code, e.tags))]
        for e in CATALOGUE.values()
    ]
    intro = (
        "Every problem `validate()` reports has one of these codes, and so has every problem "
        "`sdmx_cso.schemas.validate_message` and `validate_json` find in an SDMX message "
        "(tag `#message`). An *error* makes the "
        "submission invalid; a *warning* is worth a look but does not. Tags group codes: "
        "`--pick` and `--skip` (and the `pick` and `skip` arguments of `validate()`) take codes "
        "or tags. The `url` of each reported issue links to its entry here."
    )
    return page(
        "Validation issues",
        generated_note("the issue catalogue (`sdmx_cso.validation.CATALOGUE`)", "the catalogue"),
        intro,
        table(["Code", "Title", "Severity", "Tags"], rows),
        *(issue_section(entry) for entry in CATALOGUE.values()),
    )


def projection_page() -> str:
    """The projection rules and refusal reasons, from `sdmx_cso.projection.rules`."""
    target = global_target()
    rows = [[code(reason), esc(text)] for reason, text in REASONS.items()]
    return page(
        "Projection onto the SDG DSD",
        generated_note("`sdmx_cso.projection` (its rules and refusal reasons)", "the rules module"),
        "`sdmx_cso.project()` and `sdmx-cso project` put a coalition dataset into the global "
        f"SDG DSD `{target.ref}` (bundled) or a national DSD given as a structure file. "
        "How to use them: [Project onto the SDG DSD](../guides/project.md).",
        "## The rules, in the order they apply",
        docstring_md(rules.__doc__).split("\n\n", 1)[1],
        "## Why an observation is refused",
        "Each refused observation is listed in `STEM.refused.csv` with its row, one of these "
        "reasons, a sentence saying what exactly was refused, and its key.",
        table(["REASON", "Meaning"], rows),
    )


def command_help(command: click.Command, name: str, parent: click.Context | None) -> str:
    """The ``--help`` text of a command, as a text block."""
    with click.Context(command, info_name=name, parent=parent, terminal_width=100) as ctx:
        return f"```text\n{command.get_help(ctx)}\n```"


def cli_page() -> str:
    """``sdmx-cso --help`` and the help of every command."""
    blocks = [command_help(cli, "sdmx-cso", None)]
    with click.Context(cli, info_name="sdmx-cso", terminal_width=100) as root:
        commands = getattr(cli, "commands", {})
        for name, command in sorted(commands.items()):
            blocks.append(f"## sdmx-cso {name}\n\n{command_help(command, name, root)}")
    return page(
        "Command line",
        generated_note("the `sdmx-cso --help` texts", "the commands in `sdmx_cso.cli`"),
        "The `sdmx-cso` command is installed with the package. Its exit codes: `0` valid or "
        "done, `1` invalid data, `2` wrong usage, `3` could not process.",
        *blocks,
    )

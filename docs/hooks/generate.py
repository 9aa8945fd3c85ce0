"""Generate the reference pages of the standard at docs-build time (an mkdocs hook).

Every page written here is built from the code, never from copied text:
``sdmx_cso.standard.get_standard()`` gives the dimensions, attributes, metadata fields and flag
rules, ``get_codelist()`` the code lists, and the pydantic models of ``sdmx_cso.model`` their
fields and JSON Schemas. The pages are handed to mkdocs as generated files (``File.generated``,
mkdocs >= 1.6), so nothing generated is committed and nothing can go stale.

Generated, all under ``standard/``:

- ``dimensions.md``, ``attributes.md``, ``metadata.md``, ``flags.md``;
- ``codelists/index.md`` and ``codelists/<ID>.md``, one page per code list;
- ``schema/index.md``, ``schema/<Model>.md`` and ``schema/<Model>.json``, one per public model.

The nav of ``mkdocs.yml`` names the two index pages; :func:`expand_nav` hangs the per-code-list
and per-model pages under them, so that the list of pages lives in the code alone.

Under ``mkdocs serve``, edits to ``standard.yaml`` show after a restart: the standard is cached.
"""

from __future__ import annotations

import inspect
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from pydantic import BaseModel
from pydantic.errors import PydanticInvalidForJsonSchema
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import CoreSchema

import sdmx_cso.model
from sdmx_cso.codelists import Codelist
from sdmx_cso.standard import (
    STANDARD_VERSION,
    AttributeSpec,
    MetadataFieldSpec,
    Standard,
    get_codelist,
    get_standard,
    list_codelists,
)

CODELISTS_DIR = "standard/codelists"
SCHEMA_DIR = "standard/schema"

Pages = dict[str, str]
"""Generated files: path under ``docs/`` -> content."""


# --------------------------------------------------------------------------------------------
# mkdocs entry point
# --------------------------------------------------------------------------------------------


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pages and JSON Schemas to the site, and their pages to the nav."""
    standard = get_standard()
    codelists = {cl.id: cl for cl in (get_codelist(ref) for ref in list_codelists())}
    models = public_models()
    pages: Pages = {
        "standard/dimensions.md": dimensions_page(standard, codelists),
        "standard/attributes.md": attributes_page(standard, codelists),
        "standard/metadata.md": metadata_page(standard, codelists),
        "standard/flags.md": flags_page(standard, codelists),
        **codelist_pages(standard, codelists),
        **schema_pages(models, codelists),
    }
    for path, content in pages.items():
        files.append(File.generated(config, path, content=content))
    expand_nav(config.nav, f"{CODELISTS_DIR}/index.md", {i: page_of(i) for i in codelists})
    expand_nav(config.nav, f"{SCHEMA_DIR}/index.md", {m: f"{SCHEMA_DIR}/{m}.md" for m in models})
    return files


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
    """A Markdown table; cells must already be escaped."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell or "" for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def page(title: str, *blocks: str) -> str:
    """A page: a heading and paragraphs or blocks, separated by blank lines."""
    return "\n\n".join([f"# {title}", *(b.strip("\n") for b in blocks if b)]) + "\n"


def generated_note() -> str:
    """The note that tells readers (and editors) where a page comes from."""
    return (
        f'!!! info "Generated from the code (standard {STANDARD_VERSION})"\n'
        "    This page is built from `sdmx_cso.standard` and `sdmx_cso.model` when the docs "
        "are built. To change it, change the standard (`standard.yaml`) or the models, "
        "not this page."
    )


def first_paragraph(text: str | None) -> str:
    """The first paragraph of a docstring, on one line."""
    return " ".join((text or "").strip().split("\n\n")[0].split())


_ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|obj):`~?([^`]+)`")


def docstring_md(text: str | None) -> str:
    """A docstring as Markdown: Sphinx roles become inline code."""
    return _ROLE.sub(r"`\1`", inspect.cleandoc(text or ""))


# --------------------------------------------------------------------------------------------
# Code-list links
# --------------------------------------------------------------------------------------------


def page_of(codelist_id: str) -> str:
    """Docs path of a code list's page."""
    return f"{CODELISTS_DIR}/{codelist_id}.md"


def codelist_link(ref: str | None, codelists: Mapping[str, Codelist], prefix: str) -> str:
    """``AGENCY:ID`` as a link to the code list's page (``prefix`` leads to ``codelists/``).

    References to lists that have no page (``DATA_PROVIDERS``, declared by each dataset) stay
    plain text.
    """
    if not ref:
        return ""
    cl_id = ref.split(":")[-1]
    if cl_id not in codelists:
        return f"{code(ref)} (declared by the dataset)"
    return f"[{code(ref)}]({prefix}{cl_id}.md)"


_URN_CODELIST = re.compile(r"Codelist=([^:]+):([^(]+)\(")


def urn_link(urn: str, codelists: Mapping[str, Codelist], prefix: str) -> str:
    """A code list URN (the ``x-codelist`` of a JSON Schema) as a link to its page."""
    found = _URN_CODELIST.search(urn)
    if found is None:
        return code(urn)
    return codelist_link(f"{found[1]}:{found[2]}", codelists, prefix)


# --------------------------------------------------------------------------------------------
# standard/dimensions.md
# --------------------------------------------------------------------------------------------


def dimension_default(default: str, codelist: Codelist | None) -> str:
    """The default of an absent column; none when it is not a code of the list."""
    if codelist is not None and default not in codelist:
        return "none: the column is required"
    return code(default)


def dimensions_page(std: Standard, codelists: Mapping[str, Codelist]) -> str:
    """The dimensions of the DSD, in key order, then TIME_PERIOD and OBS_VALUE."""
    dsd = std.dsd
    rows = []
    for dim in dsd.dimensions:
        cl = codelists.get((dim.codelist or "").split(":")[-1])
        if dim.codelist:
            representation = codelist_link(dim.codelist, codelists, "codelists/")
        else:
            representation = f"not coded; pattern {code(dim.pattern)}"
        rows.append(
            [
                str(dim.position),
                code(dim.id),
                esc(dim.name),
                dim.origin,
                representation,
                dimension_default(dim.default, cl),
                esc(dim.sdg_export),
            ]
        )
    time, measure = dsd.time_dimension, dsd.measure
    rows.append(
        [str(time.position), code(time.id), esc(time.name), "SDG", code(time.type), "required", ""]
    )
    rows.append(["—", code(measure.id), esc(measure.name), "SDG", code(measure.type), "", ""])
    headers = [
        "Pos",
        "ID",
        "Name",
        "Origin",
        "Code list",
        "Default when absent",
        "SDG export rule",
    ]
    sdg = sum(d.origin == "SDG" for d in dsd.dimensions)
    intro = (
        f"The data structure {code(f'{dsd.agency}:{dsd.id}({dsd.version})')} "
        f"(URN {code(dsd.urn)}) of standard version {STANDARD_VERSION} has "
        f"{len(dsd.dimensions)} dimensions plus {code(time.id)}: the {sdg} dimensions of the "
        "global SDG data structure `IAEG-SDGs:SDG` in their positions (origin SDG), then the "
        "coalition's own (origin CGD). The column name in a submission is the ID."
    )
    notes = (
        "*Default when absent* is the value every row takes when the column is left out of "
        "a submission. *SDG export rule* is what happens to the dimension when a dataset is "
        "projected onto the SDG data structure. Descriptions:"
    )
    described = table(
        ["ID", "Description"],
        [[code(d.id), esc(d.description)] for d in (*dsd.dimensions, time, measure)],
    )
    return page("Dimensions", generated_note(), intro, table(headers, rows), notes, described)


# --------------------------------------------------------------------------------------------
# standard/attributes.md
# --------------------------------------------------------------------------------------------


def attribute_type(attr: AttributeSpec) -> str:
    """The representation of an attribute, with its lower bound."""
    if attr.min is not None:
        return f"{attr.type} ≥ {attr.min}"
    return attr.type


def attribute_derivation(attr: AttributeSpec) -> str:
    """How an absent attribute is filled: the derivation rule, then the default."""
    parts = [esc(attr.derived)] if attr.derived else []
    if attr.default is not None:
        parts.append(f"default {code(attr.default)}")
    return "; ".join(parts)


def attributes_page(std: Standard, codelists: Mapping[str, Codelist]) -> str:
    """The attributes of the DSD, in the standard's order."""
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
            codelist_link(a.codelist, codelists, "codelists/"),
            attribute_derivation(a),
            esc(a.description),
        ]
        for a in std.dsd.attributes
    ]
    intro = (
        f"The {len(std.dsd.attributes)} attributes of {code(std.dsd.urn)}. *Level* is where "
        "the attribute is attached (the dataset, each series, each observation); *status* is "
        "its SDMX assignment status. *Derived when absent* says how the library fills the "
        "attribute when a submission leaves the column out. A `flags` value holds several "
        "codes: space-separated in SDMX 2.1, a multi-valued attribute in SDMX 3.0 (see "
        "[Quality flags](flags.md))."
    )
    return page("Attributes", generated_note(), intro, table(headers, rows))


# --------------------------------------------------------------------------------------------
# standard/metadata.md
# --------------------------------------------------------------------------------------------


def field_type(field: MetadataFieldSpec) -> str:
    """The kind of value of a metadata field, linking object fields to their sub-fields."""
    if field.type == "object":
        return f"object ([sub-fields](#{field.id.lower()}))"
    if field.type == "list" and field.item:
        return f"list of {esc(field.item)}"
    return esc(field.type)


def metadata_rows(
    fields: Iterable[MetadataFieldSpec], codelists: Mapping[str, Codelist], *, top: bool
) -> list[list[str]]:
    """Table rows of metadata fields (``top``: with the *Reused from* column)."""
    rows = []
    for f in fields:
        row = [
            code(f.id),
            esc(f.name),
            "yes" if f.required else "",
            field_type(f),
            codelist_link(f.codelist, codelists, "codelists/"),
        ]
        rows.append([*row, esc(f.reused), esc(f.description)] if top else row)
    return rows


def object_fields(std: Standard) -> list[MetadataFieldSpec]:
    """Every ``object`` field, top-level first, then nested ones, each once."""
    found: list[MetadataFieldSpec] = []
    queue = [f for f in std.msd.fields if f.type == "object"]
    while queue:
        field = queue.pop(0)
        if field.id not in {f.id for f in found}:
            found.append(field)
            queue += [std.msd.subfields[s] for s in field.fields if s in std.msd.subfields]
    return [f for f in found if f.type == "object"]


def metadata_page(std: Standard, codelists: Mapping[str, Codelist]) -> str:
    """The fields of the dataset metadata (the MSD), then the sub-fields of object fields."""
    msd = std.msd
    headers = ["ID", "Name", "Required", "Type", "Code list", "Reused from", "Description"]
    intro = (
        f"The {len(msd.fields)} fields of the dataset metadata: the metadata attributes of the "
        f"metadata structure {code(f'{msd.agency}:{msd.id}({msd.version})')}, reported through "
        f"the metadataflow {code(msd.metadataflow)}. A metadata file (`metadata.yaml` or "
        "`metadata.json`) is keyed by these IDs. *Reused from* names the concept each field "
        "takes over (SDG metadata, ESMS, DCAT) or says it is new. The Python model is "
        "[`DatasetMetadata`](schema/DatasetMetadata.md)."
    )
    blocks = [
        generated_note(),
        intro,
        table(headers, metadata_rows(msd.fields, codelists, top=True)),
    ]
    blocks.append("## Sub-fields of object fields")
    sub_headers = ["ID", "Name", "Required", "Type", "Code list"]
    for field in object_fields(std):
        subs = [msd.subfields[s] for s in field.fields if s in msd.subfields]
        blocks.append(f"### {field.id}\n\n{esc(field.name)}: {esc(field.description)}")
        blocks.append(table(sub_headers, metadata_rows(subs, codelists, top=False)))
    return page("Dataset metadata", *blocks)


# --------------------------------------------------------------------------------------------
# standard/flags.md
# --------------------------------------------------------------------------------------------


def obs_status_cell(rule: Any) -> str:
    """The OBS_STATUS a flag implies, with its condition."""
    if rule is None or rule.obs_status is None:
        return ""
    text = code(rule.obs_status)
    if rule.obs_status_when:
        text += f" when {esc(rule.obs_status_when)}"
    if rule.obs_status_if_missing:
        text += f"; {code(rule.obs_status_if_missing)} when the value is withheld"
    return text


def flags_page(std: Standard, codelists: Mapping[str, Codelist]) -> str:
    """The flags of CL_CGD_FLAG with what sets them and what they imply, and the precedence."""
    flags = codelists["CL_CGD_FLAG"]
    headers = ["Flag", "Definition", "Set by", "OBS_STATUS", "CONF_STATUS", "Clears", "COMMENT_OBS"]
    rows = []
    for flag in flags:
        rule = std.flag_rules.get(flag.id)
        rows.append(
            [
                code(flag.id),
                esc(flag.description or flag.name),
                esc(rule.set_by) if rule else "",
                obs_status_cell(rule),
                code(rule.conf_status) if rule and rule.conf_status else "",
                ", ".join(code(c) for c in rule.clears) if rule else "",
                esc(rule.comment) if rule and rule.comment else "",
            ]
        )
    intro = (
        f"The attribute `QUALITY_FLAGS` holds any number of codes of "
        f"{codelist_link(f'{flags.agency}:{flags.id}', codelists, 'codelists/')}. Each flag "
        "also has a reading in the SDMX-standard attributes `OBS_STATUS` and `CONF_STATUS`, "
        "so that tools that know nothing of the flags still see the caveat. *Clears* lists "
        "the `OBS_STATUS` codes a flag cancels; *COMMENT\\_OBS* is the sentence the flag adds "
        "to `COMMENT_OBS`, so that the caveat survives export to the SDG data structure."
    )
    status = codelists["CL_OBS_STATUS"]
    precedence = " > ".join(code(c) for c in std.obs_status_precedence)
    explained = table(
        ["Rank", "OBS_STATUS", "Name"],
        [
            [str(rank), code(c), esc(status[c].name if c in status else "")]
            for rank, c in enumerate(std.obs_status_precedence, start=1)
        ],
    )
    derivation = std.dsd.attribute("OBS_STATUS").derived
    obs_status = (
        "## Deriving OBS_STATUS\n\n"
        "An observation has one `OBS_STATUS`. When the flags imply several, the first in this "
        f"order wins: {precedence}.\n\n{explained}\n"
        f"The rule as the standard states it: {esc(derivation)}."
    )
    return page("Quality flags", generated_note(), intro, table(headers, rows), obs_status)


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
                link = f"{code(item.id)} ([{kind}](../{target}.md))"
                used[item.codelist.split(":")[-1]].append(link)
    return used


def codelist_page(cl: Codelist, used_by: Sequence[str]) -> str:
    """One code list, with every code; columns that no code fills are left out."""
    columns: list[tuple[str, Any]] = [("ID", lambda c: code(c.id)), ("Name", lambda c: esc(c.name))]
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
                lambda c: "; ".join(f"{esc(k)}: {esc(v)}" for k, v in c.annotations.items()),
            )
        )
    facts = table(
        ["Property", "Value"],
        [
            ["URN", code(cl.urn)],
            ["Agency", code(cl.agency)],
            ["Version", code(cl.version)],
            ["Codes", str(len(cl))],
            ["Source", esc(cl.source)],
            ["Used by", ", ".join(used_by) or "no component of the data structure"],
        ],
    )
    codes = table([h for h, _ in columns], ([render(c) for _, render in columns] for c in cl))
    sensitive = (
        "Codes marked *sensitive* are population groups that are criminalised or stigmatised: "
        "disclosure control applies the stricter threshold to them."
        if any(c.sensitive for c in cl)
        else ""
    )
    title = f"{esc(cl.id)}: {esc(cl.name)}"
    return page(title, generated_note(), esc(cl.description), facts, sensitive, codes)


def codelist_pages(std: Standard, codelists: Mapping[str, Codelist]) -> Pages:
    """The index of code lists and one page per code list."""
    used = usage(std)
    pages = {page_of(i): codelist_page(cl, used.get(i, [])) for i, cl in codelists.items()}
    rows = [
        [
            code(cl.agency),
            f"[{code(cl.id)}]({cl.id}.md)",
            code(cl.version),
            esc(cl.name),
            str(len(cl)),
            esc(cl.source),
        ]
        for cl in codelists.values()
    ]
    intro = (
        f"The {len(codelists)} code lists of the standard, in the standard's order. Lists "
        "reused from IAEG-SDGs, SDMX and ISO keep their own agency and version; the "
        f"coalition's lists are maintained by {code(std.agency)} (the default agency; it can be "
        "changed). `CL_SERIES_CGD` and `CL_AREA_CGD` extend the IAEG-SDGs lists, and each "
        "dataset can extend them further with its own codes, declared in its metadata file."
    )
    headers = ["Agency", "ID", "Version", "Name", "Codes", "Source"]
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


def model_schema(model: type[BaseModel]) -> tuple[dict[str, Any], str]:
    """The JSON Schema of ``model`` (wire names), and a note when pydantic could not make it."""
    try:
        return model.model_json_schema(by_alias=True), ""
    except PydanticInvalidForJsonSchema as exc:
        reason = str(exc).splitlines()[0]
        schema = model.model_json_schema(by_alias=True, schema_generator=LenientJsonSchema)
        note = (
            '!!! warning "Part of this schema is written by hand"\n'
            f"    pydantic reports: {esc(reason)}. The field concerned is described by its "
            "declared JSON form."
        )
        return schema, note


class TypeRenderer:
    """Renders a JSON Schema node as a short, linked type description for a field table."""

    def __init__(
        self, defs: Mapping[str, Any], models: Iterable[str], codelists: Mapping[str, Codelist]
    ) -> None:
        self.defs = defs
        self.models = set(models)
        self.codelists = codelists

    def __call__(self, node: Mapping[str, Any]) -> str:
        if "$ref" in node:
            return self.ref(node["$ref"])
        if "anyOf" in node:
            parts = [self(n) for n in node["anyOf"]]
            return " or ".join(dict.fromkeys(parts))
        if "allOf" in node and len(node["allOf"]) == 1:
            return self(node["allOf"][0])
        if "x-codelist" in node:
            link = urn_link(node["x-codelist"], self.codelists, "../codelists/")
            return f"code of {link}" + ("" if "enum" in node else " or declared by the dataset")
        if "enum" in node:
            return "one of " + ", ".join(code(v) for v in node["enum"])
        kind = node.get("type", "any")
        if kind == "array":
            return f"array of {self(node.get('items', {}))}" + self.constraints(node)
        if "format" in node:
            kind = f"{kind} ({node['format']})"
        return kind + self.constraints(node)

    def ref(self, ref: str) -> str:
        name = ref.split("/")[-1]
        if name in self.models:
            return f"[{name}]({name}.md)"
        target = self.defs.get(name, {})
        if name == "QualityFlag":
            return "[quality flag](../flags.md)"
        return f"{code(name)}: {self(target)}" if target else code(name)

    @staticmethod
    def constraints(node: Mapping[str, Any]) -> str:
        found = []
        for key, text in (
            ("minimum", "≥ {}"),
            ("exclusiveMinimum", "> {}"),
            ("maximum", "≤ {}"),
            ("minLength", "length ≥ {}"),
            ("maxLength", "length ≤ {}"),
            ("minItems", "at least {} item(s)"),
        ):
            if key in node:
                found.append(text.format(node[key]))
        if "pattern" in node:
            found.append(f"pattern {code(node['pattern'])}")
        return f", {', '.join(found)}" if found else ""


def field_rows(
    model: type[BaseModel], schema: Mapping[str, Any], render: TypeRenderer
) -> list[list[str]]:
    """One row per field: wire name, Python name, type, required, default, description."""
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    rows = []
    for name, info in model.model_fields.items():
        wire = info.serialization_alias or info.alias or name
        node = properties.get(wire, {})
        default = code(json.dumps(node["default"])) if "default" in node else ""
        rows.append(
            [
                code(wire),
                code(name),
                render(node),
                "yes" if wire in required else "",
                default,
                esc(node.get("description", "")),
            ]
        )
    return rows


def json_block(schema: Mapping[str, Any]) -> str:
    """The schema in a collapsed admonition."""
    text = json.dumps(schema, indent=2, ensure_ascii=False)
    body = "\n".join("    " + line for line in ["```json", *text.splitlines(), "```"])
    return f'??? note "JSON Schema"\n\n{body}'


def schema_page(
    name: str, model: type[BaseModel], schema: dict[str, Any], note: str, render: TypeRenderer
) -> str:
    """One model: its docstring, its fields and its JSON Schema."""
    headers = ["Field", "Python", "Type", "Required", "Default", "Description"]
    where = (
        f"Python: `{model.__module__}.{name}` (also `sdmx_cso.model.{name}`). "
        f"JSON Schema file: [`{name}.json`]({name}.json)."
    )
    fields = "## Fields\n\nThe *field* column is the name on the wire (in files and JSON)."
    return page(
        name,
        generated_note(),
        docstring_md(model.__doc__),
        where,
        note,
        fields,
        table(headers, field_rows(model, schema, render)),
        json_block(schema),
    )


def schema_pages(models: Mapping[str, type[BaseModel]], codelists: Mapping[str, Codelist]) -> Pages:
    """The index of models, a page and a JSON Schema file per model."""
    pages: Pages = {}
    rows = []
    for name, model in models.items():
        schema, note = model_schema(model)
        render = TypeRenderer(schema.get("$defs", {}), models, codelists)
        pages[f"{SCHEMA_DIR}/{name}.md"] = schema_page(name, model, schema, note, render)
        pages[f"{SCHEMA_DIR}/{name}.json"] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        rows.append(
            [f"[{name}]({name}.md)", esc(first_paragraph(model.__doc__)), f"[JSON]({name}.json)"]
        )
    others = sorted(set(sdmx_cso.model.__all__) - set(models))
    intro = (
        "The public pydantic models of `sdmx_cso.model`, with their fields and JSON Schemas "
        "(`Model.model_json_schema(by_alias=True)`): field names are the names on the wire. "
        "Toolkit authors can validate files against the JSON Schema files linked below. Coded "
        "fields carry the URN of their code list in `x-codelist`."
    )
    if others:
        intro += " Not models, so not listed: " + ", ".join(code(o) for o in others) + "."
    pages[f"{SCHEMA_DIR}/index.md"] = page(
        "JSON Schemas", generated_note(), intro, table(["Model", "What it is", "Schema"], rows)
    )
    return pages

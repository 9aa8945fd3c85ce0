"""Which SDMX structures a dataset's messages refer to (standard.md §8.9).

One DSD serves every dataset of a coalition: ``AGENCY:CGD``. Its coalition code lists
(``CL_SERIES_CGD``, ``CL_AREA_CGD``, ``CL_SERVICE_POINT``) are governed by the coalition's
register (`sdmx_cso.model.register`), whose releases only ever add codes, so their versions,
and the DSD's, follow their content. Each dataset is a **dataflow** of that DSD,
``DF_<DATASET_ID>``, restricted by an allowed content constraint ``CR_<DATASET_ID>`` to the
series, areas and service points it registered. See ``docs/standard/implementation.md``,
"One DSD, governed code lists".

A dataset that declares codes the register lacks, or that is not registered, gets the
structures of an implicit **draft** release (not final), which registering it makes final.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from sdmx_cso.codelists import Annotation, Code, Codelist
from sdmx_cso.model.extensions import CoalitionSeries
from sdmx_cso.model.metadata import DatasetMetadata
from sdmx_cso.model.register import CONSTRAINED_DIMENSIONS, Register, default_register
from sdmx_cso.standard import Standard, get_codelist, get_standard

if TYPE_CHECKING:
    from sdmx_cso.model.dataset import CommunityDataset

__all__ = ["Constraint", "DatasetStructure", "structure_for", "structure_of"]

_URN = "urn:sdmx:org.sdmx.infomodel."


@dataclass(frozen=True)
class Constraint:
    """An allowed content constraint on a dataflow: the codes of each constrained dimension."""

    id: str
    version: str
    allowed: Mapping[str, tuple[str, ...]]
    """Allowed codes by dimension ID, in code-list order."""


@dataclass(frozen=True)
class DatasetStructure:
    """The SDMX identity of a dataset's structures: DSD, dataflow and effective code lists.

    Attributes:
        standard: the standard, for the chosen agency.
        dsd_version: version of the DSD ``AGENCY:CGD``.
        dataflow_id: ``DF_<DATASET_ID>``, or ``DF_CGD_<TYPE>`` for the standard's own flows.
        dataflow_version: version of the dataflow.
        dataflow_name: name of the dataflow.
        codelists: the code list of each coded component (dimension or attribute ID).
        own_codelists: the register's code lists (series, areas, service points).
        constraint: the dataflow's allowed content constraint, if the dataset is registered.
        draft_version: the version of the implicit draft release, if any: artefacts of that
            version are not final.
        standard_flows: the standard's dataflows per dataset type (standard messages only).
    """

    standard: Standard
    dsd_version: str
    dataflow_id: str
    dataflow_version: str
    dataflow_name: str
    codelists: Mapping[str, Codelist]
    own_codelists: tuple[Codelist, ...] = field(default=())
    providers: tuple[Code, ...] = field(default=())
    constraint: Constraint | None = None
    draft_version: str | None = None
    standard_flows: tuple[tuple[str, str], ...] = field(default=())

    @property
    def agency(self) -> str:
        """The coalition's maintenance agency."""
        return self.standard.agency

    @property
    def dsd_id(self) -> str:
        """ID of the one DSD: ``CGD``."""
        return self.standard.dsd.id

    @property
    def version(self) -> str:
        """Version of the DSD (kept for callers that name one version)."""
        return self.dsd_version

    def is_final(self, version: str) -> bool:
        """Whether an artefact of this ``version`` is final (not of the draft release)."""
        return version != self.draft_version

    def label(self, version: str, sdmx: str = "2.1") -> str:
        """The version as written: SDMX 3.0 marks a draft with the ``-draft`` extension."""
        return (
            f"{version}-draft" if sdmx.startswith("3") and not self.is_final(version) else version
        )

    def dsd_urn_for(self, sdmx: str = "2.1") -> str:
        """URN of the DSD as written in SDMX ``sdmx`` (``2.1`` or ``3.0``)."""
        ref = f"{self.agency}:{self.dsd_id}({self.label(self.dsd_version, sdmx)})"
        return f"{_URN}datastructure.DataStructure={ref}"

    def dataflow_urn_for(self, sdmx: str = "2.1") -> str:
        """URN of the dataflow as written in SDMX ``sdmx``."""
        return f"{_URN}datastructure.Dataflow={self.dataflow_ref_for(sdmx)}"

    def dataflow_ref_for(self, sdmx: str = "2.1") -> str:
        """``AGENCY:ID(VERSION)`` of the dataflow as written in SDMX ``sdmx``."""
        return f"{self.agency}:{self.dataflow_id}({self.label(self.dataflow_version, sdmx)})"

    @property
    def dsd_urn(self) -> str:
        """URN of the DSD (SDMX 2.1 form)."""
        return self.dsd_urn_for("2.1")

    @property
    def dataflow_urn(self) -> str:
        """URN of the dataflow (SDMX 2.1 form)."""
        return self.dataflow_urn_for("2.1")

    @property
    def dsd_ref(self) -> str:
        """``AGENCY:ID(VERSION)`` of the DSD."""
        return f"{self.agency}:{self.dsd_id}({self.dsd_version})"

    @property
    def dataflow_ref(self) -> str:
        """``AGENCY:ID(VERSION)`` of the dataflow (SDMX 2.1 form)."""
        return self.dataflow_ref_for("2.1")

    def ss_namespace(self, version: str) -> str:
        """Target namespace of structure-specific data (and of the DSD-specific XSD).

        SDMX-ML 2.1 messages refer to the DSD (as the KNBS ``KE1`` messages do); SDMX-ML 3.0
        messages refer to the dataflow (``common:StructureUsage``, as the official 3.0
        samples do). Observations are at TIME_PERIOD in both.

        Examples:
            >>> structure_for().ss_namespace("2.1")
            'urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=LNOB:CGD(1.0.0):ObsLevelDim:TIME_PERIOD'
        """
        base = self.dsd_urn_for("2.1") if version.startswith("2") else self.dataflow_urn_for("3.0")
        return f"{base}:ObsLevelDim:TIME_PERIOD"

    @cached_property
    def is_dataset_specific(self) -> bool:
        """Whether these are a dataset's structures (its own dataflow), not the standard's."""
        return not self.standard_flows

    def codelist(self, component: str) -> Codelist | None:
        """The effective code list of a component, or ``None`` if it is not coded."""
        return self.codelists.get(component)


def structure_of(
    dataset: CommunityDataset | DatasetMetadata | None = None,
    *,
    agency: str | None = None,
    register: Register | None = None,
) -> DatasetStructure:
    """The SDMX structures a dataset's messages refer to: the one DSD and its dataflow.

    Args:
        dataset: a dataset or its metadata; ``None`` for the standard's own structures.
        agency: the coalition's agency (default ``LNOB``, or the register's).
        register: the coalition's register (default: the one packaged for the agency).
    """
    from sdmx_cso.model.dataset import CommunityDataset  # the dataset module imports this one

    metadata = dataset.metadata if isinstance(dataset, CommunityDataset) else dataset
    return structure_for(metadata, agency=agency, register=register)


def structure_for(
    metadata: DatasetMetadata | None = None,
    *,
    agency: str | None = None,
    register: Register | None = None,
) -> DatasetStructure:
    """The structures a dataset's SDMX messages refer to.

    Args:
        metadata: the dataset's metadata; ``None`` for the standard's own structures (the
            register's latest release, with a dataflow per dataset type).
        agency: the coalition's agency (default ``LNOB``, or the register's).
        register: the coalition's register (default: the one packaged for the agency).

    Examples:
        >>> structure_for().dsd_ref
        'LNOB:CGD(1.0.0)'
    """
    if register is not None and agency is not None and register.agency != agency:
        raise ValueError(f"the register is agency {register.agency}'s, not {agency}'s")
    std = get_standard(agency or (register.agency if register else None))
    reg = register if register is not None else default_register(std.agency)
    if metadata is None:
        return _build(std, reg, None)
    drafted = reg.draft_for(metadata)
    registered = reg.dataflow(metadata.dataset_id)
    if drafted is not reg or registered is None:  # a draft dataflow of the draft release
        return _build(std, drafted, metadata)
    return _build(std, reg.upto(registered[1]), metadata)


def _build(std: Standard, reg: Register, metadata: DatasetMetadata | None) -> DatasetStructure:
    draft = reg.version if reg.is_draft(reg.version) else None
    own = _own_codelists(std, reg)
    codelists: dict[str, Codelist] = {}
    for dim in std.dsd.dimensions:
        if dim.codelist:
            codelists[dim.id] = get_codelist(dim.codelist, agency=std.agency)
    for attr in std.dsd.attributes:
        if attr.codelist and not attr.codelist.endswith(":DATA_PROVIDERS"):
            codelists[attr.id] = get_codelist(attr.codelist, agency=std.agency)
    codelists.update({"SERIES": own[0], "REF_AREA": own[1], "SERVICE_POINT": own[2]})
    # the provider scheme has no version (fixed 1.0, never final): every message carries all
    # registered providers, and a dataset's own unregistered ones after them
    registered_ids = {p.id for p in reg.data_providers()}
    extra = [p for p in (metadata.data_source if metadata else ()) if p.id not in registered_ids]
    providers = tuple(Code(id=p.id, name=p.name) for p in (*reg.data_providers(), *extra))
    if metadata is not None:  # the dataset's providers, for DATA_PRODUCER
        codelists["DATA_PRODUCER"] = Codelist(
            agency=std.agency,
            id="DATA_PROVIDERS",
            version="1.0",
            name="Data providers",
            codes=tuple(Code(id=p.id, name=p.name) for p in metadata.data_source),
        )
    dsd_version = reg.dsd_version()
    if metadata is None:
        flows = tuple((flow.id, flow.name) for flow in std.dataflows)
        first = std.dataflows[0]
        return DatasetStructure(
            std, dsd_version, first.id, dsd_version, first.name, codelists, own, providers,
            draft_version=draft, standard_flows=flows,
        )  # fmt: skip
    flow_id = f"DF_{metadata.dataset_id}"
    registered = None if draft else reg.dataflow(metadata.dataset_id)
    constraint = None
    if registered is not None:
        flow, version = registered
        allowed = flow.allowed()
        constraint = Constraint(
            f"CR_{metadata.dataset_id}",
            version,
            {
                dim: tuple(c.id for c in codelists[dim] if c.id in allowed[dim])
                for dim in CONSTRAINED_DIMENSIONS
                if allowed[dim]
            },
        )
    else:
        version = reg.version
    return DatasetStructure(
        std, dsd_version, flow_id, version, metadata.title, codelists, own, providers,
        constraint=constraint, draft_version=draft,
    )  # fmt: skip


def _series_code(s: CoalitionSeries) -> Code:
    facts = {
        "UNIT_MEASURE": s.unit,
        "UNIT_MULT": s.unit_mult,
        "SCALE_MIN": s.scale_min,
        "SCALE_MAX": s.scale_max,
        "SDG_INDICATOR": s.sdg_indicator,
        "LINKED_SERIES": s.linked_series,
    }
    return Code(
        id=s.code,
        name=s.name,
        description=s.definition,
        annotations=Annotation.from_mapping({k: v for k, v in facts.items() if v is not None}),
    )


def _own_codelists(std: Standard, reg: Register) -> tuple[Codelist, Codelist, Codelist]:
    """CL_SERIES_CGD, CL_AREA_CGD and CL_SERVICE_POINT as the register has them."""
    series = get_codelist("CL_SERIES_CGD", agency=std.agency).extended(
        [_series_code(s) for s in reg.series()], version=reg.codelist_version("series")
    )
    areas = get_codelist("CL_AREA_CGD", agency=std.agency).extended(
        [Code(id=a.code, name=a.name, parent=a.parent, description=a.level)
         for a in reg.local_areas()],
        version=reg.codelist_version("area"),
    )  # fmt: skip
    points = Codelist(
        agency=std.agency,
        id="CL_SERVICE_POINT",
        version=reg.codelist_version("point"),
        name="Service points",
        description=(
            "Facilities, schools and offices that coalition observations refer to, as the "
            "coalition's register holds them."
        ),
        codes=(
            Code(id="_T", name="All service points"),
            Code(id="_Z", name="Not applicable"),
            *(Code(id=p.code, name=p.name, description=p.kind) for p in reg.service_points()),
        ),
        source=f"register of {reg.agency}, release {reg.version}",
    )
    return series, areas, points

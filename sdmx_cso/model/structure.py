"""Which SDMX structure a dataset's messages refer to (standard.md §8.9).

SDMX binds each coded dimension of a DSD to one code list, but coalition series, local
areas and service points are declared per dataset. The choice made here (see
``docs/standard/implementation.md``, "Dataset-specific codes"):

- A dataset that declares **no** extensions uses the standard's structures as they are:
  DSD ``AGENCY:CGD(1.0.0)`` and the dataflow of its type (``DF_CGD_SURVEY``…).
- A dataset that declares coalition series, local areas or service points gets
  **dataset-specific code lists** (the standard's list plus the dataset's codes:
  ``CL_SERIES_<DATASET_ID>``, ``CL_AREA_<DATASET_ID>``, ``CL_SERVICE_POINT_<DATASET_ID>``) and
  **a DSD and dataflow of its own** (``CGD_<DATASET_ID>``, ``DF_CGD_<TYPE>_<DATASET_ID>``), the
  same as ``CGD`` but for those representations. Its structure message carries everything, so
  every data message stays valid against structures a receiver can load, and no shared
  artefact ever changes meaning between datasets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from sdmx_cso.codelists import Annotation, Code, Codelist
from sdmx_cso.model.metadata import DatasetMetadata
from sdmx_cso.standard import Standard, get_codelist, get_standard

__all__ = ["DatasetStructure", "structure_for"]


@dataclass(frozen=True)
class DatasetStructure:
    """The SDMX identity of a dataset's structures: DSD, dataflow and effective code lists.

    Attributes:
        standard: the standard, for the chosen agency.
        dsd_id: ``CGD``, or ``CGD_<DATASET_ID>`` for a dataset with extensions.
        dataflow_id: ``DF_CGD_<TYPE>`` or ``DF_CGD_<TYPE>_<DATASET_ID>``.
        codelists: the code list of each coded component (dimension or attribute ID),
            including the dataset-specific ones.
        own_codelists: the dataset-specific code lists (empty without extensions).
    """

    standard: Standard
    dsd_id: str
    dataflow_id: str
    codelists: Mapping[str, Codelist]
    own_codelists: tuple[Codelist, ...] = field(default=())

    @property
    def agency(self) -> str:
        """The coalition's maintenance agency."""
        return self.standard.agency

    @property
    def version(self) -> str:
        """Version of the DSD and dataflow: the standard's version."""
        return self.standard.version

    @property
    def dsd_urn(self) -> str:
        """URN of the DSD."""
        return (
            "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure="
            f"{self.agency}:{self.dsd_id}({self.version})"
        )

    @property
    def dataflow_urn(self) -> str:
        """URN of the dataflow."""
        return (
            "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow="
            f"{self.agency}:{self.dataflow_id}({self.version})"
        )

    @property
    def dsd_ref(self) -> str:
        """``AGENCY:ID(VERSION)`` of the DSD (as in SDMX-CSV)."""
        return f"{self.agency}:{self.dsd_id}({self.version})"

    @property
    def dataflow_ref(self) -> str:
        """``AGENCY:ID(VERSION)`` of the dataflow (the SDMX-CSV DATAFLOW / STRUCTURE_ID)."""
        return f"{self.agency}:{self.dataflow_id}({self.version})"

    def ss_namespace(self, version: str) -> str:
        """Target namespace of structure-specific data (and of the DSD-specific XSD).

        SDMX-ML 2.1 messages refer to the DSD (as the KNBS ``KE1`` messages do); SDMX-ML 3.0
        messages refer to the dataflow (``common:StructureUsage``, as the official 3.0
        samples do). Observations are at TIME_PERIOD in both.

        Examples:
            >>> structure_for().ss_namespace("2.1")
            'urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=LNOB:CGD(1.0.0):ObsLevelDim:TIME_PERIOD'
        """
        base = self.dsd_urn if version.startswith("2") else self.dataflow_urn
        return f"{base}:ObsLevelDim:TIME_PERIOD"

    @cached_property
    def is_dataset_specific(self) -> bool:
        """Whether the dataset has structures of its own."""
        return bool(self.own_codelists)

    def codelist(self, component: str) -> Codelist | None:
        """The effective code list of a component, or ``None`` if it is not coded."""
        return self.codelists.get(component)


_EXTENDED = {"SERIES": "CL_SERIES", "REF_AREA": "CL_AREA", "SERVICE_POINT": "CL_SERVICE_POINT"}


def structure_for(
    metadata: DatasetMetadata | None = None, *, agency: str | None = None
) -> DatasetStructure:
    """The structures a dataset's SDMX messages refer to.

    Args:
        metadata: the dataset's metadata; ``None`` for the standard's own structures.
        agency: the coalition's agency (default ``LNOB``).

    Examples:
        >>> structure_for().dsd_ref
        'LNOB:CGD(1.0.0)'
    """
    std = get_standard(agency)
    base: dict[str, Codelist] = {}
    for dim in std.dsd.dimensions:
        if dim.codelist:
            base[dim.id] = get_codelist(dim.codelist, agency=std.agency)
    for attr in std.dsd.attributes:
        if attr.codelist and not attr.codelist.endswith(":DATA_PROVIDERS"):
            base[attr.id] = get_codelist(attr.codelist, agency=std.agency)
    dataset_type = metadata.dataset_type if metadata else "SURVEY"
    flow = std.dataflow_for(dataset_type).id
    if metadata is None or not any(metadata.extensions[k] for k in _EXT_KEYS):
        providers = _providers(metadata, std)
        if providers is not None:
            base["DATA_PRODUCER"] = providers
        return DatasetStructure(std, std.dsd.id, flow, base)
    suffix = metadata.dataset_id
    own = _own_codelists(metadata, std, base, suffix)
    codelists = {**base, **own}
    providers = _providers(metadata, std)
    if providers is not None:
        codelists["DATA_PRODUCER"] = providers
    return DatasetStructure(
        std, f"{std.dsd.id}_{suffix}", f"{flow}_{suffix}", codelists, tuple(own.values())
    )


_EXT_KEYS = ("CL_SERIES_CGD", "CL_AREA_CGD", "SERVICE_POINT")


def _own_codelists(
    metadata: DatasetMetadata, std: Standard, base: Mapping[str, Codelist], suffix: str
) -> dict[str, Codelist]:
    own: dict[str, Codelist] = {}
    title = metadata.title
    if metadata.series:
        codes = [
            Code(
                id=s.code,
                name=s.name,
                description=s.definition,
                annotations=Annotation.from_mapping(
                    {
                        k: str(v)
                        for k, v in {
                            "UNIT_MEASURE": s.unit,
                            "UNIT_MULT": s.unit_mult,
                            "SCALE_MIN": s.scale_min,
                            "SCALE_MAX": s.scale_max,
                            "SDG_INDICATOR": s.sdg_indicator,
                            "LINKED_SERIES": s.linked_series,
                        }.items()
                        if v is not None
                    }
                ),
            )
            for s in metadata.series
        ]
        own["SERIES"] = base["SERIES"].extended(
            codes,
            agency=std.agency,
            id=f"{_EXTENDED['SERIES']}_{suffix}",
            name=f"SDG and coalition series of {title}",
            version=std.version,
        )
    if metadata.local_areas:
        codes = [
            Code(id=a.code, name=a.name, parent=a.parent, description=a.level)
            for a in metadata.local_areas
        ]
        own["REF_AREA"] = base["REF_AREA"].extended(
            codes,
            agency=std.agency,
            id=f"{_EXTENDED['REF_AREA']}_{suffix}",
            name=f"Areas of {title}",
            version=std.version,
        )
    if metadata.service_points:
        codes = [
            Code(id="_T", name="All service points"),
            Code(id="_Z", name="Not applicable"),
            *(
                Code(id=p.code, name=p.name, description=p.kind, parent=None)
                for p in metadata.service_points
            ),
        ]
        own["SERVICE_POINT"] = Codelist(
            agency=std.agency,
            id=f"{_EXTENDED['SERVICE_POINT']}_{suffix}",
            version=std.version,
            name=f"Service points of {title}",
            codes=tuple(codes),
            source=f"metadata of dataset {metadata.dataset_id}",
        )
    return own


def _providers(metadata: DatasetMetadata | None, std: Standard) -> Codelist | None:
    """The data providers as a code list, for DATA_PRODUCER.

    In SDMX structures they are the DataProviderScheme ``AGENCY:DATA_PROVIDERS``.
    """
    if metadata is None:
        return None
    return Codelist(
        agency=std.agency,
        id="DATA_PROVIDERS",
        version="1.0",
        name="Data providers",
        codes=tuple(Code(id=p.id, name=p.name) for p in metadata.data_source),
    )

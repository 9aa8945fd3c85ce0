"""The coalition's register: governed, versioned codes and dataflows (one DSD for all datasets).

Coalition series (``CGD_*``), local areas, service points, data providers and the dataflow
of each dataset are not defined dataset by dataset: a coalition keeps **one register**, a file
it maintains (YAML or JSON, keyed by concept ID like a metadata file). The register is a list
of **releases**; each release only ever *adds* codes and (re-)registers dataflows. From it
come the coalition's artefacts, each with a version that follows its content:

- ``CL_SERIES_CGD``, ``CL_AREA_CGD`` and ``CL_SERVICE_POINT`` take the version of the last
  release that added codes to them;
- the one DSD ``AGENCY:CGD`` takes the highest of those versions (it references them);
- a dataset's dataflow ``DF_<DATASET_ID>`` and its allowed content constraint
  ``CR_<DATASET_ID>`` take the version of the release that (last) registered the dataset,
  and refer to the DSD as it was at that release.

So the same URN never carries two contents: a release that adds a series yields new versions
of exactly the code list, the DSD and the flows it changes, and leaves the rest as they were.

A dataset that declares codes, or uses a dataflow, that the register does not hold gets a
**draft**: the structures of an implicit next release (minor version up), marked not final
(SDMX 2.1 ``isFinal="false"``, SDMX 3.0 version suffix ``-draft``), which a registry may
replace; registering the dataset (`Register.register`) makes them final.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from pydantic import Field, model_validator

from sdmx_cso.errors import RegistrationError
from sdmx_cso.model._base import ConceptModel
from sdmx_cso.model.extensions import CoalitionSeries, DataProvider, LocalArea, ServicePoint
from sdmx_cso.model.metadata import DatasetMetadata
from sdmx_cso.types import AgencyId, SdmxId, SemVer

__all__ = [
    "CONSTRAINED_DIMENSIONS",
    "Register",
    "RegisterRelease",
    "RegisteredDataflow",
    "RegistrationError",
    "default_register",
]

CONSTRAINED_DIMENSIONS: tuple[str, ...] = ("SERIES", "REF_AREA", "SERVICE_POINT")
"""The dimensions whose codes a dataflow's allowed content constraint lists."""


def _semver(version: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in version.split("."))
    return major, minor, patch


def next_minor(version: str) -> str:
    """The next minor version (``1.2.3`` → ``1.3.0``): what an additive change gets."""
    major, minor, _ = _semver(version)
    return f"{major}.{minor + 1}.0"


class RegisteredDataflow(ConceptModel):
    """A dataset's dataflow and the codes its allowed content constraint admits."""

    dataset_id: SdmxId
    """The dataset's DATASET_ID (the dataflow is ``DF_<DATASET_ID>``)."""
    name: str = Field(min_length=1)
    """Name of the dataflow (the dataset's title)."""
    dataset_type: str
    """SURVEY, SCORECARD or DASHBOARD."""
    series: tuple[str, ...] = ()
    """SERIES codes the dataset may report."""
    ref_area: tuple[str, ...] = ()
    """REF_AREA codes the dataset may report."""
    service_point: tuple[str, ...] = ()
    """SERVICE_POINT codes the dataset may report."""

    def allowed(self) -> dict[str, frozenset[str]]:
        """The allowed codes of each constrained dimension."""
        return {
            "SERIES": frozenset(self.series),
            "REF_AREA": frozenset(self.ref_area),
            "SERVICE_POINT": frozenset(self.service_point),
        }


class RegisterRelease(ConceptModel):
    """One release of the register: what it adds."""

    version: SemVer
    """Semantic version of the release (additions: a new minor version)."""
    date: dt.date | None = None
    """When it was released."""
    draft: bool = False
    """An implicit release for a dataset not (yet) registered: its artefacts are not final."""
    series: tuple[CoalitionSeries, ...] = ()
    """Coalition series added (codes of CL_SERIES_CGD)."""
    local_areas: tuple[LocalArea, ...] = ()
    """Local areas added (codes of CL_AREA_CGD)."""
    service_points: tuple[ServicePoint, ...] = ()
    """Service points added (codes of CL_SERVICE_POINT)."""
    data_providers: tuple[DataProvider, ...] = ()
    """Coalition members added to the data-provider scheme."""
    dataflows: tuple[RegisteredDataflow, ...] = ()
    """Datasets registered (or registered again, with more codes) in this release."""


class Register(ConceptModel):
    """The coalition's register: releases of governed codes and dataflows, oldest first."""

    agency: AgencyId
    """The coalition's maintenance agency; the register builds its artefacts only."""
    releases: tuple[RegisterRelease, ...] = Field(min_length=1)
    """The releases, oldest first; versions strictly increase."""

    @model_validator(mode="after")
    def _additive(self) -> Register:
        seen: dict[str, dict[str, Any]] = {"series": {}, "area": {}, "point": {}, "provider": {}}
        last: tuple[int, int, int] | None = None
        for release in self.releases:
            version = _semver(release.version)
            if last is not None and version <= last:
                raise ValueError(f"release {release.version} does not come after the one before")
            last = version
            for kind, items in (
                ("series", [(s.code, s) for s in release.series]),
                ("area", [(a.code, a) for a in release.local_areas]),
                ("point", [(p.code, p) for p in release.service_points]),
                ("provider", [(p.id, p) for p in release.data_providers]),
            ):
                for code, item in items:
                    if code in seen[kind]:
                        raise ValueError(
                            f"release {release.version} registers {kind} {code} again; "
                            "a register only ever adds codes"
                        )
                    seen[kind][code] = item
        return self

    # -- what the register holds ----------------------------------------------------------------

    @property
    def version(self) -> str:
        """Version of the latest release."""
        return self.releases[-1].version

    def upto(self, version: str) -> Register:
        """The register as it was at release ``version``."""
        wanted = _semver(version)
        kept = tuple(r for r in self.releases if _semver(r.version) <= wanted)
        return self.model_copy(update={"releases": kept})

    def series(self) -> tuple[CoalitionSeries, ...]:
        """Every registered coalition series, in order of registration."""
        return tuple(s for r in self.releases for s in r.series)

    def local_areas(self) -> tuple[LocalArea, ...]:
        """Every registered local area, in order of registration."""
        return tuple(a for r in self.releases for a in r.local_areas)

    def service_points(self) -> tuple[ServicePoint, ...]:
        """Every registered service point, in order of registration."""
        return tuple(p for r in self.releases for p in r.service_points)

    def data_providers(self) -> tuple[DataProvider, ...]:
        """Every registered data provider, in order of registration."""
        return tuple(p for r in self.releases for p in r.data_providers)

    def dataflow(self, dataset_id: str) -> tuple[RegisteredDataflow, str] | None:
        """The latest registration of a dataset and the release version it was made in."""
        found: tuple[RegisteredDataflow, str] | None = None
        for release in self.releases:
            for flow in release.dataflows:
                if flow.dataset_id == dataset_id:
                    found = (flow, release.version)
        return found

    def is_draft(self, version: str) -> bool:
        """Whether the release ``version`` is a draft."""
        return any(r.version == version and r.draft for r in self.releases)

    def codelist_version(self, which: str) -> str:
        """Version of ``series``, ``area`` or ``point`` list: the last release adding to it."""
        attr = {"series": "series", "area": "local_areas", "point": "service_points"}[which]
        version = self.releases[0].version
        for release in self.releases:
            if getattr(release, attr):
                version = release.version
        return version

    def dsd_version(self) -> str:
        """Version of the DSD: the highest version of the code lists it references."""
        versions = [self.codelist_version(k) for k in ("series", "area", "point")]
        return max(versions, key=_semver)

    # -- registering --------------------------------------------------------------------------

    def register(
        self,
        metadata: DatasetMetadata,
        used: Mapping[str, Iterable[str]],
        *,
        date: dt.date | None = None,
    ) -> Register:
        """This register with a new release that registers a dataset.

        The release adds the dataset's declared series, local areas, service points and data
        providers that the register does not hold yet, and registers its dataflow with the
        codes it uses. A declaration that contradicts a registered one is refused. Nothing
        new: the register is returned unchanged.

        Args:
            metadata: the dataset's metadata.
            used: the codes the dataset's observations use, by dimension (``SERIES``,
                ``REF_AREA``, ``SERVICE_POINT``).
            date: the release date.

        Raises:
            RegistrationError: a declaration differs from the registered code of the same ID.
        """
        added = self._additions(metadata, strict=True)
        providers = _new(metadata.data_source, self.data_providers(), "id", "data provider")
        flow = RegisteredDataflow(
            dataset_id=metadata.dataset_id,
            name=metadata.title,
            dataset_type=metadata.dataset_type,
            **{
                dim.lower(): tuple(sorted(set(used.get(dim, ())))) for dim in CONSTRAINED_DIMENSIONS
            },
        )
        current = self.dataflow(metadata.dataset_id)
        same_flow = current is not None and current[0] == flow
        if not (any(added.values()) or providers) and same_flow:
            return self
        return self._with_release(
            date=date, data_providers=providers, dataflows=() if same_flow else (flow,), **added
        )

    def constraint_for(self, metadata: DatasetMetadata) -> RegisteredDataflow | None:
        """The registered dataflow that constrains a dataset (``None``: not registered).

        A registered dataset's rows must stay within the codes of its latest registration,
        even when its metadata declares more: a revision is registered before its data is
        accepted.
        """
        found = self.dataflow(metadata.dataset_id)
        return None if found is None else found[0]

    def draft_for(self, metadata: DatasetMetadata) -> Register:
        """The register with an implicit draft release for a dataset it does not hold whole.

        The draft adds what the dataset declares and the register lacks. A registered dataset
        whose declarations are all registered gets no draft. An unregistered dataset's draft
        dataflow has no constraint (its codes are known only from its data).
        """
        added = self._additions(metadata, strict=False)
        if self.dataflow(metadata.dataset_id) is not None and not any(added.values()):
            return self
        return self._with_release(draft=True, **added)

    def _additions(self, metadata: DatasetMetadata, *, strict: bool) -> dict[str, Any]:
        """What the dataset declares and the register lacks, by release field."""
        return {
            "series": _new(metadata.series, self.series(), "code", "series", strict=strict),
            "local_areas": _new(
                metadata.local_areas, self.local_areas(), "code", "local area", strict=strict
            ),
            "service_points": _new(
                metadata.service_points, self.service_points(), "code", "service point",
                strict=strict,
            ),
        }  # fmt: skip

    def _with_release(self, **fields: Any) -> Register:
        release = RegisterRelease(version=next_minor(self.version), **fields)
        return self.model_copy(update={"releases": (*self.releases, release)})


def _new(
    declared: Iterable[Any], registered: Iterable[Any], key: str, what: str, *, strict: bool = True
) -> tuple[Any, ...]:
    """The declarations the register lacks; a contradicting one is refused when ``strict``."""
    known = {getattr(item, key): item for item in registered}
    out = []
    for item in declared:
        code = getattr(item, key)
        if code not in known:
            out.append(item)
        elif strict and known[code] != item:
            raise RegistrationError(
                f"{what} {code} is registered with another definition; a registered code "
                "keeps its meaning: give the new one another code"
            )
    return tuple(out)


@cache
def default_register(agency: str) -> Register:
    """The register packaged with the standard for ``agency``.

    For the default agency ``LNOB`` it holds the bundled examples' series, areas, service
    points, providers and dataflows (release 1.0.0); any other agency starts from an empty
    release 1.0.0, so that no artefact of its own carries codes it never registered.
    """
    text = resources.files("sdmx_cso.model").joinpath("data/register.json").read_text("utf-8")
    data = json.loads(text)
    if data["AGENCY"] == agency:
        return Register.model_validate(data)
    return Register(agency=agency, releases=(RegisterRelease(version="1.0.0"),))

"""The projection rules (standard.md §8.7), one observation at a time.

Each observation of the coalition's dataset either becomes one row of the target DSD or is
refused with a reason (`sdmx_cso.projection.result.REASONS`); nothing is dropped silently.
In order:

1. **Suppressed cells** (CONF_STATUS other than ``F``, OBS_STATUS ``Q``, or a
   ``SUPPRESSED_*`` quality flag) are refused before anything else, so no value withheld by
   disclosure control can reach any output; observations without a value are refused too.
2. **Coalition dimensions** are dropped only where they are totals: POP_GROUP ``_T``;
   DISABILITY_TYPE ``_T``; SERVICE and RESPONDENT_TYPE ``_T``/``_Z`` (RESPONDENT_TYPE
   ``SERVICE_USER`` also for the user-satisfaction series ``SP_PSR_SATIS*``); SERVICE_POINT
   ``_T``/``_Z``. Any other value is refused (``coalition-dimension``).
3. **POP_GROUP** (applied after SERIES and REF_AREA) ``MIGRANT_INT`` → COMPOSITE_BREAKDOWN
   ``MS_MIGRANT``; any other group → a CUST_BREAKDOWN ``Cnn`` code of this export with
   CUST_BREAKDOWN_LB = the group's label, only where the observation's own breakdown is
   ``_T`` (``pop-group`` otherwise).
4. **SERIES**: the target's own series pass; a coalition ``CGD_*`` series passes only onto
   a target whose code list holds it, or through the series crosswalk (a national DSD's
   local series, e.g. ``_L_KE_*``). It is never replaced by its ``LINKED_SERIES``: that
   link names the closest official series, not the same measure.
5. **REF_AREA**: the area crosswalk first (``KE-30`` → ``KE_NBO``); else a code of the
   target passes (onto the global DSD, a country is written as its M49 code, ``KE`` →
   ``404``); a sub-national area is refused (``sub-national-area``): percentages are not
   aggregated to the country.
6. **REPORTING_TYPE** is what the target expects (``N`` on the global DSD; KE1 uses
   ``G``); the target's attributes are copied when the dataset has them (NATURE and
   OBS_STATUS as derived); SOURCE_DETAIL gets the provider, sample size, sampling and
   validation summary; CONF_STATUS, QUALITY_FLAGS and the other coalition attributes are
   dropped.
7. **Validation**: every coded value must be in the target's code list, the target's
   mandatory attributes must have a value, and on the global DSD the Open SDG content
   constraints must admit the series' dimension values, unit and multiplier.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sdmx_cso.model import CommunityDataset
from sdmx_cso.projection.areas import country_of, m49
from sdmx_cso.projection.result import CustomBreakdown, Projection, Refusal
from sdmx_cso.projection.target import SeriesConstraint, TargetStructure, global_target
from sdmx_cso.standard import get_codelist, get_standard

__all__ = ["project_dataset", "suppressed"]

_TOTALS = {"_T", "_Z"}
_SATISFACTION = "SP_PSR_SATIS"
_MIGRANT = ("MIGRANT_INT", "MS_MIGRANT")


class _Refused(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def suppressed(row: Mapping[str, Any]) -> bool:
    """Whether disclosure control withheld this observation (its value must never appear)."""
    flags = (row.get("QUALITY_FLAGS") or "").split()
    return (
        row.get("CONF_STATUS") not in (None, "F")
        or row.get("OBS_STATUS") == "Q"
        or any(f.startswith("SUPPRESSED_") for f in flags)
    )


def _coalition_dimensions(row: Mapping[str, Any], series: str) -> None:
    for dim in ("DISABILITY_TYPE", "SERVICE", "RESPONDENT_TYPE", "SERVICE_POINT"):
        value = row.get(dim) or "_T"
        if value in _TOTALS:
            continue
        if (
            dim == "RESPONDENT_TYPE"
            and value == "SERVICE_USER"
            and series.startswith(_SATISFACTION)
        ):
            continue
        raise _Refused("coalition-dimension", f"{dim} {value} is not a total")


class _Projector:
    def __init__(
        self,
        dataset: CommunityDataset,
        target: TargetStructure,
        area_map: Mapping[str, str],
        series_map: Mapping[str, str],
    ) -> None:
        self.target = target
        self.area_map = area_map
        self.series_map = series_map
        self.metadata = dataset.metadata
        self.local_parents = {a.code: a.parent for a in dataset.metadata.local_areas}
        self.pop_names = {c.id: c.name for c in get_codelist("CL_POP_GROUP").codes}
        self.custom: dict[tuple[str, str], CustomBreakdown] = {}
        self.free_custom = iter(
            [c for c in target.codes.get("CUST_BREAKDOWN", {}) if c not in _TOTALS]
        )

    def pop_group(self, row: Mapping[str, Any], out: dict[str, str]) -> None:
        group = row.get("POP_GROUP") or "_T"
        if group == "_T":
            return
        if group == _MIGRANT[0] and "COMPOSITE_BREAKDOWN" in self.target.dimensions:
            if out.get("COMPOSITE_BREAKDOWN", "_T") != "_T":
                raise _Refused("pop-group", "POP_GROUP MIGRANT_INT, COMPOSITE_BREAKDOWN in use")
            out["COMPOSITE_BREAKDOWN"] = _MIGRANT[1]
            return
        if "CUST_BREAKDOWN" not in self.target.dimensions:
            raise _Refused("pop-group", f"POP_GROUP {group}: the target has no CUST_BREAKDOWN")
        if out.get("CUST_BREAKDOWN", "_T") != "_T":
            raise _Refused("pop-group", f"POP_GROUP {group}, CUST_BREAKDOWN already in use")
        label = (group == "_O" and row.get("POP_GROUP_LB")) or self.pop_names.get(group, group)
        key = (group, str(label))
        if key not in self.custom:
            code = next(self.free_custom, None)
            if code is None:
                raise _Refused("pop-group", "no CUST_BREAKDOWN code left in the target")
            self.custom[key] = CustomBreakdown(group, code, str(label))
        out["CUST_BREAKDOWN"] = self.custom[key].code
        if self.target.has_attribute("CUST_BREAKDOWN_LB"):
            out["CUST_BREAKDOWN_LB"] = str(label)

    def series(self, code: str) -> str:
        if code in self.series_map:
            return self.series_map[code]
        if self.target.admits("SERIES", code):
            return code
        if code.startswith("CGD_"):
            linked = self.metadata.series_by_code().get(code)
            hint = f" (linked to {linked.linked_series})" if linked and linked.linked_series else ""
            raise _Refused(
                "coalition-series",
                f"{code}{hint} is not a series of {self.target.ref}; "
                "map it to a local series with a series crosswalk",
            )
        raise _Refused("outside-codelist", f"SERIES {code} is not in the target's code list")

    def area(self, code: str) -> str:
        if code in self.area_map:
            return self.area_map[code]
        country = country_of(code, self.local_parents)
        if country == code:
            number = None if self.target.national else m49(code)
            if number is not None and self.target.admits("REF_AREA", number):
                return number
            if self.target.admits("REF_AREA", code):
                return code
        elif self.target.admits("REF_AREA", code) and (country is None or self.target.national):
            return code
        elif country is not None:
            raise _Refused(
                "sub-national-area",
                f"REF_AREA {code} lies in {country}; {self.target.ref} takes no "
                "sub-national area without a crosswalk entry",
            )
        raise _Refused("outside-codelist", f"REF_AREA {code} is not in the target's code list")

    def source_detail(self, row: Mapping[str, Any]) -> str | None:
        parts = [row.get("SOURCE_DETAIL")]
        size = row.get("SAMPLE_SIZE")
        if size is not None and "n=" not in (parts[0] or ""):
            parts.append(f"n={size}")
        design = [row.get("SAMPLING_METHOD"), row.get("REPRESENTATIVENESS")]
        if any(design):
            parts.append("sampling " + " ".join(d for d in design if d))
        if row.get("VALIDATION_STATUS"):
            parts.append(f"validation {row['VALIDATION_STATUS']}")
        text = "; ".join(str(p) for p in parts if p)
        return text or None

    def one(self, row: Mapping[str, Any]) -> dict[str, str]:
        if suppressed(row):
            raise _Refused("suppressed", "withheld by disclosure control")
        if row.get("OBS_VALUE") in (None, ""):
            raise _Refused(
                "no-value", f"no value (OBS_STATUS {row.get('OBS_STATUS') or 'not given'})"
            )
        series = str(row["SERIES"])
        _coalition_dimensions(row, series)
        out: dict[str, str] = {}
        for dim in self.target.dimensions:
            value = row.get(dim)
            out[dim] = "_T" if value is None else str(value)
        out["SERIES"] = self.series(series)
        out["REF_AREA"] = self.area(str(row["REF_AREA"]))
        if "REPORTING_TYPE" in self.target.dimensions:
            out["REPORTING_TYPE"] = self.target.reporting_type
        self.pop_group(row, out)
        out[self.target.time_dimension] = str(row["TIME_PERIOD"])
        out[self.target.measure] = str(row["OBS_VALUE"])
        for attr in self.target.attributes:
            if attr.id in out:
                continue
            value = row.get(attr.id)
            if attr.id == "SOURCE_DETAIL":
                value = self.source_detail(row)
            if value not in (None, ""):
                out[attr.id] = str(value)
        self.fill_units(out)
        self.check(out)
        return out

    def fill_units(self, out: dict[str, str]) -> None:
        rule = (self.target.constraints or {}).get(out["SERIES"])
        if rule is not None and rule.unit_measure and "UNIT_MEASURE" not in out:
            out["UNIT_MEASURE"] = rule.unit_measure
        if self.target.has_attribute("UNIT_MULT"):
            out.setdefault("UNIT_MULT", "0")

    def check(self, out: Mapping[str, str]) -> None:
        for component, value in out.items():
            if component in self.target.codes and not self.target.admits(component, value):
                raise _Refused(
                    "outside-codelist", f"{component} {value} is not in the target's code list"
                )
        for attr in self.target.attributes:
            if attr.mandatory and attr.id not in out:
                raise _Refused("missing-attribute", f"{attr.id} has no value")
        if self.target.constraints is not None:
            _constrained(out, self.target.constraints.get(out["SERIES"]))


def _constrained(out: Mapping[str, str], rule: SeriesConstraint | None) -> None:
    """Refuse what the global content constraint of the series does not admit."""
    series = out["SERIES"]
    if rule is None:
        raise _Refused(
            "outside-content-constraint", f"SERIES {series} has no global content constraint"
        )
    for dim, allowed in rule.allowed.items():
        if allowed is not None and out.get(dim, "_T") not in allowed:
            raise _Refused(
                "outside-content-constraint", f"{dim} {out.get(dim)} is not admitted for {series}"
            )
    units = (("UNIT_MEASURE", rule.unit_measure), ("UNIT_MULT", rule.unit_mult))
    for unit, expected in units:
        if expected and out.get(unit) != expected:
            raise _Refused(
                "outside-content-constraint",
                f"{unit} {out.get(unit)} is not {expected}, the unit of {series}",
            )


def _rows(dataset: CommunityDataset) -> Iterator[dict[str, Any]]:
    for batch in dataset.observations.to_batches():
        yield from batch.to_pylist()


def project_dataset(
    dataset: CommunityDataset,
    target: TargetStructure,
    *,
    area_map: Mapping[str, str] | None = None,
    series_map: Mapping[str, str] | None = None,
    row_numbers: Sequence[int] | None = None,
) -> Projection:
    """Project a (derived) dataset onto ``target``; see the module's rules."""
    projector = _Projector(dataset, target, area_map or {}, series_map or {})
    key_ids = (*get_standard().dsd.dimension_ids, "TIME_PERIOD")
    rows: list[dict[str, str]] = []
    source_rows: list[int] = []
    source_keys: list[dict[str, str]] = []
    refused: list[Refusal] = []
    seen: dict[tuple[str, ...], int] = {}
    for index, row in enumerate(_rows(dataset)):
        number = row_numbers[index] if row_numbers is not None else index + 2
        try:
            out = projector.one(row)
            key = tuple(out.get(d, "") for d in (*target.dimensions, target.time_dimension))
            if key in seen:
                raise _Refused(
                    "duplicate-key", f"the same target key as row {seen[key]} (a crosswalk merge)"
                )
            seen[key] = number
        except _Refused as refusal:
            key_values = {k: str(row.get(k) or "") for k in key_ids}
            refused.append(Refusal(number, refusal.reason, refusal.detail, key_values))
            continue
        rows.append(out)
        source_rows.append(number)
        source_keys.append({k: str(row.get(k) or "") for k in key_ids})
    return Projection(
        target=target,
        rows=tuple(rows),
        refused=tuple(sorted(refused, key=lambda r: r.row)),
        observations=len(dataset),
        custom_breakdowns=tuple(projector.custom.values()),
        dataset_id=dataset.metadata.dataset_id,
        source_rows=tuple(source_rows),
        source_keys=tuple(source_keys),
        indicators=_indicators(dataset, target, series_map or {}, {r["SERIES"] for r in rows}),
    )


_BRACKETS = re.compile(r"\[([0-9a-z., ]+)\]\s*$")


def _indicators(
    dataset: CommunityDataset,
    target: TargetStructure,
    series_map: Mapping[str, str],
    used: set[str],
) -> dict[str, tuple[str, ...]]:
    """The SDG indicators of each projected series.

    The ``[1.3.1]`` ending of its name in the target's code list or the content
    constraints, else the declaration of the coalition series mapped onto it.
    """
    names = {s: n for s, n in (target.codes.get("SERIES") or {}).items() if s in used}
    declared = dataset.metadata.series_by_code()
    # a national DSD reuses the SDG series: their indicators are those of the global one
    constraints = target.constraints or global_target().constraints or {}
    out: dict[str, tuple[str, ...]] = {}
    for series in sorted(used):
        match = _BRACKETS.search(names.get(series, ""))
        if match is None and series in constraints:
            match = _BRACKETS.search(constraints[series].name)
        if match is not None:
            out[series] = tuple(i.strip() for i in match.group(1).split(",") if i.strip())
            continue
        for ours, theirs in series_map.items():
            own = declared.get(ours)
            if theirs == series and own is not None and own.sdg_indicator:
                out[series] = (own.sdg_indicator,)
    return out

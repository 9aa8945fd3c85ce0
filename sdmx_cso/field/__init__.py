"""From the field to the standard: survey exports, scorecards, templates, code lists.

`aggregate` reads a KoboToolbox or ODK export and a declarative spec (YAML) and returns the
standard's rows (NUMERATOR, SAMPLE_SIZE, OBS_VALUE, Wilson bounds) with the dataset
metadata, ready to be written as a submission package; `aggregate_scorecard` does the same
for a community scorecard sheet. `sdmx_cso.field.template` writes spreadsheet templates and
`sdmx_cso.field.toolkit` the code lists as CSV and XLSForm choices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sdmx_cso._version import __version__
from sdmx_cso.errors import ReadError, SpecError
from sdmx_cso.field.exports import read_export
from sdmx_cso.field.form import read_form
from sdmx_cso.field.package import write_package
from sdmx_cso.field.scorecard import KINDS, parse_scorecard_spec, tabulate_scorecard
from sdmx_cso.field.spec import SurveySpec, parse_survey_spec
from sdmx_cso.field.survey import SurveyTable, tabulate
from sdmx_cso.field.template import write_template
from sdmx_cso.field.toolkit import write_codelists
from sdmx_cso.io.metadata_file import parse_mapping, read_metadata

__all__ = [
    "SurveyImport",
    "aggregate",
    "aggregate_scorecard",
    "read_survey_spec",
    "write_codelists",
    "write_template",
]


@dataclass(frozen=True)
class SurveyImport:
    """The result of `aggregate` or `aggregate_scorecard`: a submission, not yet written.

    Attributes:
        table: the observations, with what was left out (``table.notes``).
        metadata: the dataset metadata (field IDs upper case), with the method recorded.
    """

    table: SurveyTable
    metadata: Mapping[str, Any]

    def write(self, folder: str | Path) -> Path:
        """Write the submission package: ``folder/data.csv`` and ``folder/metadata.yaml``."""
        return write_package(folder, self.table.columns, self.table.rows, self.metadata)


def read_survey_spec(spec: str | Path | Mapping[str, Any]) -> SurveySpec:
    """A survey spec from its YAML/JSON file, or from a mapping.

    Raises:
        ReadError: the file cannot be read or parsed.
        SpecError: the spec's problems, each named by its key.
    """
    path = None
    if isinstance(spec, Mapping):
        raw: Mapping[Any, Any] = spec
    else:
        path = Path(spec)
        raw = parse_mapping(_read(path), path=str(path), what="survey spec")
    parsed, problems = parse_survey_spec(raw)
    if parsed is None:
        raise SpecError(problems, path=path)
    if parsed.form is not None and path is not None:
        form = Path(parsed.form)
        parsed = replace(parsed, form=str(form if form.is_absolute() else path.parent / form))
    return parsed


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}", path=path) from exc


def aggregate(
    data: str | Path,
    spec: str | Path | Mapping[str, Any],
    *,
    metadata: str | Path | None = None,
    form: str | Path | None = None,
) -> SurveyImport:
    """Turn a survey export (one row per respondent) into the standard's observations.

    Args:
        data: a KoboToolbox or ODK export: CSV (``/`` or ``-`` group paths, names or
            labels as headers) or XLSX (repeat groups on their own sheets).
        spec: the import spec (a YAML/JSON file or a mapping): series, breakdowns, time
            period, weight, confidence, design effect (see the survey import guide).
        metadata: the dataset metadata file (YAML/JSON); the method is added to it.
        form: the XLSForm, for an export with labels as headers (or ``form:`` in the spec).

    Raises:
        ReadError: a file cannot be read, or a weight is not a positive number.
        SpecError: the spec does not fit the standard or the export; every problem is
            named by its key, and an ambiguous question name by the columns it fits.

    """
    spec_file = None if isinstance(spec, Mapping) else str(spec)
    parsed = read_survey_spec(spec)
    meta: dict[str, Any] = {}
    if metadata is not None:
        meta = read_metadata(_read(Path(metadata)), path=str(metadata))
    export = read_export(data)
    units = export.units(parsed.repeat)
    form_path = form if form is not None else parsed.form
    multiple: frozenset[str] = frozenset()
    if form_path is not None:
        xlsform = read_form(form_path)
        units = xlsform.named(units)
        multiple = xlsform.multiple
    table = tabulate(
        units, parsed, data_file=str(data), spec_file=spec_file, metadata=meta, multiple=multiple
    )
    return SurveyImport(table, _metadata(meta, parsed))


def aggregate_scorecard(
    sheet: str | Path,
    spec: str | Path | Mapping[str, Any],
    *,
    metadata: str | Path | None = None,
) -> SurveyImport:
    """Turn a community scorecard sheet into observations of the scorecard dataflow.

    Args:
        sheet: the scorecard sheet (CSV or XLSX): one row per score, with columns for the
            criterion, service point, respondent group, round and score.
        spec: the scorecard spec (YAML/JSON file or mapping): ``kind`` (``consensus`` or
            ``individual``), ``criteria`` (criterion → series), the columns, group and round
            maps (see the scorecard guide).
        metadata: the dataset metadata: its SERVICE_POINTS give REF_AREA and SERVICE, its
            SERIES the scales.

    Raises:
        ReadError: a file cannot be read; a score is no number, outside its scale, or a
            second consensus score for one key.
        SpecError: the spec's problems, each named by its key.
    """
    spec_file = None if isinstance(spec, Mapping) else str(spec)
    raw = spec if isinstance(spec, Mapping) else parse_mapping(
        _read(Path(spec)), path=str(spec), what="scorecard spec")  # fmt: skip
    parsed, problems = parse_scorecard_spec(raw)
    if parsed is None:
        raise SpecError(problems, path=spec_file)
    meta: dict[str, Any] = {}
    if metadata is not None:
        meta = read_metadata(_read(Path(metadata)), path=str(metadata))
    mode = KINDS[parsed.kind]
    if meta.get("RESPONSE_MODE") not in (None, mode):
        raise SpecError(
            [("kind", f"{parsed.kind} scores are RESPONSE_MODE {mode}, but the metadata says "
                      f"{meta['RESPONSE_MODE']}: import each kind as its own dataset")],
            path=spec_file,
        )  # fmt: skip
    units = read_export(sheet).units()
    table = tabulate_scorecard(units, parsed, data_file=str(sheet), spec_file=spec_file,
                               metadata=meta)  # fmt: skip
    out = dict(meta)
    out.setdefault("DATASET_TYPE", "SCORECARD")
    out["RESPONSE_MODE"] = mode
    how = ("Group-consensus scores, copied as agreed; SAMPLE_SIZE is the group's "
           "participants." if parsed.kind == "consensus" else
           "Mean of the individual scores per criterion, service point, group and round; "
           "SAMPLE_SIZE is the number of scores averaged.")  # fmt: skip
    _append(out, "DATA_COMP", f"{how} Computed by sdmx-cso {__version__} (import scorecard).")
    return SurveyImport(table, out)


def _metadata(given: Mapping[str, Any], spec: SurveySpec) -> dict[str, Any]:
    """The metadata with the import's method recorded (DATA_COMP, WEIGHTING, WG-SS)."""
    out = dict(given)
    out.setdefault("DATASET_TYPE", "SURVEY")
    _append(out, "DATA_COMP", _method(spec))
    if spec.weight is not None:  # first, so that the text says it is weighted
        before = str(out.get("WEIGHTING") or "").strip()
        out["WEIGHTING"] = f"Weighted with the survey weights of column {spec.weight}." + (
            f"\n\n{before}" if before else ""
        )
    if any(b.washington_group for b in spec.breakdowns):
        out.setdefault("GROUP_ID_METHOD", "WG_SS")
    return out


def _append(metadata: dict[str, Any], field: str, text: str) -> None:
    """Add a paragraph to a text field of the metadata."""
    given = str(metadata.get(field) or "").strip()
    metadata[field] = f"{given}\n\n{text}" if given else text


def _method(spec: SurveySpec) -> str:
    weighted = spec.weight is not None
    value = f"the proportion weighted by {spec.weight}" if weighted else "NUMERATOR / SAMPLE_SIZE"
    size = (
        "Kish's effective sample size (sum of weights squared over sum of squared weights)"
        if weighted
        else "SAMPLE_SIZE"
    )
    deff = (
        "" if spec.design_effect == 1 else f", divided by a design effect of {spec.design_effect}"
    )
    return (
        f"Computed from the respondents' answers by sdmx-cso {__version__} (import survey). "
        "NUMERATOR and SAMPLE_SIZE are unweighted counts of respondents; 'don't know', "
        "refused and missing answers are left out of the denominator. OBS_VALUE is "
        f"{value}, in per cent. LOWER_BOUND and UPPER_BOUND are the Wilson score interval "
        f"at {spec.confidence:.0%} confidence from {size}{deff}."
    )

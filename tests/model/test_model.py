"""The typed models: coded fields, metadata rules, the columnar dataset."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pytest
from factories import metadata_dict, row
from pydantic import ValidationError

from sdmx_cso import CommunityDataset, DatasetMetadata, Observation
from sdmx_cso.model import QualityFlag


def errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {".".join(map(str, e["loc"])): e["msg"] for e in exc.value.errors()}


class TestObservation:
    def test_defaults_for_absent_dimensions(self):
        obs = Observation.model_validate(row(SERIES="SI_COV_DISAB"))
        assert (obs.freq, obs.reporting_type, obs.sex, obs.pop_group) == ("A", "N", "_T", "_T")
        assert obs.series_key[:4] == ("A", "N", "SI_COV_DISAB", "KE-01")

    def test_exact_decimal_text_is_kept(self):
        obs = Observation.model_validate(row(SERIES="SI_COV_DISAB", OBS_VALUE="12.50"))
        assert obs.obs_value == Decimal("12.50")
        assert obs.model_dump(mode="json", by_alias=True)["OBS_VALUE"] == "12.50"

    def test_short_codelist_error_names_field_and_all_allowed_codes(self):
        with pytest.raises(ValidationError) as exc:
            Observation.model_validate(row(SERIES="SI_COV_DISAB", SEX="X"))
        assert errors(exc) == {
            "SEX": "'X' is not a code of CL_SEX; allowed: _T, F, M, _N, _O, _U, _X"
        }

    def test_long_codelist_error_names_closest_codes_not_the_whole_list(self):
        with pytest.raises(ValidationError) as exc:
            Observation.model_validate(row(SERIES="SI_COV_DISAX"))
        message = errors(exc)["SERIES"]
        assert "CL_SERIES_CGD" in message
        assert "SI_COV_DISAB" in message
        assert len(message) < 200
        assert "SI_POV_EMP1" not in message

    def test_dataset_extensions_are_accepted_only_in_context(self):
        with pytest.raises(ValidationError):
            Observation.model_validate(row())  # CGD_TEST_SHARE is not declared
        context = {"extensions": {"CL_SERIES_CGD": {"CGD_TEST_SHARE"}}}
        assert Observation.model_validate(row(), context=context).series == "CGD_TEST_SHARE"

    def test_service_point_accepts_totals_and_declared_codes(self):
        base = row(SERIES="SI_COV_DISAB")
        assert Observation.model_validate({**base, "SERVICE_POINT": "_Z"}).service_point == "_Z"
        with pytest.raises(ValidationError):
            Observation.model_validate({**base, "SERVICE_POINT": "HP-01"})
        ctx = {"extensions": {"SERVICE_POINT": {"HP-01"}}}
        assert Observation.model_validate({**base, "SERVICE_POINT": "HP-01"}, context=ctx)

    def test_flags_from_text_sorted_unique(self):
        obs = Observation.model_validate(
            row(SERIES="SI_COV_DISAB", QUALITY_FLAGS="SMALL_SAMPLE SELF_REPORTED SMALL_SAMPLE")
        )
        assert obs.quality_flags == (QualityFlag.SELF_REPORTED, QualityFlag.SMALL_SAMPLE)
        assert obs.model_dump(by_alias=True)["QUALITY_FLAGS"] == "SELF_REPORTED SMALL_SAMPLE"

    @pytest.mark.parametrize(
        "period",
        [
            "2023",
            "2023-05",
            "2023-05-31",
            "2023-Q2",
            "2023-S1",
            "2023-W07",
            "2023-M11",
            "2023-A1",
            "2023-D045",
        ],
    )
    def test_time_periods(self, period):
        assert (
            Observation.model_validate(row(SERIES="SI_COV_DISAB", TIME_PERIOD=period)).time_period
            == period
        )

    @pytest.mark.parametrize("period", ["23", "2023/24", "2023-13", "2023-Q5", "May 2023"])
    def test_bad_time_periods(self, period):
        with pytest.raises(ValidationError):
            Observation.model_validate(row(SERIES="SI_COV_DISAB", TIME_PERIOD=period))

    def test_bounds_must_be_ordered(self):
        with pytest.raises(ValidationError, match="LOWER_BOUND is above UPPER_BOUND"):
            Observation.model_validate(
                row(SERIES="SI_COV_DISAB", LOWER_BOUND="20", UPPER_BOUND="10")
            )

    def test_frozen(self):
        obs = Observation.model_validate(row(SERIES="SI_COV_DISAB"))
        with pytest.raises(ValidationError):
            obs.sex = "F"  # type: ignore[misc]


class TestMetadata:
    def test_minimal_valid(self):
        md = DatasetMetadata.model_validate(metadata_dict())
        assert md.coll_period.start.isoformat() == "2023-03-01"
        assert md.extensions["CL_SERIES_CGD"] == {"CGD_TEST_SHARE"}

    def test_missing_required_field_is_named(self):
        data = metadata_dict()
        del data["LICENCE"]
        with pytest.raises(ValidationError) as exc:
            DatasetMetadata.model_validate(data)
        assert list(errors(exc)) == ["LICENCE"]

    @pytest.mark.parametrize(
        ("field", "value", "where", "words"),
        [
            ("CONTACT_EMAIL", "not-an-email", "CONTACT_EMAIL", "email"),
            ("LICENCE", "CC-BY-4", "LICENCE", "CC-BY-4.0"),
            ("SAMPLING_METHOD", "RANDOM", "SAMPLING_METHOD", "CL_SAMPLING_METHOD"),
            ("COLL_METHOD", {"MODE": "ZOOM"}, "COLL_METHOD.MODE", "CL_COLL_MODE"),
            ("REF_PERIOD", "2023-12-31/2023-01-01", "REF_PERIOD", "before"),
            ("REF_AREA_COVERAGE", ["KE-99"], "", "CL_AREA_CGD"),
            ("RESPONSE_RATE", 140, "RESPONSE_RATE", "100"),
            ("DATASET_ID", "has space", "DATASET_ID", "pattern"),
        ],
    )
    def test_invalid_values_are_located(self, field, value, where, words):
        with pytest.raises(ValidationError) as exc:
            DatasetMetadata.model_validate(metadata_dict(**{field: value}))
        found = errors(exc)
        assert where in found
        assert words in found[where]

    def test_licence_ref_is_allowed(self):
        assert DatasetMetadata.model_validate(
            metadata_dict(LICENCE="LicenseRef-coalition-1")
        ).licence

    def test_local_areas_extend_coverage(self):
        md = DatasetMetadata.model_validate(
            metadata_dict(
                LOCAL_AREAS=[{"CODE": "KE-30-KIBERA", "NAME": "Kibera", "PARENT": "KE-30"}],
                REF_AREA_COVERAGE=["KE-30-KIBERA"],
            )
        )
        assert md.extensions["CL_AREA_CGD"] == {"KE-30-KIBERA"}

    def test_coalition_series_cannot_reuse_iaeg_codes_or_invert_scales(self):
        with pytest.raises(ValidationError, match="CGD_"):
            DatasetMetadata.model_validate(
                metadata_dict(
                    SERIES=[{"CODE": "SI_COV_DISAB", "NAME": "x", "DEFINITION": "y", "UNIT": "PT"}]
                )
            )
        with pytest.raises(ValidationError, match="SCALE_MIN"):
            DatasetMetadata.model_validate(
                metadata_dict(
                    SERIES=[
                        {
                            "CODE": "CGD_X",
                            "NAME": "x",
                            "DEFINITION": "y",
                            "UNIT": "SCORE",
                            "SCALE_MIN": 5,
                            "SCALE_MAX": 1,
                        }
                    ]
                )
            )

    def test_duplicate_declarations_are_refused(self):
        series = metadata_dict()["SERIES"] * 2
        with pytest.raises(ValidationError, match="more than once"):
            DatasetMetadata.model_validate(metadata_dict(SERIES=series))


class TestDataset:
    def make(self, *rows):
        return CommunityDataset(
            metadata=DatasetMetadata.model_validate(metadata_dict()), observations=list(rows)
        )

    def test_columnar_storage_with_canonical_schema(self):
        ds = self.make(row(), row(TIME_PERIOD="2022"))
        assert isinstance(ds.observations, pa.Table)
        assert len(ds) == 2
        assert ds.observations.schema.field("SAMPLE_SIZE").type == pa.int64()
        assert ds.observations.column("SEX").to_pylist() == ["_T", "_T"]

    def test_invalid_cells_are_refused_with_row_and_column(self):
        with pytest.raises(ValidationError, match=r"row 1, SEX: 'Q' is not a code"):
            self.make(row(), row(SEX="Q"))

    def test_observations_iter_yields_models(self):
        obs = list(self.make(row()).observations_iter())
        assert obs[0].series == "CGD_TEST_SHARE"
        assert obs[0].obs_value == Decimal("12.50")

    def test_derived_attributes(self):
        ds = self.make(
            row(SAMPLE_SIZE=30), row(TIME_PERIOD="2022", OBS_VALUE=None, SAMPLE_SIZE=10)
        ).derived()
        rows = {r["TIME_PERIOD"]: r for r in ds.observations.to_pylist()}
        first, second = rows["2023"], rows["2022"]
        assert first["UNIT_MEASURE"] == "PT"
        assert first["UNIT_MULT"] == "0"
        assert first["RELIABILITY"] == "CAUTION"
        assert first["OBS_STATUS"] == "U"
        assert first["QUALITY_FLAGS"] == "SELF_REPORTED SMALL_SAMPLE"
        assert first["CONF_STATUS"] == "F"
        assert first["DATA_PRODUCER"] == "TESTORG"
        assert (
            first["SOURCE_DETAIL"]
            == "Test Organisation, Test survey, Computer-assisted personal interview, n=30"
        )
        assert second["OBS_STATUS"] == "L"
        assert second["RELIABILITY"] == "UNRELIABLE"

    def test_comparability_flags_official_series_only(self):
        md = DatasetMetadata.model_validate(metadata_dict(COMPARABILITY="Registered members only."))
        ds = CommunityDataset(
            metadata=md, observations=[row(), row(SERIES="SI_COV_DISAB", UNIT_MEASURE="PT")]
        )
        official, coalition = ds.derived().observations.column("QUALITY_FLAGS").to_pylist()[::-1]
        assert "DEFINITION_DIFFERS" in official
        assert "DEFINITION_DIFFERS" not in coalition

    def test_given_values_are_kept_and_flags_only_added(self):
        ds = self.make(
            row(OBS_STATUS="P", QUALITY_FLAGS="PROVISIONAL", RELIABILITY="RELIABLE", SAMPLE_SIZE=10)
        ).derived()
        (only,) = ds.observations.to_pylist()
        assert only["OBS_STATUS"] == "P"
        assert only["RELIABILITY"] == "RELIABLE"
        assert only["QUALITY_FLAGS"] == "SELF_REPORTED VERY_SMALL_SAMPLE PROVISIONAL"

    def test_json_round_trip(self):
        ds = self.make(row(), row(TIME_PERIOD="2022", COMMENT_OBS="टिप्पणी")).derived()
        assert CommunityDataset.model_validate_json(ds.model_dump_json()) == ds

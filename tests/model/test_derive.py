"""Each derivation rule of the standard (§8.4, §8.6), as a pure function."""

from __future__ import annotations

import pytest

from sdmx_cso.model.config import DerivationConfig
from sdmx_cso.model.derive import (
    comment_for_flags,
    conf_status,
    flags_from_metadata,
    flags_from_sample,
    obs_status,
    reliability,
    source_detail,
)
from sdmx_cso.model.flags import QualityFlag as F


@pytest.mark.parametrize(
    ("size", "expected"),
    [(None, "_Z"), (0, "UNRELIABLE"), (24, "UNRELIABLE"), (25, "CAUTION"), (49, "CAUTION"),
     (50, "RELIABLE"), (10_000, "RELIABLE")],
)  # fmt: skip
def test_reliability_thresholds(size, expected):
    assert reliability(size) == expected


def test_reliability_is_not_applicable_to_group_consensus():
    assert reliability(300, group_consensus=True) == "_Z"


def test_thresholds_are_configuration():
    config = DerivationConfig(reliable_min=30, caution_min=10)
    assert reliability(30, config=config) == "RELIABLE"
    assert reliability(10, config=config) == "CAUTION"
    assert reliability(9, config=config) == "UNRELIABLE"
    assert flags_from_sample(20, config=config) == {F.SMALL_SAMPLE}


def test_config_rejects_inverted_thresholds():
    with pytest.raises(ValueError, match="caution_min"):
        DerivationConfig(reliable_min=10, caution_min=20)


@pytest.mark.parametrize(
    ("size", "flags"),
    [(None, set()), (12, {F.VERY_SMALL_SAMPLE}), (30, {F.SMALL_SAMPLE}), (80, set())],
)
def test_sample_flags(size, flags):
    assert flags_from_sample(size) == flags


@pytest.mark.parametrize(
    ("kwargs", "flag"),
    [
        ({"sampling_method": "NONPROB_SNOWBALL"}, F.NON_PROBABILITY),
        ({"sampling_method": "NONPROB_CONVENIENCE"}, F.NON_PROBABILITY),
        ({"sampling_method": "PARTICIPATORY_GROUP"}, F.NON_PROBABILITY),
        ({"representativeness": "NOT_REP"}, F.NOT_REPRESENTATIVE),
        ({"representativeness": "REP_COVERED_COMMUNITY"}, F.NOT_REPRESENTATIVE),
        ({"response_mode": "SELF"}, F.SELF_REPORTED),
        ({"response_mode": "PROXY"}, F.PROXY_REPORTED),
        ({"response_mode": "GROUP_CONSENSUS"}, F.GROUP_CONSENSUS),
        ({"group_id_method": "SELF_ID"}, F.SELF_IDENTIFIED),
        ({"group_id_method": "ASCRIBED"}, F.ASCRIBED),
        ({"validation_status": "UNVALIDATED"}, F.UNVALIDATED),
        ({"validation_status": "PEER_REVIEWED"}, F.PEER_REVIEWED),
        ({"validation_status": "COMMUNITY_VALIDATED"}, F.COMMUNITY_VALIDATED),
        ({"validation_status": "NSO_REVIEWED"}, F.NSO_REVIEWED),
        ({"validation_status": "NSO_ENDORSED"}, F.NSO_ENDORSED),
        ({"response_rate": 42}, F.LOW_RESPONSE),
        ({"coll_mode": "CATI"}, F.REMOTE_MODE),
        ({"coll_mode": "WEB"}, F.REMOTE_MODE),
        ({"pop_group": "SEX_WORKER"}, F.SENSITIVE_GROUP),
        ({"pop_group": "SGM"}, F.SENSITIVE_GROUP),
        ({"perception": True}, F.PERCEPTION),
        ({"definition_differs": True}, F.DEFINITION_DIFFERS),
    ],
)
def test_flags_implied_by_metadata(kwargs, flag):
    assert flags_from_metadata(**kwargs) == {flag}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sampling_method": "PROB"},
        {"sampling_method": "CENSUS"},
        {"representativeness": "REP_TARGET_POP"},
        {"response_mode": "OBSERVED"},
        {"group_id_method": "WG_SS"},
        {"validation_status": "INTERNAL_QA"},
        {"response_rate": 50},
        {"coll_mode": "CAPI"},
        {"pop_group": "DALIT"},
        {"pop_group": "_T"},
    ],
)
def test_metadata_that_implies_no_flag(kwargs):
    assert flags_from_metadata(**kwargs) == frozenset()


def test_low_response_threshold_is_configuration():
    assert (
        flags_from_metadata(response_rate=42, config=DerivationConfig(low_response_rate=40))
        == set()
    )


@pytest.mark.parametrize(
    ("flags", "missing", "expected"),
    [
        ([], False, "A"),
        ([], True, "O"),
        (["SELF_REPORTED", "PERCEPTION"], False, "A"),
        (["UNVALIDATED"], False, "V"),
        (["EXPERIMENTAL"], False, "G"),
        (["PROVISIONAL"], False, "P"),
        (["DEFINITION_DIFFERS"], False, "D"),
        (["SMALL_SAMPLE"], False, "U"),
        (["LOW_RESPONSE"], False, "U"),
        (["VERY_SMALL_SAMPLE"], False, "U"),
        (["VERY_SMALL_SAMPLE"], True, "L"),
        (["SUPPRESSED_PRIMARY"], True, "Q"),
        (["SUPPRESSED_SECONDARY", "VERY_SMALL_SAMPLE"], True, "Q"),
        # precedence Q > L > U > D > P > G > V > E > A
        (["UNVALIDATED", "EXPERIMENTAL", "PROVISIONAL"], False, "P"),
        (["UNVALIDATED", "DEFINITION_DIFFERS"], False, "D"),
        (["SMALL_SAMPLE", "DEFINITION_DIFFERS"], False, "U"),
        # NSO review clears V; endorsement clears V and G
        (["UNVALIDATED", "NSO_REVIEWED"], False, "A"),
        (["EXPERIMENTAL", "NSO_REVIEWED"], False, "G"),
        (["EXPERIMENTAL", "UNVALIDATED", "NSO_ENDORSED"], False, "A"),
        # NON_PROBABILITY alone does not make an estimate
        (["NON_PROBABILITY"], False, "A"),
    ],
)
def test_obs_status_precedence(flags, missing, expected):
    assert obs_status(flags, value_missing=missing) == expected


def test_non_probability_is_estimated_when_presented_for_a_population():
    config = DerivationConfig(estimate_for_population=True)
    assert obs_status(["NON_PROBABILITY"], config=config) == "E"
    assert obs_status(["NON_PROBABILITY", "UNVALIDATED"], config=config) == "V"


@pytest.mark.parametrize(
    ("flags", "expected"),
    [([], "F"), (["SUPPRESSED_PRIMARY"], "A"), (["SUPPRESSED_SECONDARY"], "D"),
     (["SUPPRESSED_PRIMARY", "SUPPRESSED_SECONDARY"], "A"), (["SMALL_SAMPLE"], "F")],
)  # fmt: skip
def test_conf_status(flags, expected):
    assert conf_status(flags) == expected


def test_comment_caveats_survive_export():
    text = comment_for_flags(
        ["NOT_REPRESENTATIVE", "NON_PROBABILITY", "PERCEPTION", "SMALL_SAMPLE"]
    )
    assert text is not None
    assert "Non-probability" in text
    assert "participants" in text
    assert "Perception" in text
    assert comment_for_flags(["SMALL_SAMPLE"]) is None


def test_source_detail():
    assert source_detail("UDPK", "Survey", "CAPI", 40) == "UDPK, Survey, CAPI, n=40"
    assert source_detail("UDPK", "Survey", "CAPI") == "UDPK, Survey, CAPI"

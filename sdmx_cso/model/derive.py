"""Derivation rules of the standard, as pure functions (standard.md §8.4, §8.6).

Each function maps the facts of one observation (and the dataset metadata) to a derived value.
Thresholds come from `sdmx_cso.model.config.DerivationConfig`, never literals.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sdmx_cso.model.config import DerivationConfig
from sdmx_cso.model.flags import QualityFlag as F
from sdmx_cso.standard import get_codelist, get_standard

__all__ = [
    "comment_for_flags",
    "conf_status",
    "flags_from_metadata",
    "flags_from_sample",
    "obs_status",
    "reliability",
    "source_detail",
]

_DEFAULT = DerivationConfig()

_VALIDATION_FLAGS: dict[str, F] = {
    "UNVALIDATED": F.UNVALIDATED,
    "PEER_REVIEWED": F.PEER_REVIEWED,
    "COMMUNITY_VALIDATED": F.COMMUNITY_VALIDATED,
    "NSO_REVIEWED": F.NSO_REVIEWED,
    "NSO_ENDORSED": F.NSO_ENDORSED,
}
_RESPONSE_FLAGS: dict[str, F] = {
    "SELF": F.SELF_REPORTED,
    "PROXY": F.PROXY_REPORTED,
    "GROUP_CONSENSUS": F.GROUP_CONSENSUS,
}
_GROUP_ID_FLAGS: dict[str, F] = {"SELF_ID": F.SELF_IDENTIFIED, "ASCRIBED": F.ASCRIBED}
_REMOTE_MODES = frozenset({"CATI", "WEB", "SMS"})


def reliability(
    sample_size: int | None,
    *,
    group_consensus: bool = False,
    config: DerivationConfig = _DEFAULT,
) -> str:
    """RELIABILITY from the unweighted sample size.

    ``RELIABLE`` at ``reliable_min`` or more, ``CAUTION`` from ``caution_min``, else
    ``UNRELIABLE``; ``_Z`` (not applicable) for group-consensus values or when there is no
    sample size.

    Examples:
        >>> reliability(120), reliability(30), reliability(8), reliability(None)
        ('RELIABLE', 'CAUTION', 'UNRELIABLE', '_Z')
    """
    if group_consensus or sample_size is None:
        return "_Z"
    if sample_size >= config.reliable_min:
        return "RELIABLE"
    if sample_size >= config.caution_min:
        return "CAUTION"
    return "UNRELIABLE"


def flags_from_sample(
    sample_size: int | None,
    *,
    group_consensus: bool = False,
    config: DerivationConfig = _DEFAULT,
) -> frozenset[F]:
    """``SMALL_SAMPLE`` / ``VERY_SMALL_SAMPLE`` implied by the sample size."""
    match reliability(sample_size, group_consensus=group_consensus, config=config):
        case "CAUTION":
            return frozenset({F.SMALL_SAMPLE})
        case "UNRELIABLE":
            return frozenset({F.VERY_SMALL_SAMPLE})
        case _:
            return frozenset()


def flags_from_metadata(  # noqa: C901 (one branch per rule of the standard, kept flat on purpose)
    *,
    sampling_method: str | None = None,
    representativeness: str | None = None,
    response_mode: str | None = None,
    group_id_method: str | None = None,
    validation_status: str | None = None,
    response_rate: Decimal | float | None = None,
    coll_mode: str | None = None,
    pop_group: str | None = None,
    perception: bool = False,
    definition_differs: bool = False,
    config: DerivationConfig = _DEFAULT,
) -> frozenset[F]:
    """The flags implied by the metadata of a series (standard.md §8.6, column "Set by").

    Examples:
        >>> found = flags_from_metadata(
        ...     sampling_method="NONPROB_SNOWBALL", group_id_method="SELF_ID"
        ... )
        >>> sorted(flag.value for flag in found)
        ['NON_PROBABILITY', 'SELF_IDENTIFIED']
    """
    flags: set[F] = set()
    if sampling_method is not None and (
        sampling_method.startswith("NONPROB_") or sampling_method == "PARTICIPATORY_GROUP"
    ):
        flags.add(F.NON_PROBABILITY)
    if representativeness is not None and representativeness != "REP_TARGET_POP":
        flags.add(F.NOT_REPRESENTATIVE)
    if response_mode in _RESPONSE_FLAGS:
        flags.add(_RESPONSE_FLAGS[response_mode])
    if group_id_method in _GROUP_ID_FLAGS:
        flags.add(_GROUP_ID_FLAGS[group_id_method])
    if validation_status in _VALIDATION_FLAGS:
        flags.add(_VALIDATION_FLAGS[validation_status])
    if response_rate is not None and float(response_rate) < config.low_response_rate:
        flags.add(F.LOW_RESPONSE)
    if coll_mode in _REMOTE_MODES:
        flags.add(F.REMOTE_MODE)
    if pop_group is not None and _is_sensitive(pop_group):
        flags.add(F.SENSITIVE_GROUP)
    if perception:
        flags.add(F.PERCEPTION)
    if definition_differs:
        flags.add(F.DEFINITION_DIFFERS)
    return frozenset(flags)


def _is_sensitive(pop_group: str) -> bool:
    code = get_codelist("CL_POP_GROUP").get(pop_group)
    return code is not None and code.sensitive


def obs_status(
    flags: Iterable[str],
    *,
    value_missing: bool = False,
    config: DerivationConfig = _DEFAULT,
) -> str:
    """OBS_STATUS from the quality flags, with the precedence of standard.md §8.6.

    Each flag implies a status; ``NSO_REVIEWED`` clears ``V`` and ``NSO_ENDORSED`` clears ``V``
    and ``G``; the strongest remaining status wins (``Q > L > U > D > P > G > V > E > A``).
    A missing value without a flag gets ``O``; otherwise ``A`` (normal).

    Examples:
        >>> obs_status(["UNVALIDATED", "SMALL_SAMPLE"])
        'U'
        >>> obs_status(["UNVALIDATED", "NSO_REVIEWED"])
        'A'
        >>> obs_status([], value_missing=True)
        'O'
    """
    std = get_standard()
    implied: set[str] = set()
    cleared: set[str] = set()
    for flag in flags:
        rule = std.flag_rules.get(str(flag))
        if rule is None:
            continue
        cleared.update(rule.clears)
        if flag == F.NON_PROBABILITY and not config.estimate_for_population:
            continue
        if value_missing and rule.obs_status_if_missing:
            implied.add(rule.obs_status_if_missing)
        elif rule.obs_status:
            implied.add(rule.obs_status)
    for status in std.obs_status_precedence:
        if status in implied and status not in cleared:
            return status
    return "O" if value_missing else "A"


def conf_status(flags: Iterable[str]) -> str:
    """CONF_STATUS from the flags: ``A`` for primary, ``D`` for secondary suppression, else ``F``.

    Examples:
        >>> conf_status(["SUPPRESSED_PRIMARY"]), conf_status([])
        ('A', 'F')
    """
    rules = get_standard().flag_rules
    found = {rules[str(f)].conf_status for f in flags if str(f) in rules}
    for status in ("A", "D"):
        if status in found:
            return status
    return "F"


def comment_for_flags(flags: Iterable[str]) -> str | None:
    """The caveat sentences that COMMENT_OBS receives for the flags.

    They let ``NOT_REPRESENTATIVE``, ``NON_PROBABILITY`` and ``PERCEPTION`` survive export to
    the SDG DSD, which has no QUALITY_FLAGS.

    Examples:
        >>> comment_for_flags(["PERCEPTION"])
        'Perception-based value (subjective assessment by respondents).'
    """
    rules = get_standard().flag_rules
    present = {str(f) for f in flags}
    sentences = [rule.comment for code, rule in rules.items() if code in present and rule.comment]
    return " ".join(sentences) or None


def source_detail(
    organisation: str, title: str, method: str, sample_size: int | None = None
) -> str:
    """SOURCE_DETAIL: ``<organisation>, <dataset title>, <collection method>, <n>``.

    Examples:
        >>> source_detail("UDPK", "Disability survey 2023", "CAPI", 412)
        'UDPK, Disability survey 2023, CAPI, n=412'
    """
    parts = [organisation, title, method]
    if sample_size is not None:
        parts.append(f"n={sample_size}")
    return ", ".join(parts)

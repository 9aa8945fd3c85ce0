"""The domain model: pure pydantic models of community datasets (no file formats here)."""

from sdmx_cso.model.config import DerivationConfig
from sdmx_cso.model.dataset import CommunityDataset
from sdmx_cso.model.disclosure import DisclosureAudit, DisclosurePolicy
from sdmx_cso.model.extensions import CoalitionSeries, DataProvider, LocalArea, ServicePoint
from sdmx_cso.model.flags import QualityFlag
from sdmx_cso.model.metadata import (
    CollectionMethod,
    Consent,
    DatasetMetadata,
    DisclosureControl,
    Enumerators,
    Period,
    QualityAssessment,
)
from sdmx_cso.model.observation import Observation
from sdmx_cso.model.register import Register

__all__ = [
    "CoalitionSeries",
    "CollectionMethod",
    "CommunityDataset",
    "Consent",
    "DataProvider",
    "DatasetMetadata",
    "DerivationConfig",
    "DisclosureAudit",
    "DisclosureControl",
    "DisclosurePolicy",
    "Enumerators",
    "LocalArea",
    "Observation",
    "Period",
    "QualityAssessment",
    "QualityFlag",
    "Register",
    "ServicePoint",
]

"""The docs build in strict mode, with the reference pages generated from the code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sdmx_cso.model import DatasetMetadata
from sdmx_cso.reports import CATALOGUE
from sdmx_cso.standard import STANDARD_VERSION, list_codelists

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site (built once for the module)."""
    out = tmp_path_factory.mktemp("docs") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    return out


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text("utf-8")


@pytest.mark.slow
def test_code_list_pages(site: Path) -> None:
    assert "SEX_WORKER" in page(site, "standard/codelists/CL_POP_GROUP")
    for ref in list_codelists():
        assert (site / "standard/codelists" / ref.split(":")[1] / "index.html").is_file(), ref
    # a code ID with a leading underscore renders literally, not as emphasis
    assert "<code>_T</code>" in page(site, "standard/codelists/CL_SERVICE")


@pytest.mark.slow
def test_code_list_downloads_are_generated(site: Path, tmp_path: Path) -> None:
    """The CSV and XLSForm files on the site are the ones `write_codelists` writes."""
    from sdmx_cso.field import write_codelists

    folder = site / "standard/codelists"
    for path in write_codelists(tmp_path) + write_codelists(tmp_path, format="xlsform"):
        if path.suffix == ".csv":
            assert (folder / path.name).read_text("utf-8") == path.read_text("utf-8"), path.name
        else:
            assert (folder / path.name).stat().st_size > 0
    assert 'href="../CL_SEX.csv"' in page(site, "standard/codelists/CL_SEX")


@pytest.mark.slow
def test_standard_pages(site: Path) -> None:
    dimensions = page(site, "standard/dimensions")
    assert "POP_GROUP" in dimensions
    assert STANDARD_VERSION in dimensions
    assert "QUALITY_FLAGS" in page(site, "standard/attributes")
    assert "CONTACT_EMAIL" in page(site, "standard/metadata")
    assert "SUPPRESSED_PRIMARY" in page(site, "standard/flags")


@pytest.mark.slow
def test_json_schema_files(site: Path) -> None:
    schema = json.loads((site / "standard/schema/DatasetMetadata.json").read_text("utf-8"))
    assert "CONTACT_EMAIL" in schema["properties"]
    assert set(schema["x-required"]) == {  # "required" in any case of the key (issue #18)
        info.alias for info in DatasetMetadata.model_fields.values() if info.is_required()
    }
    assert "DatasetMetadata" in page(site, "standard/schema/DatasetMetadata")
    # the Frictionless descriptors are published beside the JSON Schemas
    for name in ("table-schema.json", "datapackage.json"):
        assert json.loads((site / f"schemas/{STANDARD_VERSION}/{name}").read_text("utf-8"))
    # every model's schema has an $id, served where it points
    for name in ("CommunityDataset", "DatasetMetadata", "Observation"):
        schema_id = json.loads((site / f"standard/schema/{name}.json").read_text("utf-8"))["$id"]
        assert f"/schemas/{STANDARD_VERSION}/" in schema_id, name


@pytest.mark.slow
def test_issue_anchors(site: Path) -> None:
    issues = page(site, "reference/issues")
    for issue_code in CATALOGUE:
        assert f'id="{issue_code}"' in issues, issue_code

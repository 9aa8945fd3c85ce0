"""``compare``: coalition values next to the real KE1 message (SP_TRN_PUBL, 2019)."""

from __future__ import annotations

import csv
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

import sdmx_cso
import sdmx_cso.examples
import sdmx_cso.projection
from sdmx_cso.cli import main
from tests.conftest import shared_path
from tests.projection.ke1 import CROSSWALK

#: SP_TRN_PUBL (access to public transport, 11.2.1) for the four counties of KE1's cities.
TRANSPORT_ROWS = (
    "SP_TRN_PUBL,KE-30,_T,_T,_T,_T,2019,62.0,PT,58.1,65.9,600,372,,,TDA\n"
    "SP_TRN_PUBL,KE-28,_T,_T,_T,_T,2019,25.0,PT,21.0,29.4,400,100,,,PDBAN\n"
    "SP_TRN_PUBL,KE-17,_T,_T,_T,_T,2019,6.0,PT,3.9,9.1,300,18,,,TDA\n"
    "SP_TRN_PUBL,KE-31,_T,_T,PD,_T,2019,8.0,PT,4.6,13.5,150,12,,,TDA\n"
)


@pytest.fixture
def transport(tmp_path: Path) -> Path:
    folder = tmp_path / "kenya"
    shutil.copytree(sdmx_cso.examples.example_path("kenya-disability-survey"), folder)
    meta = folder / "metadata.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace(
            "DATASET_ID: TDA_PWD_SOCIAL_SERVICES_2022_2023", "DATASET_ID: TDA_TRANSPORT"
        ),
        encoding="utf-8",
    )
    with (folder / "data.csv").open("a", encoding="utf-8") as out:
        out.write(TRANSPORT_ROWS)
    areas = tmp_path / "areas.csv"
    areas.write_text(CROSSWALK, encoding="utf-8")
    return folder


@pytest.mark.shared
def test_pairs_against_the_real_ke1_message(transport: Path, tmp_path: Path) -> None:
    official = shared_path("corpus", "sdg", "KE1_kenya_SDG_data_sample_structurespecific.xml")
    result = sdmx_cso.compare(transport, official=official, area_map=tmp_path / "areas.csv")
    assert result.official_rows == 68
    by_area = {p["OFFICIAL_REF_AREA"]: p for p in result.pairs}
    assert set(by_area) == {"KE_NBO", "KE_MBA", "KE_KIS", "KE_NUU"}
    # hand computed: KE1 2019 values 65.7 (Nairobi), 19.2 (Mombasa), 10.1 (Kisumu), 16.1 (Nakuru)
    expected = {
        "KE_NBO": ("62.0", "65.7", "3.7", "inside"),  # 58.1 <= 65.7 <= 65.9
        "KE_MBA": ("25.0", "19.2", "-5.8", "below"),  # 19.2 < 21.0
        "KE_KIS": ("6.0", "10.1", "4.1", "above"),  # 10.1 > 9.1
        "KE_NUU": ("8.0", "16.1", "8.1", "above"),  # 16.1 > 13.5
    }
    for area, (ours, theirs, difference, position) in expected.items():
        pair = by_area[area]
        assert (pair["OBS_VALUE"], pair["OFFICIAL_VALUE"]) == (ours, theirs)
        assert pair["DIFFERENCE"] == difference
        assert pair["POSITION"] == position
        assert pair["OFFICIAL_URBANISATION"] == "CITY"
    # the example's metadata states that its definitions deviate (COMPARABILITY)
    assert by_area["KE_NBO"]["VERDICT"] == "not comparable: definition differs"
    assert by_area["KE_NUU"]["VERDICT"] == "not comparable: definition differs, other population"
    assert by_area["KE_NUU"]["BREAKDOWN"] == "DISABILITY_STATUS=PD"
    assert [dict(g) for g in result.gap] == [
        {
            "SERIES": "SP_TRN_PUBL",
            "DIMENSION": "DISABILITY_STATUS",
            "VALUE": "PD",
            "OBSERVATIONS": "1",
        }
    ]


@pytest.mark.shared
def test_compare_command_writes_the_report(
    transport: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    official = shared_path("corpus", "sdg", "KE1_kenya_SDG_data_sample_structurespecific.xml")
    out = tmp_path / "cmp"
    args = ["compare", str(transport), "--official", str(official)]
    assert main([*args, "--area-map", str(tmp_path / "areas.csv"), "-o", str(out)]) == 0
    assert "4 pairs" in capsys.readouterr().err
    with (out / "comparison.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 4
    for column in ("SERIES", "REF_AREA", "TIME_PERIOD", "OBS_VALUE", "LOWER_BOUND"):
        assert column in rows[0]
    for column in ("UPPER_BOUND", "SAMPLE_SIZE", "OFFICIAL_REF_AREA", "OFFICIAL_VALUE", "VERDICT"):
        assert column in rows[0]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "4 matched pairs" in page
    assert "<svg" in page
    assert "Coverage gap" in page
    assert "src=" not in page  # self-contained: no external resources
    width, height, pixels = _decode_png((out / "chart-SP_TRN_PUBL.png").read_bytes())
    assert (width, height) == (640, 220)
    colours = {pixels[i : i + 3] for i in range(0, len(pixels), 3)}
    assert {b"\xff\xff\xff", bytes((31, 119, 180)), bytes((214, 39, 40))} <= colours


def _decode_png(data: bytes) -> tuple[int, int, bytes]:
    """A PNG of 8-bit RGB, filter 0, read by the book (signature, chunk CRCs, IHDR, IDAT)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, chunks = 8, {}
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc
        chunks[kind] = chunks.get(kind, b"") + body
        at += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, colour, interlace) == (8, 2, 0)
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = width * 3 + 1
    assert len(raw) == stride * height
    assert all(raw[r * stride] == 0 for r in range(height))
    return width, height, b"".join(raw[r * stride + 1 : (r + 1) * stride] for r in range(height))


def test_no_official_match_gives_no_pairs(transport: Path, tmp_path: Path) -> None:
    official = tmp_path / "official.csv"
    official.write_text(
        "DATAFLOW,SERIES,REF_AREA,SEX,TIME_PERIOD,OBS_VALUE\n"
        "KE1:DF_SDG(1.0),SP_TRN_PUBL,KE_NBO,_T,2018,60.0\n",
        encoding="utf-8",
    )
    result = sdmx_cso.compare(transport, official=official, area_map=tmp_path / "areas.csv")
    assert result.pairs == ()
    assert result.official_rows == 1


def _chromium() -> str | None:
    return next(
        (p for n in ("chromium", "chromium-browser") if (p := shutil.which(n)) is not None), None
    )


@pytest.mark.shared
@pytest.mark.slow
def test_the_report_renders_in_headless_chromium(transport: Path, tmp_path: Path) -> None:
    """What a reader sees: the browser's DOM after rendering the page."""
    browser = _chromium()
    if browser is None:
        pytest.skip("needs chromium (Debian: apt-get install chromium)")
    official = shared_path("corpus", "sdg", "KE1_kenya_SDG_data_sample_structurespecific.xml")
    result = sdmx_cso.compare(transport, official=official, area_map=tmp_path / "areas.csv")
    (page,) = [
        p
        for p in sdmx_cso.projection.write_comparison(result, tmp_path / "r")
        if p.suffix == ".html"
    ]
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    dom = done.stdout
    assert "4 matched pairs" in dom
    assert dom.count("<tr>") >= 1 + 4 + 1 + 1  # pairs head + 4 pairs + gap head + 1 gap row
    assert "KE_NBO" in dom
    assert "65.7" in dom
    assert "not comparable: definition differs, other population" in dom
    assert dom.count("<svg") == 1


@pytest.mark.shared
def test_the_bundled_transport_example_next_to_the_real_ke1_message(tmp_path: Path) -> None:
    """The bundled example that shares SP_TRN_PUBL with KNBS's KE1 data (2019, four cities)
    pairs each county total with the official city value; numbers by hand from data.csv."""
    official = shared_path("corpus", "sdg", "KE1_kenya_SDG_data_sample_structurespecific.xml")
    areas = tmp_path / "areas.csv"
    areas.write_text(CROSSWALK, encoding="utf-8")
    example = sdmx_cso.examples.example_path("kenya-transport-access")
    result = sdmx_cso.compare(example, official=official, area_map=areas)
    totals = {p["OFFICIAL_REF_AREA"]: p for p in result.pairs if p["BREAKDOWN"] == ""}
    # data.csv rows 2 (KE-30), 8 (KE-28), 14 (KE-17), 20 (KE-31): value, bounds; KE1: 2019
    expected = {
        "KE_NBO": ("56.1", "51.8", "60.4", "65.7", "9.6", "above"),
        "KE_MBA": ("22.0", "17.8", "26.7", "19.2", "-2.8", "inside"),
        "KE_KIS": ("14.8", "11.7", "18.5", "10.1", "-4.7", "below"),
        "KE_NUU": ("16.7", "12.8", "21.3", "16.1", "-0.6", "inside"),
    }
    got = {
        area: tuple(p[c] for c in ("OBS_VALUE", "LOWER_BOUND", "UPPER_BOUND", "OFFICIAL_VALUE",
                                   "DIFFERENCE", "VERDICT"))
        for area, p in totals.items()
    }  # fmt: skip
    assert got == expected
    # persons with disabilities: paired, but another population than the official total
    others = [p for p in result.pairs if p["BREAKDOWN"] != ""]
    assert len(others) == 4
    assert all(p["VERDICT"] == "not comparable: other population" for p in others)
    assert [g["VALUE"] for g in result.gap] == ["PD"]

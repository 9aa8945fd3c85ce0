"""Atomic outputs: replaced only on success, no partial file, permissions like any file."""

from __future__ import annotations

import os
import stat

import pytest

from sdmx_cso.io.atomic import atomic_output


def test_success_replaces_the_target_with_the_usual_permissions(tmp_path):
    target = tmp_path / "out.xml"
    target.write_bytes(b"old")
    old_mask = os.umask(0o022)
    try:
        with atomic_output(target) as out:
            out.write(b"new")
    finally:
        os.umask(old_mask)
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["out.xml"]


def test_failure_keeps_the_previous_file_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "out.xml"
    target.write_bytes(b"previous")

    def write_then_fail() -> None:
        with atomic_output(target) as out:
            out.write(b"half")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        write_then_fail()
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xml"]

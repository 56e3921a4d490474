"""Declared sources and the builder: idempotence, checksum refusal, missing Debian tools."""

import dataclasses
import json

import pytest

from course.data import SOURCES
from course.data.__main__ import main
from course.data.build import ChecksumMismatch, build, check_checksum, file_sha256, text_path
from course.data.sources import KINDS, Source, default_names, portable_names, resolve_names


def test_registry_is_complete_and_consistent():
    from course.data.extract import EXTRACTORS

    assert set(EXTRACTORS) == set(SOURCES)
    for source in SOURCES.values():
        assert source.kind in KINDS
        assert source.licence and source.title and source.path
        assert source.sha256 is not None and len(source.sha256) == 64
        if source.portable:
            assert source.kind in ("pypi-sdist", "wheel")
    assert default_names() == [
        "gcide",
        "wordnet",
        "kjv",
        "web",
        "austen",
        "mobydick",
        "shakespeare",
        "milton",
        "fortunes",
        "pang_lee",
        "wiki",
        "lee",
    ]
    assert portable_names() == ["shakespeare", "milton", "wiki", "lee"]
    with pytest.raises(ValueError, match="The 'kind' parameter of Source must be one of"):
        Source("x", "x", "ftp", "x", None, "x", "x", None)
    assert resolve_names("lee") == ["lee"]


def test_checksum_mismatch_message_names_source_expected_got_and_flag():
    with pytest.raises(ChecksumMismatch) as info:
        check_checksum(SOURCES["wiki"], "b" * 64, expected="a" * 64)
    message = str(info.value)
    for part in ("'wiki'", "a" * 64, "b" * 64, "--accept-checksum"):
        assert part in message


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    return tmp_path


def test_build_is_idempotent(data):
    first = build(["lee"], progress=False, log=lambda line: None)
    assert first.built == ["lee"] and first.ok
    assert file_sha256(text_path("lee")) == SOURCES["lee"].sha256
    second = build(["lee"], progress=False, log=lambda line: None)
    assert second.skipped == ["lee"] and second.built == []


def test_build_refuses_a_different_checksum_then_accepts_it(data, monkeypatch):
    monkeypatch.setitem(SOURCES, "lee", dataclasses.replace(SOURCES["lee"], sha256="0" * 64))
    lines = []
    report = build(["lee"], progress=False, log=lines.append)
    assert not report.ok and "lee" in report.rejected
    message = report.rejected["lee"]
    assert "expected " + "0" * 64 in message and "got " in message and "--accept-checksum" in message
    assert not text_path("lee").exists()
    assert text_path("lee").with_name("lee.txt.rejected").exists()
    assert any("REFUSED" in line for line in lines)

    report = build(["lee"], accept_checksum=True, progress=False, log=lines.append)
    assert report.built == ["lee"]
    accepted = json.loads((data / "text" / "accepted-checksums.json").read_text())
    assert accepted["lee"] == file_sha256(text_path("lee"))
    assert not text_path("lee").with_name("lee.txt.rejected").exists()
    assert build(["lee"], progress=False, log=lines.append).skipped == ["lee"]  # the accepted one now counts


def test_missing_apt_get_is_reported_and_the_rest_is_built(data, tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    lines = []
    report = build(["fortunes", "lee"], progress=False, log=lines.append)
    assert report.built == ["lee"]
    reason = report.unavailable["fortunes"]
    assert "'fortunes'" in reason and "apt-get" in reason and "--portable" in reason
    assert any(line.startswith("fortunes: UNAVAILABLE") for line in lines)


def test_cli_exit_status_and_info(data, monkeypatch, capsys, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert main(["build", "--sources", "kjv", "--no-progress"]) == 1
    assert "NOT BUILT kjv" in capsys.readouterr().err
    assert main(["build", "--sources", "lee", "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["info", "--json", "--sources", "lee"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["sources"] == {"lee": stats["tokens"]} and stats["types"] > 5000

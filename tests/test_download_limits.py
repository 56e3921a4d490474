"""download() against slow and oversized servers: an overall deadline and a size cap.

Fault class: a server on 127.0.0.1 that drips bytes (never tripping a per-read timeout), one that
never finishes its headers, and ones that declare or send more than the file may hold. Every
test is bounded in time: the download must give up by itself, quickly.
"""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from course.data.download import REMOTES, DownloadError, download

PAYLOAD = bytes(range(256)) * 40  # 10,240 bytes
SHA256 = hashlib.sha256(PAYLOAD).hexdigest()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def _drip(self, pieces, pause):
        try:
            for piece in pieces:
                self.wfile.write(piece)
                self.wfile.flush()
                time.sleep(pause)
        except OSError:  # the client hung up: what it should do
            pass

    def do_GET(self):
        mode = self.path.strip("/")
        if mode == "drip":  # honest headers, then one byte every 20 ms (about 200 s for the file)
            self.send_response(200)
            self.send_header("Content-Length", str(len(PAYLOAD)))
            self.end_headers()
            self._drip((PAYLOAD[i : i + 1] for i in range(len(PAYLOAD))), 0.02)
        elif mode == "drip-headers":  # a header line that never ends
            self._drip([b"HTTP/1.0 200 OK\r\n", b"X-Slow: "] + [b"z"] * 10_000, 0.02)
        elif mode == "declares-too-much":
            self.send_response(200)
            self.send_header("Content-Length", str(10 * len(PAYLOAD)))
            self.end_headers()
            self._drip([PAYLOAD] * 10, 0.0)
        elif mode == "sends-too-much":  # no Content-Length: the body ends when the server closes
            self.send_response(200)
            self.end_headers()
            type(self).sent = 0
            for _ in range(2000):  # up to 20 MB, unless the client stops reading
                try:
                    self.wfile.write(PAYLOAD)
                except OSError:
                    break
                type(self).sent += len(PAYLOAD)
        else:
            self.send_response(200)
            self.send_header("Content-Length", str(len(PAYLOAD)))
            self.end_headers()
            self.wfile.write(PAYLOAD)


@pytest.fixture
def server():
    class Handler(_Handler):
        sent = 0

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield Handler, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_dripping_body_is_stopped_by_the_deadline(server, tmp_path):
    _, url = server
    dest = tmp_path / "f.bin"
    start = time.perf_counter()
    with pytest.raises(DownloadError, match=r"did not finish within deadline=0\.5 s.*resume"):
        download(url + "/drip", dest, SHA256, timeout=5, deadline=0.5)
    assert time.perf_counter() - start < 2.0  # not 200 s, and not the 5 s read timeout either
    assert not dest.exists()
    part = tmp_path / "f.bin.part"
    assert 0 < part.stat().st_size < len(PAYLOAD)  # kept: a later call resumes from it


def test_headers_that_never_end_are_stopped_by_the_deadline(server, tmp_path):
    _, url = server
    start = time.perf_counter()
    with pytest.raises(DownloadError, match="deadline=0.5 s"):
        download(url + "/drip-headers", tmp_path / "f.bin", SHA256, timeout=5, deadline=0.5)
    assert time.perf_counter() - start < 2.0
    assert not (tmp_path / "f.bin").exists()


def test_a_declared_size_above_the_cap_is_refused_before_reading(server, tmp_path):
    _, url = server
    with pytest.raises(DownloadError, match=r"refused: the server declares 102,400 bytes, more than max_bytes=20,000"):
        download(url + "/declares-too-much", tmp_path / "f.bin", SHA256, max_bytes=20_000, deadline=10)
    assert list(tmp_path.iterdir()) == []  # nothing partial left


def test_a_body_that_grows_past_the_cap_is_cut_off(server, tmp_path):
    handler, url = server
    start = time.perf_counter()
    with pytest.raises(
        DownloadError, match=r"refused: the server sent at least [\d,]+ bytes, more than max_bytes=50,000"
    ):
        download(url + "/sends-too-much", tmp_path / "f.bin", SHA256, max_bytes=50_000, deadline=10)
    assert time.perf_counter() - start < 2.0
    assert list(tmp_path.iterdir()) == []
    time.sleep(0.2)
    assert handler.sent < 5_000_000  # it stopped reading long before the server's 20 MB


def test_an_earlier_part_larger_than_the_cap_is_deleted(server, tmp_path):
    _, url = server
    (tmp_path / "f.bin.part").write_bytes(b"x" * 30_000)
    with pytest.raises(DownloadError, match="partial file from an earlier call holds 30,000 bytes"):
        download(url + "/ok", tmp_path / "f.bin", SHA256, max_bytes=20_000)
    assert list(tmp_path.iterdir()) == []


def test_within_both_bounds_the_file_arrives(server, tmp_path):
    _, url = server
    dest = download(url + "/ok", tmp_path / "f.bin", SHA256, max_bytes=len(PAYLOAD), deadline=10)
    assert dest.read_bytes() == PAYLOAD


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"deadline": 0}, ValueError, r"The 'deadline' parameter of download must be a float in the range \(0, inf\)"),
        (
            {"deadline": float("inf")},
            ValueError,
            r"The 'deadline' parameter of download must be a float in the range \(0, inf\)\. Got inf instead",
        ),
        ({"deadline": "1"}, TypeError, "'deadline' parameter of download"),
        ({"timeout": -1}, ValueError, "'timeout' parameter of download"),
        ({"max_bytes": 0}, ValueError, r"The 'max_bytes' parameter of download must be an int in the range \[1, inf\)"),
        ({"max_bytes": 1.5}, TypeError, "'max_bytes' parameter of download"),
    ],
)
def test_bounds_are_validated(tmp_path, kwargs, error, message):
    with pytest.raises(error, match=message):
        download("http://127.0.0.1:9/none", tmp_path / "x", SHA256, **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_every_declared_remote_has_a_size_bound():
    for remotes in REMOTES.values():
        for remote in remotes:
            assert 100_000 < remote.max_bytes < 100_000_000
    assert REMOTES["text8"][0].max_bytes == 31_344_016  # its published size

"""download(): success, wrong hash, interrupted transfer and resume, against a local HTTP server."""

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from course.data.download import REMOTES, DownloadError, download

PAYLOAD = bytes(range(256)) * 400  # 102,400 bytes
SHA256 = hashlib.sha256(PAYLOAD).hexdigest()


class _Handler(BaseHTTPRequestHandler):
    # class attributes set per test: how many requests to cut short, whether Range is honoured
    cut_first = 0
    honour_range = True
    requests: list = []

    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_GET(self):
        cls = type(self)
        cls.requests.append(self.headers.get("Range"))
        start = 0
        header = self.headers.get("Range")
        if header and cls.honour_range:
            start = int(header.split("=")[1].split("-")[0])
            if start >= len(PAYLOAD):
                self.send_response(416)
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(PAYLOAD) - 1}/{len(PAYLOAD)}")
        else:
            self.send_response(200)
        body = PAYLOAD[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if cls.cut_first > 0:  # send half of the body, then drop the connection
            cls.cut_first -= 1
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


@pytest.fixture
def server():
    class Handler(_Handler):
        requests = []

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield Handler, f"http://127.0.0.1:{httpd.server_address[1]}/file.bin"
    httpd.shutdown()
    httpd.server_close()


def test_success_and_idempotence(server, tmp_path):
    handler, url = server
    dest = tmp_path / "sub" / "file.bin"
    assert download(url, dest, SHA256) == dest
    assert dest.read_bytes() == PAYLOAD
    assert not dest.with_name("file.bin.part").exists()
    download(url, dest, SHA256)
    assert len(handler.requests) == 1  # already there and verified: no second request


def test_named_algorithm(server, tmp_path):
    _, url = server
    dest = download(url, tmp_path / "f", ("md5", hashlib.md5(PAYLOAD).hexdigest()))
    assert dest.read_bytes() == PAYLOAD


def test_wrong_hash_leaves_nothing(server, tmp_path):
    _, url = server
    dest = tmp_path / "file.bin"
    with pytest.raises(DownloadError, match="Checksum mismatch.*nothing was written"):
        download(url, dest, "0" * 64)
    assert list(tmp_path.iterdir()) == []


def test_interrupted_download_then_resume(server, tmp_path):
    handler, url = server
    handler.cut_first = 1
    dest = tmp_path / "file.bin"
    with pytest.raises(DownloadError, match="resume"):
        download(url, dest, SHA256)
    assert not dest.exists()
    part = tmp_path / "file.bin.part"
    assert 0 < part.stat().st_size < len(PAYLOAD)
    download(url, dest, SHA256)
    assert dest.read_bytes() == PAYLOAD and not part.exists()
    assert handler.requests == [None, f"bytes={len(PAYLOAD) // 2}-"]


def test_resume_when_the_server_ignores_range(server, tmp_path):
    handler, url = server
    handler.cut_first = 1
    handler.honour_range = False
    dest = tmp_path / "file.bin"
    with pytest.raises(DownloadError):
        download(url, dest, SHA256)
    download(url, dest, SHA256)  # a 200 answer restarts the file instead of appending
    assert dest.read_bytes() == PAYLOAD


def test_complete_part_file_is_finished_without_a_body(server, tmp_path):
    _, url = server
    (tmp_path / "file.bin.part").write_bytes(PAYLOAD)
    assert download(url, tmp_path / "file.bin", SHA256).read_bytes() == PAYLOAD  # server answers 416


def test_unreachable_server_and_bad_checksum_argument(tmp_path):
    with pytest.raises(DownloadError, match="failed"):
        download("http://127.0.0.1:9/none", tmp_path / "x", "0" * 64, timeout=2)
    assert not (tmp_path / "x").exists()
    with pytest.raises(TypeError, match="'checksum' parameter of download"):
        download("http://127.0.0.1:9/none", tmp_path / "x", 123)


def test_declared_remotes_have_hashes_of_the_right_length():
    lengths = {"md5": 32, "sha1": 40, "sha256": 64}
    assert set(REMOTES) == {"text8", "ptb"}
    for remotes in REMOTES.values():
        for remote in remotes:
            assert len(remote.hexdigest) == lengths[remote.algorithm] and remote.url.startswith("http")

"""kg fetch against a real HTTP server on loopback serving documented-format responses."""

from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path

import pytest

from kg.fetch import FetchError, fetch_arxiv, fetch_hf
from kg.readers import read_papers

DATA = Path(__file__).resolve().parent / "data"


class _Handler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []
    fail_first = 0
    fail_after = 0  # requests answered before every later one gets 400 (0: never)

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        if type(self).fail_after and len(type(self).hits) > type(self).fail_after:
            self.send_response(400)
            self.end_headers()
            return
        if type(self).fail_first > 0:
            type(self).fail_first -= 1
            self.send_response(503)
            self.end_headers()
            return
        body = (DATA / ("arxiv.xml" if "search_query" in self.path else "hf_daily.json")
                ).read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        return None


@pytest.fixture
def server():
    _Handler.hits = []
    _Handler.fail_first = 0
    _Handler.fail_after = 0
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_fetch_arxiv_saves_pages_spaced_by_the_delay(server: str, tmp_path: Path) -> None:
    start = time.monotonic()
    files = fetch_arxiv("all:serving", 4, tmp_path, base_url=server + "/api/query",
                        page_size=2, delay=0.3)
    assert len(files) == 2 and len(_Handler.hits) == 2
    assert time.monotonic() - start >= 0.3
    assert "search_query=all%3Aserving" in _Handler.hits[0]
    papers = read_papers(files)
    assert {p.arxiv_id for p in papers} == {"2503.01234", "2502.05678"}


def test_fetch_retries_on_503(server: str, tmp_path: Path) -> None:
    _Handler.fail_first = 2
    path = fetch_hf("2025-03-12", tmp_path, base_url=server + "/api/daily_papers", delay=0,
                    backoff=0.01)
    assert len(_Handler.hits) == 3 and path.name == "hf-daily-2025-03-12.json"
    assert "date=2025-03-12" in _Handler.hits[-1]
    assert len(read_papers([path])) == 2


def test_fetch_offline_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens once the socket is closed
    with pytest.raises(FetchError, match="network may be offline"):
        fetch_hf("2025-03-12", tmp_path, base_url=f"http://127.0.0.1:{port}/x", delay=0,
                 retries=1, backoff=0.01)


def test_fetch_arxiv_error_says_what_was_saved(server: str, tmp_path: Path) -> None:
    """Offline, nothing is saved and the message says so (issue 25: it pointed at a folder
    never made); failing later, it names the responses saved before."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    out = tmp_path / "raw"
    with pytest.raises(FetchError, match="network may be offline; nothing was saved$"):
        fetch_arxiv("all:serving", 4, out, base_url=f"http://127.0.0.1:{port}/x", delay=0,
                    retries=1, backoff=0.01)
    assert not out.exists()
    _Handler.fail_after = 1
    with pytest.raises(FetchError, match=r"the 1 responses saved before it are in .*raw: "
                                         r"arxiv-all-serving-000000.xml$"):
        fetch_arxiv("all:serving", 4, out, base_url=server + "/api/query", page_size=2,
                    delay=0, retries=1, backoff=0.01)
    assert [p.name for p in out.iterdir()] == ["arxiv-all-serving-000000.xml"]


def test_fetch_rejects_a_bad_date(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="YYYY-MM-DD"):
        fetch_hf("12/03/2025", tmp_path)

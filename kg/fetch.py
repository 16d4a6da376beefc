"""Fetching new papers from the arXiv API and the Hugging Face papers API.

Every response is saved as received (``arxiv-<query>-<start>.xml``, ``hf-daily-<date>.json``)
in the output folder before it is parsed, so a build can be rerun offline from the saved files.
Requests follow arXiv's terms of use: at most one request every 3 seconds, a descriptive
User-Agent, and retries with exponential backoff on 429/5xx and connection errors. When the
network is unreachable the error says so and names the folder of saved responses.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from kg import __version__
from kg.errors import KGError
from kg.infra.fileio import atomic_open

__all__ = ["ARXIV_API", "HF_API", "FetchError", "fetch_arxiv", "fetch_hf"]

ARXIV_API = "http://export.arxiv.org/api/query"
HF_API = "https://huggingface.co/api/daily_papers"
USER_AGENT = f"kg/{__version__} (ML-systems knowledge graph; polite client)"


class FetchError(KGError):
    """A fetch failed after its retries, or the network is unreachable."""


class _Polite:
    """Spaces requests ``delay`` seconds apart (arXiv asks for 3 s)."""

    def __init__(self, delay: float):
        self.delay = delay
        self.last = 0.0

    def wait(self) -> None:
        pause = self.last + self.delay - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        self.last = time.monotonic()


def _get(url: str, polite: _Polite, *, retries: int, backoff: float, timeout: float) -> bytes:
    for attempt in range(retries + 1):
        polite.wait()
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.read()
        except urllib.error.HTTPError as err:
            if err.code not in (429, 500, 502, 503, 504) or attempt == retries:
                raise FetchError(f"{url}: HTTP {err.code} {err.reason}") from err
        except (urllib.error.URLError, TimeoutError, ConnectionError) as err:
            if attempt == retries:
                reason = getattr(err, "reason", err)
                raise FetchError(f"cannot reach {urllib.parse.urlsplit(url).netloc} ({reason}): "
                                 "the network may be offline") from err
        time.sleep(backoff * (2 ** attempt))
    raise FetchError(f"{url}: no response")  # pragma: no cover - the loop returns or raises


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:60] or "query"


def fetch_arxiv(query: str, max_results: int, out_dir: str | Path, *,
                base_url: str = ARXIV_API, page_size: int = 100, delay: float = 3.0,
                retries: int = 3, backoff: float = 3.0, timeout: float = 30.0) -> list[Path]:
    """Save arXiv API result pages for ``query`` (up to ``max_results`` entries).

    Returns the saved files; stops early when a page has no more entries.
    """
    out = Path(out_dir)
    polite = _Polite(delay)
    saved: list[Path] = []
    for start in range(0, max_results, page_size):
        size = min(page_size, max_results - start)
        params = urllib.parse.urlencode({"search_query": query, "start": start,
                                         "max_results": size, "sortBy": "submittedDate"})
        try:
            body = _get(f"{base_url}?{params}", polite, retries=retries, backoff=backoff,
                        timeout=timeout)
        except FetchError as err:
            if not saved:
                raise FetchError(f"{err}; nothing was saved") from err
            raise FetchError(f"{err}; the {len(saved)} responses saved before it are in "
                             f"{out}: {', '.join(p.name for p in saved)}") from err
        path = out / f"arxiv-{_slug(query)}-{start:06d}.xml"
        with atomic_open(path, "wb") as handle:
            handle.write(body)
        saved.append(path)
        if body.count(b"<entry") < size:
            break
    return saved


def fetch_hf(date: str, out_dir: str | Path, *, base_url: str = HF_API, delay: float = 1.0,
             retries: int = 3, backoff: float = 2.0, timeout: float = 30.0) -> Path:
    """Save the Hugging Face Daily Papers of ``date`` (YYYY-MM-DD) as JSON."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise FetchError(f"date must be YYYY-MM-DD, not {date!r}")
    url = f"{base_url}?{urllib.parse.urlencode({'date': date})}"
    body = _get(url, _Polite(delay), retries=retries, backoff=backoff, timeout=timeout)
    path = Path(out_dir) / f"hf-daily-{date}.json"
    with atomic_open(path, "wb") as handle:
        handle.write(body)
    return path

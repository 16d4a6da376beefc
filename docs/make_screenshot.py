"""Regenerate the README's pictures of the build's graph.html in headless Chromium:
docs/graph.png (the graph) and docs/view-<name>.png beside it (each view of the page).

Usage (after ``make demo`` built ``exports/``):
    .venv/bin/python docs/make_screenshot.py [--graph exports] [--out docs/graph.png]

Why a script: the picture shows the page's node counts, which change with every extraction
change; taken by hand it falls behind. The PNG carries the build's node and edge counts in a
text chunk (``kg-summary``), so ``tests/test_docs.py`` can tell a picture of an older build
from a current one and say to run this again.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
import zlib
from pathlib import Path

VIEWPORT = {"width": 1400, "height": 900}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
KEY = "kg-summary"
VIEWS = ("comparisons", "map", "trends", "top")


def summary_text(graph_dir: Path) -> str:
    """The counts the picture shows, from the build's summary.json, as one JSON line."""
    summary = json.loads((graph_dir / "summary.json").read_text(encoding="utf-8"))
    return json.dumps({"papers": summary["papers"], "nodes": summary["nodes"],
                       "edges": summary["edges"]}, sort_keys=True)


def with_text_chunk(png: bytes, key: str, text: str) -> bytes:
    """``png`` with a tEXt chunk ``key``=``text`` after its header chunk."""
    data = key.encode("latin-1") + b"\0" + text.encode("latin-1")
    chunk = (len(data).to_bytes(4, "big") + b"tEXt" + data
             + zlib.crc32(b"tEXt" + data).to_bytes(4, "big"))
    end_of_header = 8 + 4 + 4 + 13 + 4  # signature, IHDR length, type, body, CRC
    return png[:end_of_header] + chunk + png[end_of_header:]


def text_chunks(png: bytes) -> dict[str, str]:
    """Every tEXt chunk of ``png``."""
    out, at = {}, 8
    while at < len(png):
        length = int.from_bytes(png[at:at + 4], "big")
        kind, body = png[at + 4:at + 8], png[at + 8:at + 8 + length]
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            out[key.decode("latin-1")] = value.decode("latin-1")
        at += 12 + length
    return out


def screenshot(page_path: Path, *, timeout_s: float = 60) -> dict[str, bytes]:
    """PNGs of the page once its layout has settled (``window.kgReady``): "graph", then each
    of ``VIEWS`` (the map with its first cell's papers open)."""
    from playwright.sync_api import sync_playwright

    chromium = next((p for p in map(shutil.which, ("chromium", "chromium-browser",
                                                     "google-chrome")) if p), None)
    if chromium is None:
        raise SystemExit("no Chromium found (.ci/run installs Debian's chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(page_path.resolve().as_uri())
            deadline = time.monotonic() + timeout_s
            # Polled from Python: the page's Content-Security-Policy forbids the eval
            # that wait_for_function relies on.
            while not page.evaluate("window.kgReady === true"):
                if time.monotonic() > deadline:
                    raise SystemExit(f"{page_path}: the page never became ready")
                time.sleep(0.05)
            time.sleep(0.5)  # the last frame of the settled layout
            shots = {"graph": page.screenshot()}
            for view in VIEWS:
                page.click(f'#tabs button[data-view="{view}"]')
                if view == "map" and page.locator("#view-map td.cell").count():
                    page.locator("#view-map td.cell").first.click()
                shots[view] = page.screenshot()
            return shots
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--graph", default="exports", help="the output folder of a kg build")
    ap.add_argument("--out", default=str(Path(__file__).with_name("graph.png")))
    args = ap.parse_args(argv)
    graph_dir = Path(args.graph)
    if not (graph_dir / "graph.html").is_file():
        print(f"{graph_dir}/graph.html not found: run 'make demo' (or kg build) first",
              file=sys.stderr)
        return 1
    from kg.infra.fileio import atomic_open

    counts = summary_text(graph_dir)
    out = Path(args.out)
    for name, png in screenshot(graph_dir / "graph.html").items():
        target = out if name == "graph" else out.with_name(f"view-{name}.png")
        with atomic_open(target, "wb") as handle:
            handle.write(with_text_chunk(png, KEY, counts))
        print(f"Wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Time until the HTML page is interactive (layout settled, physics off) in headless Chromium.

Usage:
    python benchmarks/bench_html.py [--sizes 319,5000,20000] [--work DIR]

For each size: builds the graph of that many papers (the sample corpus for 319, a corpus from
../shared/bench/make_corpus.py otherwise), writes graph.html, opens it in Debian's Chromium via
Playwright and prints the papers and nodes the page holds (at most ``MAX_PAPERS`` papers, the
most recent), the file size, the nodes drawn at first, the seconds ``write_html`` took, and
the seconds from navigation to ``window.kgReady``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def corpus_for(size: int, work: Path) -> list[Path]:
    if size == 319:
        return sorted((SHARED / "corpus").glob("*.txt"))
    folder = work / f"corpus-{size}"
    if not folder.exists():
        subprocess.run([sys.executable, str(SHARED / "bench" / "make_corpus.py"), str(size),
                        str(folder)], check=True)
    return sorted(folder.glob("*.txt"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="319,5000,20000")
    ap.add_argument("--work", default="/tmp/kg-bench-html")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from kg.export.html import write_html
    from kg.extract import extract_papers
    from kg.merge import build_graph
    from kg.readers import read_papers

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    print(f"{'papers':>7} {'on page':>8} {'nodes':>7} {'drawn':>6} {'MB':>6} {'write s':>8} "
          f"{'ready s':>8}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        for size in (int(s) for s in args.sizes.split(",")):
            G = build_graph(extract_papers(read_papers(corpus_for(size, work))))
            page_path = work / f"graph-{size}.html"
            start = time.perf_counter()
            write_html(G, page_path)
            written = time.perf_counter() - start
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            start = time.perf_counter()
            page.goto(page_path.as_uri(), timeout=300_000)
            while not page.evaluate("window.kgReady === true"):  # the page's CSP forbids
                time.sleep(0.05)                                   # wait_for_function's eval
            ready = time.perf_counter() - start
            drawn = page.evaluate("network.body.data.nodes.length")
            kinds = page.evaluate("NODES.map(n => n.kind)")
            mb = page_path.stat().st_size / 1e6
            print(f"{size:>7} {kinds.count('Paper'):>8} {len(kinds):>7} {drawn:>6} {mb:>6.1f} "
                  f"{written:>8.2f} {ready:>8.2f}")
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

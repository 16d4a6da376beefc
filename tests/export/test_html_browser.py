"""The HTML page driven in a real headless Chromium (Debian's package) through Playwright."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from kg.export.html import write_html
from kg.extract import extract_papers
from kg.merge import build_graph
from kg.model import Paper, SourceRef
from kg.readers import read_papers

pytestmark = pytest.mark.slow

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium)")


@pytest.fixture
def browser_page():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        yield page
        browser.close()


def _open(page, path: Path) -> dict:
    seen = {"requests": [], "errors": [], "dialogs": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    # Poll from Python: the page's Content-Security-Policy forbids the eval that
    # wait_for_function relies on.
    deadline = time.monotonic() + 60
    while not page.evaluate("window.kgReady === true"):
        assert time.monotonic() < deadline, "the page never became ready"
        time.sleep(0.05)
    return seen


@pytest.fixture
def html(page: Path, tmp_path: Path) -> Path:
    exploring = Paper(id="paper-explore", title="Efficient exploration for agents",
                      abstract="We study exploration with reinforcement learning on GPUs.",
                      sources=(SourceRef("x.txt", 2),))
    hostile = Paper(id="paper-hostile", title="<img src=x onerror=alert(1)> on GPUs",
                    abstract="We run LoRA on GPUs. </script><script>alert(2)</script> ends.",
                    sources=(SourceRef("x.txt", 1),))
    G = build_graph(extract_papers([*read_papers([page]), hostile, exploring]))
    out = tmp_path / "graph.html"
    write_html(G, out)
    return out


def test_html_browser_offline_no_errors_and_all_nodes_drawn(browser_page, html: Path) -> None:
    seen = _open(browser_page, html)
    assert seen["errors"] == []
    assert all(url.startswith("file://") for url in seen["requests"]), seen["requests"]
    drawn = browser_page.evaluate("network.body.data.nodes.length")
    assert drawn == browser_page.evaluate("NODES.length") > 10
    assert browser_page.evaluate("network.physics.options.enabled") is False


def test_html_browser_search_finds_lora(browser_page, html: Path) -> None:
    _open(browser_page, html)
    browser_page.fill("#search", "LoRA")
    rows = browser_page.locator("#results div")
    assert rows.count() >= 1
    assert "Low-Rank Adaptation" in rows.first.inner_text()
    rows.first.click()
    assert "Low-Rank Adaptation" in browser_page.inner_text("#panel")


def test_html_browser_filters_prune_keep_the_layout_and_count_true(browser_page,
                                                                    html: Path) -> None:
    """Issue 24: a filter hides the nodes it leaves with no shown edge, the status line
    counts what is drawn, and nodes that come back return where they were."""
    _open(browser_page, html)
    before = browser_page.evaluate("network.getPositions()")
    browser_page.uncheck('#relation-filters input[data-relation="uses"]')
    shown = browser_page.evaluate("""() => {
        const ids = new Set(nodeView.getIds());
        const drawn = edgeView.get().filter(e => ids.has(e.from) && ids.has(e.to));
        const ends = new Set(drawn.flatMap(e => [e.from, e.to]));
        return {nodes: ids.size, edges: drawn.length, orphans: [...ids].filter(i => !ends.has(i)),
                uses: drawn.filter(e => e.relation === "uses").length};
    }""")
    assert shown["orphans"] == [] and shown["uses"] == 0
    assert shown["nodes"] < len(before)
    assert f"{shown['nodes']} nodes, {shown['edges']} edges shown" in \
        browser_page.inner_text("#status")
    browser_page.uncheck('#type-filters input[data-type="Paper"]')
    assert browser_page.evaluate("nodeView.get().filter(n => n.kind === 'Paper').length") == 0
    browser_page.check('#type-filters input[data-type="Paper"]')
    browser_page.check('#relation-filters input[data-relation="uses"]')
    after = browser_page.evaluate("network.getPositions()")
    assert after.keys() == before.keys()
    assert all(abs(after[n]["x"] - before[n]["x"]) < 1 and abs(after[n]["y"] - before[n]["y"]) < 1
               for n in before)


@pytest.mark.parametrize("size", [(1280, 720), (1400, 900)])
def test_html_browser_search_ranks_and_the_panel_stays_in_view(browser_page, html: Path,
                                                              size) -> None:
    """Issue 24: "LoRA" ranks the LoRA concept before papers that contain "lora" inside a
    word; the keyboard opens it; the panel is inside the viewport; its links select."""
    browser_page.set_viewport_size({"width": size[0], "height": size[1]})
    seen = _open(browser_page, html)
    browser_page.fill("#search", "LoRA")
    rows = browser_page.locator("#results div").all_inner_texts()
    assert rows[0] == "Low-Rank Adaptation (Technique)"
    assert any("exploration" in r.lower() for r in rows[1:])
    browser_page.press("#search", "ArrowDown")
    browser_page.press("#search", "Enter")
    panel = browser_page.locator("#panel")
    assert panel.inner_text().startswith("×\nLow-Rank Adaptation") or \
        "Low-Rank Adaptation" in panel.inner_text()
    box = panel.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= size[0] and box["y"] + box["height"] <= size[1]
    # The selected node's neighbours keep their colour, the others fade.
    faded = browser_page.evaluate("""() => nodes.get().filter(n => typeof n.color === 'string'
        && n.color.startsWith('rgba(200')).map(n => n.id)""")
    assert faded and "technique/lora" not in faded
    link = browser_page.locator("#panel a").first
    target = link.get_attribute("data-id")
    link.click()
    assert browser_page.evaluate("network.getSelectedNodes()") == [target]
    assert seen["errors"] == []


def test_html_browser_paper_panel_groups_relations_and_marks_the_title(browser_page,
                                                                       html: Path) -> None:
    _open(browser_page, html)
    browser_page.evaluate("() => select('paper-hostile')")
    groups = browser_page.locator("#panel div.meta").all_inner_texts()
    assert any(g.startswith("uses (") for g in groups)
    assert any(g.startswith("targets (") for g in groups)
    assert browser_page.locator("#panel h3 mark").count() >= 1  # "GPUs" in the title
    assert browser_page.locator("#panel a").count() >= 2
    sentences = browser_page.locator("#panel .evidence").all_inner_texts()
    text = "<img src=x onerror=alert(1)> on GPUs\nWe run LoRA on GPUs. " \
        "</script><script>alert(2)</script> ends."
    assert sentences and all(s and s in text for s in sentences), sentences


def test_html_browser_click_paper_shows_panel_and_hostile_text_is_text(
        browser_page, html: Path) -> None:
    seen = _open(browser_page, html)
    position = browser_page.evaluate("""() => {
        const pos = network.getPositions(["paper-hostile"])["paper-hostile"];
        network.moveTo({position: pos, scale: 1.5});
        return network.canvasToDOM(pos);
    }""")
    box = browser_page.locator("#graph").bounding_box()
    browser_page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])
    panel = browser_page.inner_text("#panel")
    assert "<img src=x onerror=alert(1)> on GPUs" in panel
    assert "</script><script>alert(2)</script>" in panel
    assert browser_page.locator("#panel mark").count() >= 1  # evidence highlighted
    assert seen["dialogs"] == [] and seen["errors"] == []


def test_html_browser_large_graph_opens_on_top_nodes_and_expands(browser_page, page: Path,
                                                                 tmp_path: Path) -> None:
    G = build_graph(extract_papers(read_papers([page])))
    out = tmp_path / "big.html"
    write_html(G, out, max_nodes=5)
    seen = _open(browser_page, out)
    assert browser_page.evaluate("network.body.data.nodes.length") == 5
    assert "more: search or double-click" in browser_page.inner_text("#status")
    browser_page.fill("#search", "speculative")
    browser_page.locator("#results div").first.click()
    assert browser_page.evaluate("network.body.data.nodes.length") > 5
    assert seen["errors"] == []


def test_html_browser_sample_of_papers_says_so(browser_page, corpus_files: list[Path],
                                               tmp_path: Path) -> None:
    """A page past ``max_papers`` opens with the most recent papers and tells the reader it
    holds a sample and where the rest is."""
    G = build_graph(extract_papers(read_papers(corpus_files[:1])))
    out = tmp_path / "sample.html"
    write_html(G, out, max_papers=10)
    seen = _open(browser_page, out)
    note = browser_page.inner_text("#sample-note")
    assert note.startswith("Showing the 10 most recent of ") and "SPARQL store" in note
    kinds = browser_page.evaluate("NODES.map(n => n.kind)")
    assert kinds.count("Paper") == 10 and len(kinds) > 10
    assert seen["errors"] == [] and seen["requests"] == [out.as_uri()]


def test_html_browser_evidence_marks_the_right_words_after_emoji(browser_page,
                                                                tmp_path: Path) -> None:
    """Issue 21, defect 11: offsets count code points, JavaScript strings UTF-16 units, so an
    emoji in the title moved every highlight one character per emoji."""
    paper = Paper(id="paper-emoji", title="🤖🤖 Serving adapters fast",
                  abstract="We apply LoRA to Llama-3-70B on NVIDIA H100 GPUs.",
                  sources=(SourceRef("x.txt", 1),))
    G = build_graph(extract_papers([paper]))
    path = tmp_path / "emoji.html"
    write_html(G, path)
    seen = _open(browser_page, path)
    browser_page.evaluate("() => showPanel('paper-emoji')")
    marks = browser_page.locator("#panel p mark").all_inner_texts()
    assert "LoRA" in marks
    assert all(text in paper.abstract.split(" ") or text in paper.abstract for text in marks)
    assert all(not text.startswith((" ", "e ", "A")) for text in marks), marks
    assert seen["errors"] == []


def test_html_browser_confidence_slider_hides_less_sure_edges(browser_page, html: Path) -> None:
    """The page's confidence slider keeps only edges at least that sure, and the status line
    counts what is shown (issue 23)."""
    seen = _open(browser_page, html)
    confidences = browser_page.evaluate("EDGES.map(e => e.confidence).filter(c => c !== undefined)")
    assert confidences and all(0 <= c <= 1 for c in confidences)
    # On the slider's 0.05 grid, between the least and most sure edges of the page.
    threshold = round(sorted(confidences)[len(confidences) // 2] * 20) / 20
    assert min(confidences) < threshold <= max(confidences)
    before = browser_page.evaluate("edgeView.length")
    browser_page.locator("#confidence").fill(str(threshold))
    after = browser_page.evaluate("edgeView.length")
    kept = sum(c >= threshold for c in confidences)
    unscored = browser_page.evaluate("EDGES.filter(e => e.confidence === undefined).length")
    assert after == kept + unscored < before
    assert f"{after} edges shown" in browser_page.inner_text("#status")
    assert browser_page.inner_text("#confidence-value") == f"{threshold:.2f}"
    assert seen["errors"] == []


def test_html_browser_opens_labelled_on_its_hubs_and_labels_a_selection(browser_page,
                                                                        html: Path) -> None:
    """Issue 24: the page opens with labels on the most connected concepts only (papers
    unlabelled), and a selected node's neighbourhood gets its labels."""
    from kg.export.html import LABELLED

    _open(browser_page, html)
    labelled = browser_page.evaluate("nodes.get().filter(n => n.label).map(n => n.id)")
    assert 0 < len(labelled) <= LABELLED
    assert not any(i.startswith("paper-") for i in labelled)
    browser_page.evaluate("() => select('paper-hostile')")
    names = browser_page.evaluate("""() => [...lit].map(id => nodes.get(id).label)""")
    assert names and all(names)


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory):
    """The sample corpus built with its page and its store."""
    import kg

    files = sorted((Path(__file__).resolve().parents[2].parent / "shared" / "corpus")
                   .glob("*.txt"))
    if not files:
        pytest.skip("shared corpus not found")
    out = tmp_path_factory.mktemp("views") / "exports"
    kg.build(files, out, formats=["html", "store"], use_cache=False)
    return out


def _sparql_rows(out: Path, query: str) -> list[list[str]]:
    import csv
    import io

    from kg.sparql import open_store, run_query

    text = run_query(open_store(out / "store"), query, fmt="csv")
    return list(csv.reader(io.StringIO(text)))[1:]


@pytest.mark.parametrize("size", [(1280, 720), (1400, 900)])
def test_html_browser_views_equal_sparql_over_the_same_build(browser_page, sample_build,
                                                             size) -> None:
    """Issue 24: each view is one click away and its counts are the store's: the top lists
    and the map's cells are the build's concept and pair tallies, the comparisons table has
    every outperforms statement, the trends say how many papers carry a date."""
    browser_page.set_viewport_size({"width": size[0], "height": size[1]})
    seen = _open(browser_page, sample_build / "graph.html")
    page = browser_page

    page.click('#tabs button[data-view="top"]')
    for kind, relation in (("Technique", "uses"), ("Hardware", "targets"),
                           ("Metric", "measures")):
        items = page.locator(f'#view-top div[data-kind="{kind}"] li')
        assert items.count() > 5
        first = items.first
        node = first.locator("a").get_attribute("data-id")
        count = int(first.inner_text().rsplit("(", 1)[1].rstrip(")"))
        [[n]] = _sparql_rows(sample_build, f"""SELECT ?n WHERE {{ ?t a kg:ConceptTally ;
            kg:relation kg:{relation} ; kg:concept <https://w3id.org/mlsys-kg/id/{node}> ;
            kg:paperCount ?n }}""")
        assert count == int(n), (kind, node)

    page.click('#tabs button[data-view="map"]')
    cell = page.locator("#view-map td.cell").nth(2)
    row, column = cell.get_attribute("data-row"), cell.get_attribute("data-column")
    pair = _sparql_rows(sample_build, f"""SELECT ?n WHERE {{ ?t a kg:PairTally ;
        kg:relation kg:uses ; kg:concept <https://w3id.org/mlsys-kg/id/{row}> ;
        kg:withRelation kg:targets ; kg:withConcept <https://w3id.org/mlsys-kg/id/{column}> ;
        kg:paperCount ?n }}""")
    assert int(cell.inner_text()) == (int(pair[0][0]) if pair else 0)
    cell.click()
    assert page.locator("#map-papers li").count() == int(cell.inner_text())

    page.click('#tabs button[data-view="comparisons"]')
    [[claims]] = _sparql_rows(sample_build, "SELECT (COUNT(*) AS ?n) WHERE { "
                                            "?s rdf:predicate kg:outperforms }")
    assert page.inner_text("#comparisons-count") == f"Showing {claims} of {claims} claims"
    assert page.locator("#view-comparisons tbody tr").count() == int(claims)
    page.select_option('#view-comparisons select[aria-label="metric"]', "speedup")
    [[speedup]] = _sparql_rows(sample_build, "SELECT (COUNT(*) AS ?n) WHERE { "
                                             "?s rdf:predicate kg:outperforms ; kg:metric metric:speedup }")
    assert page.inner_text("#comparisons-count") == f"Showing {speedup} of {claims} claims"
    page.locator("#view-comparisons th", has_text="Factor").click()
    factors = page.locator("#view-comparisons tbody td.num").all_inner_texts()[::3]
    numbers = [float(f.split("-")[-1]) for f in factors if f]
    assert numbers == sorted(numbers, reverse=True)

    page.click('#tabs button[data-view="trends"]')
    [[dated]] = _sparql_rows(sample_build, "SELECT (COUNT(?d) AS ?n) WHERE { "
                                           "?p a kg:Paper ; dcterms:issued ?d }")
    assert page.inner_text("#trends-note").startswith(f"{dated} of 319 papers carry a "
                                                     "publication date")
    link = page.locator("#view-trends th a").first
    target = link.get_attribute("data-id")
    link.click()  # a link leads back to the graph, the node selected
    assert page.evaluate("network.getSelectedNodes()") == [target]
    assert not page.locator("#view-trends").is_visible()
    assert seen["errors"] == [] and seen["requests"] == [(sample_build / "graph.html").as_uri()]


def test_html_browser_views_show_hostile_text_as_text(browser_page, tmp_path: Path) -> None:
    paper = Paper(id="paper-x", title="<b>Bold</b> serving",
                  abstract="We present <img src=x onerror=alert(1)>Zed. Zed achieves 2x higher "
                           "throughput than vLLM on NVIDIA H100 GPUs.",
                  sources=(SourceRef("x.txt", 1),))
    G = build_graph(extract_papers([paper]))
    path = tmp_path / "hostile.html"
    write_html(G, path)
    seen = _open(browser_page, path)
    for view in ("comparisons", "map", "trends", "top"):
        browser_page.click(f'#tabs button[data-view="{view}"]')
    browser_page.click('#tabs button[data-view="comparisons"]')
    assert "<img src=x onerror=alert(1)>" in browser_page.inner_text("#view-comparisons") or \
        "<b>Bold</b> serving" in browser_page.inner_text("#view-comparisons")
    assert browser_page.locator(".view img, .view b").count() == 0
    browser_page.click("#view-comparisons button")  # what beats what, in the graph
    drawn = browser_page.evaluate("""() => edgeView.get().filter(e => nodeView.get(e.from)
        && nodeView.get(e.to)).map(e => [e.relation, e.label])""")
    assert drawn and all(r == "outperforms" and label for r, label in drawn), drawn
    assert any("throughput 2x" in label for _, label in drawn)
    assert seen["dialogs"] == [] and seen["errors"] == []

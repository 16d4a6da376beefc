from __future__ import annotations

import re
from pathlib import Path

from kg.build import build_graph
from kg.export.html import generate_html
from kg.extract import extract_papers
from kg.model import Paper
from kg.readers import read_papers


def test_html_loads_nothing_from_the_network(page: Path) -> None:
    html = generate_html(build_graph(extract_papers(read_papers([page]))))
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"?https?:", html)
    assert "vis.Network" in html
    # The page forbids every request a browser could make off the file.
    assert "default-src 'none'" in html


def test_html_escapes_hostile_text() -> None:
    paper = Paper(id="p", title="<img src=x onerror=alert(1)>",
                  abstract="Ends the script </script><script>alert(2)</script> here. LoRA.")
    html = generate_html(build_graph(extract_papers([paper])))
    assert "<img src=x" not in html
    assert "</script><script>alert(2)" not in html


def test_html_has_legend_and_physics_stop(page: Path) -> None:
    html = generate_html(build_graph(extract_papers(read_papers([page]))))
    for kind in ("Paper", "Technique", "Model", "Hardware", "Metric", "Dataset"):
        assert f'data-type="{kind}"' in html
    assert "physics: false" in html


def test_html_focus_keeps_the_neighbourhood(page: Path) -> None:
    import pytest

    from kg.errors import ExportError
    from kg.export.html import focus_subgraph

    G = build_graph(extract_papers(read_papers([page])))
    sub = focus_subgraph(G, "Speculative Decoding", hops=1)
    assert "technique/speculative-decoding" in sub
    assert {d["kind"] for _, d in sub.nodes(data=True)} == {"Technique", "Paper"}
    assert focus_subgraph(G, "speculative decoding", hops=2).number_of_nodes() > \
        sub.number_of_nodes()
    with pytest.raises(ExportError, match="no node"):
        focus_subgraph(G, "no such thing")

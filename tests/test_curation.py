"""A curation file (kg/curation.py, issue 23): each kind of change, on every build and
--update, marked in the output; bad files and unknown names are clear errors that change
nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.curation import CurationError, load_curation
from kg.pipeline import load_graph

DATA = Path(__file__).resolve().parent / "data"
FASTSERVE = "FastServe: Low-Latency LLM Serving with Speculative Decoding on NVIDIA H100 GPUs"
MCU = "Quantized Inference on Microcontrollers"


def _build(page: Path, out: Path, curation: str, name: str = "curation.yaml",
           **kwargs) -> kg.BuildReport:
    path = out.parent / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(curation)
    return kg.build([page], out, formats=["turtle"], curation=path, use_cache=False, **kwargs)


def _edges(G, relation: str) -> set[tuple[str, str]]:
    return {(u, v) for u, v, r in G.edges(data="relation") if r == relation}


def test_curation_reject_edge(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    kg.build([page], out, formats=["turtle"], use_cache=False)
    before = load_graph(out)
    paper = next(n for n, d in before.nodes(data=True) if d.get("title") == FASTSERVE)
    assert (paper, "technique/speculative-decoding") in _edges(before, "uses")
    _build(page, out, f"""
- action: reject-edge
  paper: "{FASTSERVE}"
  relation: uses
  target: speculative decoding
""")
    after = load_graph(out)
    assert (paper, "technique/speculative-decoding") not in _edges(after, "uses")
    assert _edges(after, "uses") == _edges(before, "uses") - {
        (paper, "technique/speculative-decoding")}


def test_curation_reject_entity_drops_its_edges(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(page, out, "- {action: reject-entity, entity: vLLM}\n")
    G = load_graph(out)
    assert "technique/vllm" not in G
    assert not any(v == "technique/vllm" for _, v in _edges(G, "outperforms"))


def test_curation_merge_keeps_one_node_with_both_names(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(page, out, "- {action: merge, entity: PTQ, into: technique/quantization}\n")
    G = load_graph(out)
    assert "technique/post-training-quantization" not in G
    node = G.nodes["technique/quantization"]
    assert "post-training quantization" in node["aliases"]
    assert any("merged 'post-training quantization'" in n and "curation.yaml:1" in n
               for n in node["notes"])


def test_curation_rename_and_alias_are_marked_in_rdf(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(page, out, """
- action: rename
  entity: KV cache
  label: key-value cache
  note: the field's long name
- action: alias
  entity: technique/kv-cache
  alias: KVC
""")
    G = load_graph(out)
    node = G.nodes["technique/kv-cache"]
    assert node["label"] == "key-value cache"
    assert {"KV cache", "KVC"} <= set(node["aliases"])
    rdf = rdflib.Graph().parse(out / "graph.ttl")
    concept = rdflib.URIRef("https://w3id.org/mlsys-kg/id/technique/kv-cache")
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    assert str(rdf.value(concept, skos.prefLabel)) == "key-value cache"
    notes = {str(n) for n in rdf.objects(concept, skos.editorialNote)}
    assert "renamed from 'KV cache' by curation.yaml:2: the field's long name" in notes
    assert "alias 'KVC' added by curation.yaml:6" in notes


def test_curation_retype_moves_the_edges_to_the_new_role(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(page, out, "- {action: retype, entity: speculative decoding, type: Hardware}\n")
    G = load_graph(out)
    assert "technique/speculative-decoding" not in G
    assert G.nodes["hardware/speculative-decoding"]["kind"] == "Hardware"
    assert any(v == "hardware/speculative-decoding" for _, v in _edges(G, "targets"))
    assert not any(v == "hardware/speculative-decoding" for _, v in _edges(G, "uses"))


def test_curation_add_edge_by_hand_with_its_note(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(page, out, f"""
- action: add-edge
  paper: "{MCU}"
  relation: targets
  target: Raspberry Pi
  note: the board of the appendix
- action: add-edge
  paper: "{MCU}"
  relation: uses
  target: MicroFlowX
  type: Technique
""")
    G = load_graph(out)
    paper = next(n for n, d in G.nodes(data=True) if d.get("title") == MCU)
    edge = G.edges[paper, "hardware/raspberry-pi", "targets"]
    assert edge["confidence"] == 1.0
    assert edge["evidence"][0].rule == "curation"
    assert edge["evidence"][0].sentence == "added by curation.yaml:2: the board of the appendix"
    assert G.nodes["technique/microflowx"]["label"] == "MicroFlowX"
    assert (paper, "technique/microflowx") in _edges(G, "uses")


def test_curation_survives_update_and_reextraction(page: Path, tmp_path: Path) -> None:
    """The same file applied to a build, an --update that adds papers and a build with no
    cache gives the same curated graph (the corrections are never lost)."""
    out = tmp_path / "out"
    text = "- {action: reject-entity, entity: vLLM}\n- {action: rename, entity: GSM8K, label: GSM-8K}\n"
    _build(page, out, text)
    path = tmp_path / "curation.yaml"
    kg.build([DATA / "refs.bib"], out, formats=["turtle"], update=True, curation=path)
    G = load_graph(out)
    assert "technique/vllm" not in G and G.nodes["dataset/gsm8k"]["label"] == "GSM-8K"
    full = tmp_path / "full"
    kg.build([page, DATA / "refs.bib"], full, formats=["turtle"], curation=path,
             use_cache=False)
    assert (full / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()
    assert (full / "findings.jsonl").read_bytes() == (out / "findings.jsonl").read_bytes()


def test_curation_kg_export_shows_the_curated_names(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(page, out, "- {action: rename, entity: GSM8K, label: GSM-8K}\n")
    result = CliRunner().invoke(cli, ["export", "turtle", str(tmp_path / "again"),
                                      "--graph", str(out)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "again" / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()


def test_curation_csv_is_the_same_as_yaml(page: Path, tmp_path: Path) -> None:
    _build(page, tmp_path / "yaml" / "out",  # a comment first: the same line numbers
           "# corrections\n- {action: alias, entity: KV cache, alias: KVC}\n"
           "- {action: reject-entity, entity: vLLM, note: 'not a system here'}\n")
    _build(page, tmp_path / "csv" / "out",
           "action,entity,alias,note\nalias,KV cache,KVC,\n"
           "reject-entity,vLLM,,not a system here\n", name="curation.csv")
    yaml_ttl = (tmp_path / "yaml" / "out" / "graph.ttl").read_text()
    csv_ttl = (tmp_path / "csv" / "out" / "graph.ttl").read_text()
    assert yaml_ttl.replace("curation.yaml", "curation.csv") == csv_ttl


@pytest.mark.parametrize(("text", "message"), [
    ("- action: reject-edge\n  paper: x\n  relation: uses\n  target: [a, b\n",
     r"curation.yaml:\d+: not YAML"),
    ("- action: rename\n  entity: KV cache\n  lable: x\n",
     r"curation.yaml:3: rename takes no key 'lable'; did you mean 'label'\?"),
    ("- action: renam\n  entity: KV cache\n", r"curation.yaml:1: unknown action 'renam'; "
                                               r"did you mean 'rename'\?"),
    ("- action: rename\n  entity: KV cache\n", r"curation.yaml:1: rename needs 'label'"),
    ("- action: reject-edge\n  paper: x\n  relation: usess\n  target: y\n",
     r"curation.yaml:3: unknown relation 'usess'; did you mean 'uses'\?"),
    ("- action: retype\n  entity: KV cache\n  type: Hardwares\n",
     r"curation.yaml:3: unknown type 'Hardwares'; did you mean 'Hardware'\?"),
    ("- action: rename\n  entity: KV cache\n  label: [a]\n",
     r"curation.yaml:3: key 'label' needs a text value"),
])
def test_curation_bad_file_names_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "curation.yaml"
    path.write_text(text)
    with pytest.raises(CurationError, match=message):
        load_curation(path)


def test_curation_unknown_entity_fails_and_changes_nothing(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    kg.build([page], out, formats=["turtle"], use_cache=False)
    # The extraction cache is not output (the first build, with no cache, wrote none).
    before = {p.name: p.read_bytes() for p in out.iterdir()
              if p.is_file() and p.name != "cache.sqlite"}
    path = tmp_path / "curation.yaml"
    path.write_text("- {action: rename, entity: KV cahce, label: x}\n")
    result = CliRunner().invoke(cli, ["build", str(page), "-o", str(out), "--formats",
                                      "turtle", "--curation", str(path)])
    assert result.exit_code == 1
    assert "curation.yaml:1: entity 'KV cahce': no entity has this id or name" in result.output
    after = {p.name: p.read_bytes() for p in out.iterdir()
             if p.is_file() and p.name != "cache.sqlite"}
    assert after == before


def test_curation_change_matching_nothing_is_a_warning(page: Path, tmp_path: Path) -> None:
    report = _build(page, tmp_path / "out", f"""
- action: reject-edge
  paper: "{MCU}"
  relation: uses
  target: vLLM
""")
    assert report.curation == {"file": "curation.yaml", "changes": 1, "applied": 0}
    assert any(w.endswith("curation.yaml:2: reject-edge changed nothing (no paper's "
                          "findings match it)") for w in report.warnings)


def test_curation_python_api_graph_has_the_curated_names(page: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _build(page, out, "- {action: rename, entity: GSM8K, label: GSM-8K}\n")
    assert kg.load_graph(out).nodes["dataset/gsm8k"]["label"] == "GSM-8K"

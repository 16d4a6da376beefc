from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kg.extract import get_extractor
from kg.extract.acronyms import find_definitions
from kg.extract.text import split_sentences
from kg.model import Paper
from kg.readers import read_papers


def _relations(paper: Paper) -> dict[str, set[str]]:
    findings = get_extractor()(paper)
    labels = {e.id: e.label for e in findings.entities}
    labels[paper.id] = "@paper"
    out: dict[str, set[str]] = {}
    for r in findings.relations:
        out.setdefault(r.type, set()).add(labels[r.target])
    return out


@pytest.mark.parametrize(("text", "long", "short"), [
    ("based on Low-Rank Adaptation (LoRA) to", "Low-Rank Adaptation", "LoRA"),
    ("fueling autonomous Multi-Agent System (MAS) development", "Multi-Agent System", "MAS"),
    ("a zero false negative rate (FNR) for", "false negative rate", "FNR"),
    ("three new measurement tools--Domain Specialization Index (DSI) and",
     "Domain Specialization Index", "DSI"),
])
def test_acronyms_schwartz_hearst(text: str, long: str, short: str) -> None:
    (d,) = find_definitions(text)
    assert (d.long, d.short) == (long, short)
    assert text[d.long_start:d.long_end] == long


def test_text_sentences_keep_offsets() -> None:
    text = "Title\nFirst sentence, e.g. with an abbreviation. Second one at 4.5x speed."
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Title", "First sentence, e.g. with an abbreviation.", "Second one at 4.5x speed."]
    assert all(text[s.start:s.end] == s.text for s in sentences)


def test_rules_relations_of_a_serving_paper(page: Path) -> None:
    paper = read_papers([page])[0]
    relations = _relations(paper)
    assert relations["proposes"] == {"FastServe"}
    assert {"speculative decoding", "KV cache", "Llama-3-70B"} <= relations["uses"]
    assert "NVIDIA H100" in relations["targets"]
    assert {"throughput", "time to first token", "accuracy"} <= relations["measures"]
    assert relations["evaluated_on"] == {"GSM8K"}
    assert relations["outperforms"] == {"vLLM"}
    assert "vLLM" not in relations["uses"]  # a beaten baseline is not "used"


def test_rules_outperforms_keeps_metric_and_numbers(page: Path) -> None:
    paper = read_papers([page])[0]
    findings = get_extractor()(paper)
    (claim,) = [r for r in findings.relations if r.type == "outperforms"]
    assert claim.source.endswith("fastserve")
    assert claim.metric == "metric/throughput"
    assert dict(claim.values)["factor"] == "2.4"


def test_rules_every_relation_keeps_evidence_inside_the_text(page: Path) -> None:
    paper = read_papers([page])[1]
    findings = get_extractor()(paper)
    text = f"{paper.title}\n{paper.abstract}"
    assert findings.relations
    for relation in findings.relations:
        ev = relation.evidence
        assert ev.sentence in text
        assert 0 <= ev.start < ev.end <= len(text)
        assert ev.rule.endswith(".v1")


def test_rules_paper_acronym_overrides_vocabulary() -> None:
    # "DDR" is DRAM in the vocabulary, but this paper defines it as a technique of its own.
    paper = Paper(id="p", title="SparX: sparse training",
                  abstract="We propose dynamic data removal (DDR) to cut cost. DDR is fast.")
    relations = _relations(paper)
    assert "DRAM" not in relations.get("targets", set())


@pytest.mark.parametrize(("abstract", "not_proposed"), [
    # A plural before "namely" lists examples of a kind, not the paper's named system.
    ("Our testbed has resource-constrained edge devices, namely Raspberry Pis, and a server.",
     "Raspberry"),
    ("We present a taxonomy of three classes of schedulers, namely OS-level and Cluster.",
     "OS-level"),
    # A title-case phrase ending as a modifier is not a name.
    ("We developed a Random Forest-based prediction model of GEMM energy.",
     "Random Forest-based"),
    # A later definition in another clause does not continue the list of proposed names.
    ("We present a network, termed the cooperative computing (CC) architecture, which can "
     "process large amounts of audio-visual (AV) data.", "audio-visual"),
])
def test_rules_not_proposed(abstract: str, not_proposed: str) -> None:
    relations = _relations(Paper(id="p", title="A study of systems", abstract=abstract))
    assert not_proposed not in relations.get("proposes", set())


def test_rules_proposed_name_loses_a_word_glued_by_a_lost_dash() -> None:
    paper = Paper(id="p", title="Scaling agentic kernel coding",
                  abstract="This paper presents KernelEvolve-an agentic kernel coding "
                           "framework-to tackle heterogeneity.")
    assert _relations(paper)["proposes"] == {"KernelEvolve"}


def test_rules_namely_after_a_singular_names_the_contribution() -> None:
    paper = Paper(id="p", title="A study of systems",
                  abstract="We further propose a framework, namely NASAIC, for co-design.")
    assert _relations(paper)["proposes"] == {"NASAIC"}


@pytest.mark.parametrize(("abstract", "proposed"), [
    ("This paper introduces an advanced learning system, named Auto MC-Reward, that designs "
     "dense rewards.", {"Auto MC-Reward"}),
    ("We introduce a new DNN layer (called Delta Activation Layer), whose purpose is sparsity.",
     {"Delta Activation Layer"}),
    # The words before a naming cue are not a second name.
    ("We construct a novel word representation system called Bit-cipher that needs no "
     "training.", {"Bit-cipher"}),
])
def test_rules_named_contribution(abstract: str, proposed: set[str]) -> None:
    relations = _relations(Paper(id="p", title="A study of systems", abstract=abstract))
    assert relations["proposes"] == proposed


def test_rules_novel_phrase_ending_as_a_modifier_is_not_a_name() -> None:
    paper = Paper(id="p", title="A study of systems",
                  abstract="We present a novel adaptive deep learning-based mechanism for "
                           "pose estimation.")
    assert "proposes" not in _relations(paper)


@pytest.mark.parametrize(("abstract", "absent", "present"), [
    ("Starting directly from base models without distillation, we train with RL on GPUs.",
     "knowledge distillation", "reinforcement learning"),
    ("It reaches 2x throughput without requiring any custom kernel implementation; we use "
     "quantization.", "kernel optimization", "quantization"),
    ("We train across clusters, even without high-speed interconnects, on GPUs.",
     "interconnect", "GPU"),
    ("Measurements show that memory, not CPU, is the bottleneck of agents on GPUs.",
     "CPU", "GPU"),
    ("It runs on GPUs, not only on NPUs, but not on DSPs.", "DSP", "NPU"),
])
def test_rules_negated_mentions_are_not_used(abstract: str, absent: str, present: str) -> None:
    relations = _relations(Paper(id="p", title="A study of systems", abstract=abstract))
    found = relations.get("uses", set()) | relations.get("targets", set())
    assert absent not in found
    assert present in found


def test_rules_a_one_word_modifier_defined_as_an_acronym_is_no_entity() -> None:
    paper = Paper(id="p", title="A study of systems",
                  abstract="We compare verifier-based (VB) and verifier-free (VF) methods and "
                           "the physical (PHY) layer, using quantization.")
    uses = _relations(paper)["uses"]
    assert "quantization" in uses
    assert not uses & {"verifier-based", "verifier-free", "physical"}


def test_rules_new_names_are_typed_by_their_head_noun() -> None:
    paper = Paper(id="p", title="A study of systems",
                  abstract="We report the Placement Stability Ratio (PSR) and the Coefficient of "
                           "Variation (CV) of each model under remote sensing (RS) workloads.")
    relations = _relations(paper)
    assert {"Placement Stability Ratio", "Coefficient of Variation"} <= relations["measures"]
    assert "remote sensing" not in relations.get("uses", set())


def test_rules_a_value_implies_its_quantity() -> None:
    paper = Paper(id="p", title="A study of agents",
                  abstract="Our agent reaches 58% success on paper review and runs 3.1x faster "
                           "after less than 20 minutes of online training.")
    assert {"success rate", "speedup", "training time"} <= _relations(paper)["measures"]


def test_rules_passive_proposal_of_a_defined_name() -> None:
    paper = Paper(id="p", title="Efficient online processing",
                  abstract="Here, the concept of Continual Inference Networks (CINs) is "
                           "proposed. Gradient Coding (GC) was proposed by Tandon et al.")
    relations = _relations(paper)
    assert relations["proposes"] == {"Continual Inference Networks"}


def test_rules_class_word_after_a_product_is_part_of_it() -> None:
    """"192 Kunpeng CPUs" targets the Kunpeng, not CPU as well; over a model number too
    ("Ascend 910C NPUs"); a class named on its own is still a target."""
    only_products = Paper(id="p", title="CloudMatrix: serving on a supernode", abstract=(
        "It integrates 384 Ascend 910C NPUs and 192 Kunpeng CPUs. We implement a prototype "
        "on a Xilinx U55C FPGA."))
    assert _relations(only_products)["targets"] == {"Ascend NPU", "Huawei Kunpeng",
                                                    "AMD Xilinx FPGA"}
    with_class = Paper(id="q", title="Offloading to the host", abstract=(
        "We run on AMD EPYC CPUs. Offloading to the CPU frees GPU memory."))
    assert _relations(with_class)["targets"] == {"AMD EPYC", "CPU", "GPU memory"}


def test_rules_metric_phrase_inside_a_named_metric_is_not_another() -> None:
    paper = Paper(id="p", title="Simulating GPU cores", abstract=(
        "We achieve 18.24% lower mean absolute percentage error (MAPE) in execution cycles "
        "than previous simulators."))
    assert _relations(paper)["measures"] == {"mean absolute percentage error"}


@pytest.mark.parametrize(("sentence", "models"), [
    ("For Transformer models like T-NLG, T3 speeds up sublayers by 30%, also for PALM and "
     "MT-NLG.", {"Turing-NLG", "PaLM", "Megatron-Turing NLG"}),
    ("We fine-tune GPT-NeoX and GPT-J on one node.", {"GPT-NeoX", "GPT-J"}),
])
def test_rules_models_of_the_field_are_known(sentence: str, models: set[str]) -> None:
    """Well-known models have their own nodes: GPT-NeoX is not OpenAI's GPT."""
    paper = Paper(id="p", title="A systems study", abstract=sentence)
    assert models <= _relations(paper)["uses"]
    assert "GPT" not in _relations(paper)["uses"]


@pytest.mark.parametrize("sentence", [
    "Video generation is attracting the widespread attention of scholars.",
    "Verification has not received much attention.",
    "Renewed attention is being drawn to sequence parallelism.",
    "Open internal features, attention from the research community, and open data matter.",
])
def test_rules_attention_in_its_english_sense_is_not_the_mechanism(sentence: str) -> None:
    paper = Paper(id="p", title="A position paper", abstract=sentence)
    assert "attention" not in _relations(paper).get("uses", set())
    mechanism = Paper(id="q", title="A kernel", abstract=sentence + " We fuse attention.")
    assert "attention" in _relations(mechanism)["uses"]


def test_rules_a_time_compound_modifying_a_noun_is_not_measured() -> None:
    """"inference-time strategies" says when, not how long: no inference-time metric."""
    modifier = Paper(id="p", title="Scaling reasoning", abstract=(
        "Prior work overlooks memory bottlenecks introduced by inference-time strategies."))
    assert "inference time" not in _relations(modifier).get("measures", set())
    when = Paper(id="r", title="Scaling reasoning", abstract=(
        "More computation is used at inference time to let the model think longer."))
    assert "inference time" not in _relations(when).get("measures", set())
    measured = Paper(id="q", title="Scaling reasoning", abstract=(
        "We cut the inference-time of long prompts by 30%."))
    assert "inference time" in _relations(measured)["measures"]


def test_rules_a_new_acronym_is_typed_by_the_noun_after_it() -> None:
    """"the AudioCaps (AC) dataset" is a dataset; a head word spelling a vocabulary acronym
    in lower case ("Oblivious Maps", not MAP) types nothing; other words after it are no
    head ("the Frobenius Gap (FG) often" is still a gap)."""
    paper = Paper(id="p", title="A captioning system", abstract=(
        "It achieved state-of-the-art scores on the AudioCaps (AC) dataset. Oblivious Maps "
        "(OMAPs) hide access patterns. We report the Frobenius Gap (FG) often."))
    relations = _relations(paper)
    assert relations["evaluated_on"] == {"AudioCaps"}
    assert relations["measures"] == {"Frobenius Gap"}
    assert "Oblivious Maps" in relations["uses"]


def test_rules_a_letter_of_the_papers_own_acronym_is_not_a_vocabulary_acronym() -> None:
    """"DDR" in the paper's "TS-DDR" (Deep Decision Rules) is not DRAM; "GNN" in "LSM-GNN",
    whose long form says GNN, is still a graph neural network."""
    paper = Paper(id="p", title="Planning with decision rules", abstract=(
        "We propose Two-Stage Deep Decision Rules (TS-DDR) to plan. TS-DDR is self-supervised. "
        "Large-scale Storage-based Multi-GPU GNN (LSM-GNN) is fast."))
    relations = _relations(paper)
    assert "DRAM" not in relations.get("targets", set())
    assert "graph neural network" in relations["uses"]


def test_rules_a_name_in_apposition_to_the_proposed_thing_is_proposed() -> None:
    paper = Paper(id="p", title="Efficient recommendation", abstract=(
        "Addressing these issues, this paper introduces a novel learning paradigm, Dynamic "
        "Sparse Learning (DSL), tailored for recommendation models. Others describe the tool "
        "of a colleague, Fast Tuning Method (FTM)."))
    relations = _relations(paper)
    assert relations["proposes"] == {"Dynamic Sparse Learning"}
    assert "Fast Tuning Method" in relations["uses"]


def test_rules_spellings_of_a_name_with_and_without_a_hyphen_are_one() -> None:
    paper = Paper(id="p", title="Fuxi-DA: A Data Assimilation Framework", abstract=(
        "We introduce FuxiDA, a framework for assimilating satellite observations."))
    assert _relations(paper)["proposes"] == {"Fuxi-DA"}


def test_rules_capitalised_words_before_a_proposed_name_belong_to_it() -> None:
    paper = Paper(id="p", title="Sleep-time compute", abstract=(
        "Furthermore, we introduce Multi-Query GSM-Symbolic, which extends GSM-Symbolic by "
        "including multiple related queries per context."))
    assert _relations(paper)["proposes"] == {"Multi-Query GSM-Symbolic"}


def test_rules_distinct_benchmarks_are_distinct_nodes() -> None:
    """One node per real thing, and no more: Citeseer is not Cora, Tiny ImageNet not SVHN,
    MMLU-Pro a kind of MMLU, not MMLU itself."""
    paper = Paper(id="p", title="Graph learning at scale", abstract=(
        "We evaluate on Cora, Citeseer and PubMed, on Tiny-ImageNet, and on MMLU-Pro, and "
        "run on TPU v3 and TPU v5e pods."))
    relations = _relations(paper)
    assert relations["evaluated_on"] == {"Cora", "Citeseer", "PubMed", "Tiny ImageNet",
                                         "MMLU-Pro"}
    assert relations["targets"] == {"TPU v3", "TPU v5"}


def test_rules_distinct_methods_are_distinct_nodes() -> None:
    """SpinQuant is not QuIP, XGBoost not random forest, FSDP not ZeRO, GCN a kind of GNN."""
    paper = Paper(id="p", title="Training and serving", abstract=(
        "We combine SpinQuant with XGBoost cost models, train with FSDP and GCN layers, and "
        "serve with TorchServe."))
    assert _relations(paper)["uses"] == {"SpinQuant", "XGBoost", "FSDP",
                                         "graph convolutional network", "TorchServe"}


def test_rules_storage_and_efficiency_metrics_are_known() -> None:
    paper = Paper(id="p", title="A flash-aware store", abstract=(
        "Our store raises IOPS by 2x, halves write amplification and improves the "
        "computational efficiency of compaction."))
    assert {"IOPS", "write amplification", "computational efficiency"} <= \
        _relations(paper)["measures"]


def test_rules_a_multi_word_capitalised_dataset_name_is_a_dataset() -> None:
    paper = Paper(id="p", title="Efficiently Modeling Long Sequences", abstract=(
        "Tasks come from a Kaggle Freelancer dataset of job postings. We lead the Long Range "
        "Arena benchmark. The New Large benchmark is big, and our Public Data corpus too."))
    assert _relations(paper)["evaluated_on"] == {"Kaggle Freelancer", "Long Range Arena"}


def test_rules_a_quantity_held_fixed_is_not_measured() -> None:
    paper = Paper(id="p", title="Serving more users", abstract=(
        "At the same cost, the system meets the SLOs of more users, and it improves accuracy "
        "under the same sparsity level."))
    measures = _relations(paper).get("measures", set())
    assert "cost" not in measures
    assert "accuracy" in measures


def test_rules_a_survey_measures_only_what_it_gives_values_of() -> None:
    """The guidelines: in surveys and position papers nothing is measured unless the work
    measures it."""
    survey = Paper(id="p", title="A Survey on Inference Engines", abstract=(
        "Engines trade latency against throughput and cost. We find that batching raises "
        "throughput by 3x on average across the 25 engines we compare."))
    assert _relations(survey)["measures"] == {"throughput"}
    study = Paper(id="q", title="An inference engine", abstract=(
        "Engines trade latency against throughput and cost."))
    assert {"latency", "throughput", "cost"} <= _relations(study)["measures"]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="aZ1-.+_ \né", max_size=40))
@example("AB-CD-EF_x A-B")
@example("x.A-B é-C D-")
def test_rules_hyphenated_names_searched_by_word_match_the_whole_text(text: str) -> None:
    """The variant scan looks only at space-separated words that hold a hyphen; it must find
    exactly what the pattern finds in the whole text."""
    from kg.extract.proposals import _HYPHENATED_NAME, _hyphenated_names

    assert [(m.span(), m.group()) for m in _hyphenated_names(text)] == \
        [(m.span(), m.group()) for m in _HYPHENATED_NAME.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["of", "proof", " ", "\n", "(", "1", "$", "about", "up to",
                                  "x"]), max_size=20).map("".join))
@example("proof 5 of 5 (1 ( 2  of about 3")
def test_rules_metric_anchors_start_where_their_regexes_do(text: str) -> None:
    """The measurement anchors, searched from "of" and "(", start where the plain patterns'
    matches do."""
    import re

    from kg.extract.measures import _NUM, _anchor_starts

    plain = [re.compile(r"\s+of\s+" + _NUM), re.compile(r"\s*\(\s*\d")]
    assert _anchor_starts(text) == [m.start() for p in plain for m in p.finditer(text)]


@pytest.mark.parametrize(("title", "abstract", "proposed"), [
    # Title Case names the paper defines after its own proposal verb are its own
    ("Zephyr: a compiler", "We introduce the Zephyr compiler with (1) Lattice Folding Pass (LFP) "
     "to fold loops and (2) Vector Aligned Rewrite (VAR) to vectorize.",
     {"Zephyr", "Lattice Folding Pass", "Vector Aligned Rewrite"}),
    # ... or after the verb of a sentence whose subject is the paper's system
    ("Zephyr: a compiler", "Zephyr employs a Sparse Token Router (STR) to route tokens.",
     {"Zephyr", "Sparse Token Router"}),
    ("Zephyr: a compiler", "Zephyr proposes Semantic Handle, a unified abstraction.",
     {"Zephyr", "Semantic Handle"}),
    # a kind named in apposition is not a part
    ("A study of systems", "We present the Z2MU, a spiking Legendre Memory Unit (LMU).",
     {"Z2MU"}),
    # capitalised title words the abstract repeats are the paper's name
    ("Quill Arena: Benchmarking Generators", "In this paper, we introduce Quill Arena, a "
     "platform for pairwise evaluation.", {"Quill Arena"}),
    # a coined lower-case term after a naming cue; a name after "a new ..."
    ("A study of systems", "We run both jointly, using a method called co-batching.",
     {"co-batching"}),
    ("A study of systems", "We present a framework and a new model variant, Z2G-former, that "
     "excels.", {"Z2G-former"}),
])
def test_rules_named_contributions(title: str, abstract: str, proposed: set[str]) -> None:
    relations = _relations(Paper(id="p", title=title, abstract=abstract))
    assert relations.get("proposes", set()) == proposed


def test_rules_a_coined_metric_is_proposed_and_measured() -> None:
    relations = _relations(Paper(id="p", title="A study of systems", abstract=(
        "We propose two new measures, Placement Stability Ratio (PSR) and Transfer Gap Index "
        "(TGI), and report them for ten systems.")))
    assert {"Placement Stability Ratio", "Transfer Gap Index"} <= relations["proposes"]
    assert {"Placement Stability Ratio", "Transfer Gap Index"} <= relations["measures"]


@pytest.mark.parametrize(("abstract", "measured"), [
    ("Zephyrus converges 2x faster than the baseline.", "convergence speed"),
    ("Zephyrus shows faster convergence on all tasks.", "convergence speed"),
    ("The detector draws 1.11 W on the phone.", "power consumption"),
    ("The network has only 68.77k parameters.", "model size"),
    ("Zephyrus uses forty times fewer parameters than prior models.", "model size"),
    ("Zephyrus outperforms the prior design by 4.6x on average.", "speedup"),
    ("Zephyrus gives a 7.91x processing acceleration.", "speedup"),
])
def test_rules_quantities_implied_by_their_values(abstract: str, measured: str) -> None:
    relations = _relations(Paper(id="p", title="A study of systems", abstract=abstract))
    assert measured in relations.get("measures", set())


def test_rules_a_coordination_shares_its_head() -> None:
    relations = _relations(Paper(id="p", title="A study of systems", abstract=(
        "We combine data, pipeline, and tensor parallelism, and use 70% less memory and CPU "
        "usage.")))
    assert {"data parallelism", "pipeline parallelism", "tensor parallelism"} <= relations["uses"]
    assert {"memory usage", "CPU usage"} <= relations["measures"]
    relations = _relations(Paper(id="p", title="A study of systems", abstract=(
        "Plans vary with the parallelism techniques (data, pipeline, tensor) used.")))
    assert {"data parallelism", "pipeline parallelism", "tensor parallelism"} <= relations["uses"]
    # a conjunct that makes no known name is left alone
    relations = _relations(Paper(id="p", title="A study of systems", abstract=(
        "We study green and tensor parallelism.")))
    assert relations["uses"] == {"tensor parallelism"}


def test_rules_a_name_also_used_for_a_kind_is_not_proposed() -> None:
    relations = _relations(Paper(id="p", title="Cheap question answering", abstract=(
        "We show that low-cost OpenQA systems can be built. We build our OpenQA system on "
        "ColBERT.")))
    assert "OpenQA" not in relations.get("proposes", set())
    relations = _relations(Paper(id="p", title="Cheap question answering", abstract=(
        "We build our OpenQA system on ColBERT.")))
    assert "OpenQA" in relations.get("proposes", set())


def test_rules_a_metric_named_only_as_the_fields_problem_is_not_measured() -> None:
    relations = _relations(Paper(id="p", title="A study of systems", abstract=(
        "Training large models incurs prohibitive training costs. We schedule jobs and cut "
        "latency by 30%.")))
    assert "cost" not in relations.get("measures", set())
    assert "latency" in relations["measures"]
    relations = _relations(Paper(id="p", title="A study of systems", abstract=(
        "Training large models incurs prohibitive costs. Our scheduler reduces cost by 30%.")))
    assert "cost" in relations["measures"]


def test_rules_one_word_adjectives_defined_as_acronyms_are_no_entities() -> None:
    relations = _relations(Paper(id="p", title="A study of systems", abstract=(
        "We compare Standalone (SA) and audio-visual (AV) deployments of Retrieval (RT).")))
    found = set().union(*relations.values())
    assert not found & {"Standalone", "audio-visual"}


def test_rules_a_definition_that_qualifies_a_longer_noun_is_not_the_contribution() -> None:
    relations = _relations(Paper(id="p", title="A study of radio networks", abstract=(
        "Finally, we present a physical resource block (PRB) assignment optimization strategy "
        "using reinforcement learning.")))
    assert "physical resource block" not in relations.get("proposes", set())
    relations = _relations(Paper(id="p", title="A study of detectors", abstract=(
        "We develop a new instance boundary enhancement (IBE) module for convolutions.")))
    assert "instance boundary enhancement" in relations["proposes"]


def test_rules_a_product_is_its_family_plus_a_designation() -> None:
    paper = Paper(id="p", title="A study of devices", abstract=(
        "We deploy on a Google Pixel 7 Pro, a Snapdragon 888 board, GPU 0 and an NVIDIA A100 "
        "80GB GPU."))
    findings = get_extractor()(paper)
    hardware = {e.label: e for e in findings.entities if e.type == "Hardware"}
    assert hardware["Google Pixel 7 Pro"].broader == ("hardware/google-pixel",)
    assert "Snapdragon 888" in hardware
    assert "NVIDIA A100" in hardware and "GPU" in hardware  # no size, no index as a model


def test_extract_a_long_repeated_abstract_does_not_hang() -> None:
    """Issue 21, defect 6: a sentence repeated to 256 KB took minutes (each mention was added
    to a list re-sorted on every add, and looked up by a pass over every mention). Now the
    cost grows with the text (0.5 s here); the bound only catches a return of the blow-up."""
    import time

    sentence = ("We propose FooNet, which achieves 2.4x higher throughput than vLLM on NVIDIA "
                "A100 GPUs with LoRA. ")
    paper = Paper(id="p", title="FooNet: fast serving",
                  abstract=sentence * (256 * 1024 // len(sentence)))
    started = time.perf_counter()
    findings = get_extractor()(paper)
    assert time.perf_counter() - started < 30
    assert {r.type for r in findings.relations} >= {"proposes", "uses", "targets",
                                                    "outperforms"}

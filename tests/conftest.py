"""Shared fixtures: a tiny hand-written Daily Papers page and the shared sample corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"

PAGE = """new

Get trending papers in your email inbox!

Subscribe

Daily Papers

byAK and the research community

Mar 12

FastServe: Low-Latency LLM Serving with Speculative Decoding on NVIDIA H100 GPUs

We present FastServe, a serving system for large language models that combines speculative decoding with a paged Key-Value (KV) cache. FastServe runs Llama-3-70B on NVIDIA H100 GPUs. It achieves 2.4x higher throughput than vLLM and reduces time to first token (TTFT) by 35%. On GSM8K it keeps accuracy at 96% vs. 95% for the baseline.

  • 7 authors
·
Feb 9 4

Quantized Inference on Microcontrollers

Post-training quantization (PTQ) lets convolutional neural networks run on microcontrollers with 8-bit weights. We evaluate on CIFAR-10 and report latency and energy consumption on an STM32 board, where our method outperforms TensorFlow Lite by 1.8x in latency.

acme ACME Research
·
Nov 2, 2023

FastServe: Low-Latency LLM Serving with Speculative Decoding on NVIDIA H100 GPUs

We present FastServe, a serving system for large language models that combines speculative decoding with a paged Key-Value (KV) cache. FastServe runs Llama-3-70B on NVIDIA H100 GPUs. It achieves 2.4x higher throughput than vLLM and reduces time to first token (TTFT) by 35%. On GSM8K it keeps accuracy at 96% vs. 95% for the baseline.
"""


@pytest.fixture
def page(tmp_path: Path) -> Path:
    """A three-entry page: two distinct papers, one listed twice."""
    path = tmp_path / "page.txt"
    path.write_text(PAGE, encoding="utf-8")
    return path


@pytest.fixture
def corpus_files() -> list[Path]:
    """The five shared sample pages (tests using it are marked slow)."""
    files = sorted(CORPUS.glob("*.txt"))
    if not files:
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return files

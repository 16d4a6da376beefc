"""Stable, deterministic identifiers for papers and entities.

The same input always gives the same id, which is what makes exports byte-identical across runs
and lets two listings of one paper meet in one node.
"""

from __future__ import annotations

import hashlib
import re

from kg.normalize import fold_title, norm_key

__all__ = ["entity_id", "paper_id", "slug"]

_SLUG_RE = re.compile(r"[^a-z0-9]+")
# A prefix written apart or hyphenated ("multi-processor", "co-design") is one word with
# the next ("multiprocessor", "codesign"): both spellings get one id.
_PREFIX_GAP = re.compile(r"\b(multi|many|pre|non|co|re|sub|inter|intra|semi|anti|post|over|"
                         r"under|cross|hyper|micro|ultra|mini|bi|tri|uni)\s+(?=[a-z0-9])")


def slug(text: str, *, max_len: int = 60) -> str:
    """A lower-case, hyphenated, IRI-safe form of ``text``; never empty. Spelling variants
    that ``norm_key`` folds, and prefixes written apart, give the same slug.

    Long or non-ASCII names keep a short hash so that distinct names stay distinct.
    """
    key = _PREFIX_GAP.sub(r"\1", norm_key(text)) or text
    base = _SLUG_RE.sub("-", key.lower()).strip("-")
    lossless = base.replace("-", " ") == key.replace(".", " ")
    if not base or len(base) > max_len or not lossless:
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
        base = f"{base[: max_len - 9].strip('-')}-{digest}" if base else digest
    return base


def paper_id(title: str, *, arxiv_id: str | None = None) -> str:
    """The id of a paper: ``arxiv-<id>`` when the arXiv id is known, else a title hash.

    Examples
    --------
    >>> paper_id("Splitwise: Efficient generative LLM inference using phase splitting")
    'paper-bc7092a8b3c5'
    """
    if arxiv_id:
        bare = re.sub(r"v\d+$", "", arxiv_id.strip().lower())
        return "arxiv-" + _SLUG_RE.sub("-", bare).strip("-")
    digest = hashlib.sha1(fold_title(title).encode("utf-8")).hexdigest()[:12]
    return f"paper-{digest}"


def entity_id(entity_type: str, label: str) -> str:
    """The id of an entity not in a vocabulary: ``<type>/<slug of label>``."""
    return f"{entity_type.lower()}/{slug(label)}"

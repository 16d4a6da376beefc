"""The records that flow from sources to exports: Paper, Entity, Relation, PaperFindings.

Everything here is a frozen dataclass with ``to_dict``/``from_dict``, so the same shape serves the
JSONL contract (``kg extract``), the cache of a build and the tests. No I/O and no graph logic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = [
    "ENTITY_TYPES",
    "RELATION_TYPES",
    "Entity",
    "Evidence",
    "ListingIndex",
    "Paper",
    "PaperFindings",
    "Relation",
    "SourceRef",
]


class _FastPickle:
    """Pickles a frozen, slotted dataclass as its constructor call.

    Why: findings cross from the extraction workers to the merging process as pickles, ~40
    records a paper, and the default for frozen slotted dataclasses restores each field
    through a Python-level ``__setstate__``; calling the constructor instead halves the cost
    of unpickling a paper's findings in the one process every paper passes through
    (docs/scaling.md).
    """

    __slots__ = ()

    def __reduce__(self):
        return type(self), tuple([getattr(self, name) for name in self.__dataclass_fields__])


ENTITY_TYPES = ("Technique", "Model", "Hardware", "Metric", "Dataset")
RELATION_TYPES = ("proposes", "uses", "targets", "measures", "evaluated_on", "outperforms")
# The relation a paper has to a concept it works with, by the concept's type.
ROLE_BY_TYPE = {"Technique": "uses", "Model": "uses", "Hardware": "targets",
                "Metric": "measures", "Dataset": "evaluated_on"}


@dataclass(frozen=True, slots=True)
class SourceRef(_FastPickle):
    """Where one listing of a paper was read: file, 1-based line of its title, and page date."""

    path: str
    line: int
    page: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "page": self.page}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceRef:
        return cls(path=data["path"], line=int(data["line"]), page=data.get("page", ""))


@dataclass(frozen=True, slots=True)
class Paper(_FastPickle):
    """One paper, as read from one or more listings.

    ``id`` is stable: derived from the arXiv id when known, else from the normalized title,
    so the same paper read twice gets the same id (see ``kg.ids.paper_id``).
    """

    id: str
    title: str
    abstract: str
    sources: tuple[SourceRef, ...] = ()
    published: str | None = None  # ISO date, YYYY-MM-DD
    author_count: int | None = None
    upvotes: int | None = None
    organization: str | None = None
    arxiv_id: str | None = None
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    doi: str | None = None
    updated: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "abstract": self.abstract,
            "sources": [s.to_dict() for s in self.sources],
            "published": self.published,
            "author_count": self.author_count,
            "upvotes": self.upvotes,
            "organization": self.organization,
            "arxiv_id": self.arxiv_id,
            "authors": list(self.authors),
            "categories": list(self.categories),
            "doi": self.doi,
            "updated": self.updated,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        return cls(
            id=data["id"],
            title=data["title"],
            abstract=data.get("abstract", ""),
            sources=tuple(SourceRef.from_dict(s) for s in data.get("sources", [])),
            published=data.get("published"),
            author_count=data.get("author_count"),
            upvotes=data.get("upvotes"),
            organization=data.get("organization"),
            arxiv_id=data.get("arxiv_id"),
            authors=tuple(data.get("authors") or ()),
            categories=tuple(data.get("categories") or ()),
            doi=data.get("doi"),
            updated=data.get("updated"),
        )

    def merged_with(self, other: Paper) -> Paper:
        """The same paper listed again: keep every source and the richest metadata.

        The id becomes the arXiv-based one when either listing knows the arXiv id.
        """
        from kg.ids import paper_id

        sources = tuple(dict.fromkeys(self.sources + other.sources))
        arxiv_id = self.arxiv_id or other.arxiv_id
        authors = self.authors if len(self.authors) >= len(other.authors) else other.authors
        return replace(
            self,
            id=paper_id(self.title, arxiv_id=arxiv_id) if arxiv_id else self.id,
            abstract=self.abstract if len(self.abstract) >= len(other.abstract) else other.abstract,
            sources=sources,
            published=self.published or other.published,
            author_count=next((n for n in (self.author_count, other.author_count,
                                           len(authors) or None) if n is not None), None),
            upvotes=max((v for v in (self.upvotes, other.upvotes) if v is not None), default=None),
            organization=self.organization or other.organization,
            arxiv_id=arxiv_id,
            authors=authors,
            categories=tuple(dict.fromkeys(self.categories + other.categories)),
            doi=self.doi or other.doi,
            updated=max((u for u in (self.updated, other.updated) if u), default=None),
        )


class ListingIndex:
    """Which merged paper a listing belongs to, by slot: two listings are the same paper when
    they share an arXiv id or a normalized title (case, punctuation and TeX folded), whichever
    source they come from. ``kg.readers.merge_papers`` (in memory) and
    ``kg.infra.spool.PaperSpool`` (on disk) both merge by it."""

    def __init__(self) -> None:
        self.by_title: dict[str, int] = {}
        self.by_arxiv: dict[str, int] = {}

    def find(self, paper: Paper) -> tuple[int | None, str]:
        """The slot of the paper ``paper`` repeats (None if new), and its title key."""
        from kg.normalize import fold_title

        title_key = fold_title(paper.title)
        return self.by_arxiv.get(paper.arxiv_id or "", self.by_title.get(title_key)), title_key

    def remember(self, merged: Paper, title_key: str, slot: int) -> None:
        """``merged`` (a listing merged with those before it) now sits in ``slot``."""
        self.by_title.setdefault(title_key, slot)
        if merged.arxiv_id:
            self.by_arxiv.setdefault(merged.arxiv_id, slot)


@dataclass(frozen=True, slots=True)
class Entity(_FastPickle):
    """A node other than a paper: a Technique, Model, Hardware, Metric or Dataset.

    ``id`` is ``type/slug`` (``hardware/nvidia-h100``); ``concept`` is the vocabulary concept it
    was matched to, if any, which gives it ``broader`` concepts in the graph.
    """

    id: str
    type: str
    label: str
    aliases: tuple[str, ...] = ()
    concept: str | None = None
    broader: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "type": self.type,
            "label": self.label,
            "aliases": list(self.aliases),
        }
        if self.concept:
            data["concept"] = self.concept
        if self.broader:
            data["broader"] = list(self.broader)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(
            id=data["id"],
            type=data["type"],
            label=data["label"],
            aliases=tuple(data.get("aliases", ())),
            concept=data.get("concept"),
            broader=tuple(data.get("broader", ())),
        )


@dataclass(frozen=True, slots=True)
class Evidence(_FastPickle):
    """The sentence a relation came from, its character offsets in the paper text, and the rule.

    Offsets index ``paper.title + "\\n" + paper.abstract`` (see ``kg.extract.text.paper_text``).
    """

    sentence: str
    start: int
    end: int
    rule: str

    def to_dict(self) -> dict[str, Any]:
        return {"sentence": self.sentence, "start": self.start, "end": self.end, "rule": self.rule}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return cls(data["sentence"], int(data["start"]), int(data["end"]), data["rule"])


@dataclass(frozen=True, slots=True)
class Relation(_FastPickle):
    """A typed edge. ``source`` is a paper id or entity id; ``target`` an entity id.

    For ``outperforms``: ``metric`` is a Metric entity id, ``dataset`` a Dataset entity id, and
    ``values`` holds what the sentence states (``factor``, ``percent``, ``value``,
    ``baseline_value``) as the text gives them.
    """

    type: str
    source: str
    target: str
    evidence: Evidence
    metric: str | None = None
    dataset: str | None = None
    values: tuple[tuple[str, str], ...] = ()
    # The measured precision of edges like this one (kg.extract.confidence), in [0, 1].
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "source": self.source, "target": self.target}
        if self.metric:
            data["metric"] = self.metric
        if self.dataset:
            data["dataset"] = self.dataset
        if self.values:
            data["values"] = dict(self.values)
        if self.confidence is not None:
            data["confidence"] = self.confidence
        data["evidence"] = self.evidence.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Relation:
        return cls(
            type=data["type"],
            source=data["source"],
            target=data["target"],
            evidence=Evidence.from_dict(data["evidence"]),
            metric=data.get("metric"),
            dataset=data.get("dataset"),
            values=tuple(sorted((data.get("values") or {}).items())),
            confidence=data.get("confidence"),
        )


@dataclass(frozen=True, slots=True)
class PaperFindings(_FastPickle):
    """What extraction found in one paper: the record ``kg extract`` writes, one per line."""

    paper: Paper
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The JSONL contract of ``../shared/eval/README.md`` plus the paper's metadata."""
        return {
            "id": self.paper.id,
            "title": self.paper.title,
            "entities": [e.to_dict() for e in self.entities],
            "relations": [r.to_dict() for r in self.relations],
            "paper": self.paper.to_dict(),
        }

    def to_line(self) -> str:
        """One line of the ``kg extract`` contract: ``to_dict`` as compact, key-sorted JSON."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PaperFindings:
        paper = Paper.from_dict(data["paper"]) if "paper" in data else Paper(
            id=data["id"], title=data["title"], abstract=""
        )
        return cls(
            paper=paper,
            entities=tuple(Entity.from_dict(e) for e in data.get("entities", [])),
            relations=tuple(Relation.from_dict(r) for r in data.get("relations", [])),
        )

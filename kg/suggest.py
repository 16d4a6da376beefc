"""Vocabulary suggestions: the names extraction found that no vocabulary holds, as a SKOS
draft a user reviews and adds to ``schemas/vocab/`` (``kg vocab suggest CORPUS``).

Why: the vocabularies decide most of what the extractor recognises and merges (two
spellings of one concept become one node only through them), and they were written for the
field at large. A user's subfield has its own names; listing the ones the user's corpus
keeps using, with a typed guess, a paper count and a sentence to judge each by, turns
growing the vocabulary into reviewing a list.

A name counts when a paper relates to it by anything but ``proposes`` alone: a system one
paper introduces is that paper's, not yet the field's, until a second paper names it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.ids import entity_id
from kg.model import PaperFindings
from kg.normalize import norm_key
from kg.vocab import Vocabulary, load_vocabulary

__all__ = ["Suggestion", "draft_turtle", "suggest"]

PREFIXES = {"Technique": "tech", "Model": "model", "Hardware": "hw", "Metric": "metric",
            "Dataset": "dataset"}
SCHEMES = {"tech": "technique", "model": "model", "hw": "hardware", "metric": "metric",
           "dataset": "dataset"}


@dataclass
class Suggestion:
    """A name outside the vocabularies: its type, how often it is named, an example."""

    type: str
    label: str
    names: dict[str, int] = field(default_factory=dict)  # spelling -> times seen
    labels: dict[str, int] = field(default_factory=dict)  # the extractor's label -> times
    papers: set[str] = field(default_factory=set)  # papers naming it (not only proposing)
    proposed_by: set[str] = field(default_factory=set)
    broader: set[str] = field(default_factory=set)  # vocabulary concepts it is a kind of
    example: str = ""
    id: str = ""  # the concept id it would get; an existing one: new names for that concept
    existing: bool = False

    @property
    def support(self) -> int:
        """Papers naming it: those relating to it otherwise than proposing it, and those
        proposing it once a second paper does."""
        proposers = self.proposed_by if len(self.proposed_by) > 1 else set()
        return len(self.papers | proposers)


def suggest(findings: Iterable[PaperFindings], *, min_papers: int = 1,
            vocab: Vocabulary | None = None) -> list[Suggestion]:
    """The names of ``findings`` no vocabulary concept holds, most supported first (then by
    label), each at least ``min_papers`` papers.

    A spelling that folds to a name a concept of the same type already has ("ANN" and
    "ANNS" fold alike) is left out of the suggestion, so the draft can join the
    vocabularies; a suggestion left with no spelling is dropped."""
    vocab = vocab or load_vocabulary()
    found: dict[tuple[str, str], Suggestion] = {}
    for record in findings:
        entities = {e.id: e for e in record.entities if e.concept is None}
        for relation in record.relations:
            for node in (relation.source, relation.target):
                entity = entities.get(node)
                if entity is None:
                    continue
                key = (entity.type, norm_key(entity.label))
                item = found.setdefault(key, Suggestion(entity.type, entity.label))
                item.labels[entity.label] = item.labels.get(entity.label, 0) + 1
                for name in (entity.label, *entity.aliases):
                    item.names[name] = item.names.get(name, 0) + 1
                item.broader.update(entity.broader)
                if relation.type == "proposes":
                    item.proposed_by.add(record.paper.id)
                else:
                    item.papers.add(record.paper.id)
                    if not item.example:
                        item.example = relation.evidence.sentence
    kept = []
    for item in found.values():
        if item.support < max(min_papers, 1):
            continue
        item.names = {n: c for n, c in item.names.items()
                      if vocab.lookup(n, item.type) is None}
        if not item.names:
            continue
        # The label the extractor gave most often, else the most used spelling left.
        labels = [n for n in item.labels if n in item.names] or list(item.names)
        item.label = max(labels, key=lambda n: (item.labels.get(n, 0), item.names[n], n))
        item.example = item.example or item.label
        item.id = entity_id(item.type, item.label)
        item.existing = item.id in vocab.concepts
        kept.append(item)
    kept.sort(key=lambda s: (-s.support, s.type, s.label.lower()))
    unique: dict[str, Suggestion] = {}
    for item in kept:  # two spellings with one slug: one suggestion, the more used
        first = unique.setdefault(item.id, item)
        if first is not item:
            first.names.update({n: c for n, c in item.names.items() if n not in first.names})
    return list(unique.values())


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def draft_turtle(suggestions: list[Suggestion], *, source: str) -> str:
    """``suggestions`` as SKOS in the vocabularies' own layout (one concept a line, the
    ``s:``/``kg:`` prefixes), each with its paper count and example as ``s:scopeNote``,
    grouped by type, to review and move into ``schemas/vocab/<type>.ttl``."""
    lines = [f"# Vocabulary suggestions from {source}: names no vocabulary holds, most",
             "# papers first. Review each (type, label, aliases, broader), then move the line",
             "# into schemas/vocab/<type>.ttl; drop the scopeNote or keep it. A line with",
             "# only altLabel adds spellings to a concept the vocabulary already has.",
             "@prefix s: <http://www.w3.org/2004/02/skos/core#> .",
             "@prefix kg: <https://w3id.org/mlsys-kg/ontology#> ."]
    lines += [f"@prefix {p}: <https://w3id.org/mlsys-kg/id/{SCHEMES[p]}/> ."
              for p in sorted(SCHEMES)]
    for entity_type, prefix in PREFIXES.items():
        group = [s for s in suggestions if s.type == entity_type]
        if not group:
            continue
        lines += ["", f"# --- {entity_type}: {len(group)} suggestions " + "-" * 40]
        for item in group:
            subject = f"{prefix}:{item.id.split('/', 1)[1]}"
            if item.existing:  # spellings of a concept the vocabulary has: more aliases
                parts = [f"{subject} s:altLabel " + ", ".join(map(_literal, sorted(item.names)))]
            else:
                aliases = sorted(n for n in item.names if n != item.label)
                parts = [f"{subject} s:prefLabel {_literal(item.label)}"]
                if aliases:
                    parts.append("s:altLabel " + ", ".join(map(_literal, aliases)))
            if item.broader and not item.existing:
                parts.append("s:broader " + ", ".join(
                    f"{PREFIXES[_type_of(b)]}:{b.split('/', 1)[1]}" for b in sorted(item.broader)))
            papers = f"{item.support} paper{'' if item.support == 1 else 's'}"
            note = f"{papers}; e.g. {item.example[:300]}"
            parts.append(f"s:scopeNote {_literal(note)}")
            lines.append(" ; ".join(parts) + " .")
    return "\n".join(lines) + "\n"


def _type_of(concept_id: str) -> str:
    scheme = concept_id.split("/", 1)[0]
    return next(t for t, p in PREFIXES.items() if SCHEMES[p] == scheme)

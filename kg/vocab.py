"""Vocabularies: SKOS concept schemes under ``schemas/vocab/``, loaded, validated and indexed.

One Turtle file per node type (``technique.ttl``, ``hardware.ttl``, ...). Each concept has one
``skos:prefLabel``, any number of ``skos:altLabel`` (aliases, acronyms, spellings) and
``skos:broader`` links, which may point into another file. ``kg:noMatch true`` marks concepts
that exist for the hierarchy only ("processor") and are never matched in text;
``kg:product true`` marks a named product (NVIDIA H100) among device classes.

The vocabulary is data: extending kg to a new area means editing these files, not code.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kg.errors import VocabularyError
from kg.normalize import norm_key

__all__ = ["VOCAB_FILES", "Concept", "Vocabulary", "is_acronym", "load_vocabulary"]

VOCAB_FILES = {
    "Technique": "technique.ttl",
    "Model": "model.ttl",
    "Hardware": "hardware.ttl",
    "Metric": "metric.ttl",
    "Dataset": "dataset.ttl",
}
ID_BASE = "https://w3id.org/mlsys-kg/id/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
KG = "https://w3id.org/mlsys-kg/ontology#"


@dataclass(frozen=True, slots=True)
class Concept:
    """One vocabulary concept. ``id`` is the part of its IRI after the id base: ``hardware/gpu``."""

    id: str
    type: str
    label: str
    aliases: tuple[str, ...]
    broader: tuple[str, ...]
    match: bool = True
    # Names shared with another concept ("MPC": secure multi-party computation or model
    # predictive control), as skos:hiddenLabel: matched in text, the paper's context choosing
    # between the concepts, but never a name the concept is shown or looked up by.
    hidden: tuple[str, ...] = ()
    # A device model or product line sold under its name (``kg:product true``): NVIDIA H100,
    # not GPU; the graph types it ``kg:HardwareProduct``.
    product: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


def is_acronym(name: str) -> bool:
    """True for acronym-like names matched case-sensitively: "MoE", "TPU", "LoRA", "FP8".

    A lower-case "ram" or "tee" in prose is not the acronym, so these must match as written.
    """
    letters = [c for c in name if c.isalpha()]
    if " " in name or not letters or len(name) > 10:
        return False
    upper = sum(c.isupper() for c in letters)
    return upper >= 2 or (upper == 1 and len(letters) <= 2)


class Vocabulary:
    """All concepts of all types, with a name index.

    Parameters
    ----------
    concepts : iterable of Concept

    Raises
    ------
    VocabularyError
        When a ``broader`` link points nowhere, two concepts of one type share a name, or an
        id does not start with its type (``hardware/…``).
    """

    def __init__(self, concepts: list[Concept]):
        self.concepts: dict[str, Concept] = {}
        for concept in concepts:
            if concept.id in self.concepts:
                raise VocabularyError(f"concept {concept.id} is defined twice")
            if not concept.id.startswith(concept.type.lower() + "/"):
                # Ids are <type>/<slug>, like those of entities found outside a vocabulary
                # (kg.ids.entity_id): the streamed exports read a node's label off its id.
                raise VocabularyError(f"concept {concept.id} of type {concept.type} must have "
                                      f"an id starting with '{concept.type.lower()}/'")
            self.concepts[concept.id] = concept
        self.by_key: dict[str, list[Concept]] = {}
        for concept in self.concepts.values():
            for parent in concept.broader:
                if parent not in self.concepts:
                    raise VocabularyError(f"{concept.id}: broader concept {parent} does not exist")
            seen: set[str] = set()
            for name in concept.names:
                key = norm_key(name)
                if not key:
                    raise VocabularyError(f"{concept.id}: empty label {name!r}")
                if key in seen:
                    continue
                seen.add(key)
                for other in self.by_key.get(key, []):
                    if other.type == concept.type:
                        raise VocabularyError(
                            f"name {name!r} belongs to both {other.id} and {concept.id}")
                self.by_key.setdefault(key, []).append(concept)

    def __len__(self) -> int:
        return len(self.concepts)

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts.values())

    def lookup(self, name: str, entity_type: str | None = None) -> Concept | None:
        """The concept named ``name`` (any alias, case and plural folded), if any."""
        for concept in self.by_key.get(norm_key(name), []):
            if entity_type is None or concept.type == entity_type:
                return concept
        return None

    def ancestors(self, concept_id: str) -> list[str]:
        """Every broader concept, transitively, nearest first."""
        out: list[str] = []
        todo = list(self.concepts[concept_id].broader)
        while todo:
            cid = todo.pop(0)
            if cid not in out:
                out.append(cid)
                todo.extend(self.concepts[cid].broader)
        return out


def _vocab_dir() -> Path:
    return Path(str(resources.files("kg") / "schemas" / "vocab"))


def parse_vocabulary_file(path: Path, entity_type: str) -> list[Concept]:
    """Read one SKOS Turtle file into concepts of ``entity_type``."""
    import rdflib

    graph = rdflib.Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as err:  # rdflib raises several unrelated types for bad Turtle
        raise VocabularyError(f"{path}: invalid Turtle: {err}") from err
    pref = rdflib.URIRef(SKOS + "prefLabel")
    alt = rdflib.URIRef(SKOS + "altLabel")
    hidden = rdflib.URIRef(SKOS + "hiddenLabel")
    broader = rdflib.URIRef(SKOS + "broader")
    no_match = rdflib.URIRef(KG + "noMatch")
    product = rdflib.URIRef(KG + "product")
    concepts = []
    for subject in sorted(set(graph.subjects(pref, None))):
        iri = str(subject)
        if not iri.startswith(ID_BASE) or iri.endswith("/"):
            continue  # the ConceptScheme itself
        labels = [str(o) for o in graph.objects(subject, pref)]
        if len(labels) != 1:
            raise VocabularyError(f"{path}: {iri} has {len(labels)} prefLabels, expected 1")
        concepts.append(Concept(
            id=iri[len(ID_BASE):],
            type=entity_type,
            label=labels[0],
            aliases=tuple(sorted(str(o) for o in graph.objects(subject, alt))),
            broader=tuple(sorted(str(o)[len(ID_BASE):] for o in graph.objects(subject, broader))),
            match=not any(bool(o.toPython()) for o in graph.objects(subject, no_match)),
            hidden=tuple(sorted(str(o) for o in graph.objects(subject, hidden))),
            product=any(bool(o.toPython()) for o in graph.objects(subject, product)),
        ))
    return concepts


@functools.lru_cache(maxsize=4)
def load_vocabulary(directory: str | None = None) -> Vocabulary:
    """Load and validate every vocabulary file (cached: vocabularies do not change in a run)."""
    base = Path(directory) if directory else _vocab_dir()
    concepts: list[Concept] = []
    for entity_type, name in VOCAB_FILES.items():
        path = base / name
        if not path.is_file():
            raise VocabularyError(f"missing vocabulary file {path}")
        concepts.extend(parse_vocabulary_file(path, entity_type))
    return Vocabulary(concepts)

"""A curation file: the user's own corrections, applied to every build (``--curation FILE``).

Why a file and not edits to the exports: extraction reruns (a new extractor, ``--update``,
``--no-cache``) and would undo hand edits; a file the user keeps beside the corpus is applied
to the fresh findings of every build, so the corrections survive. It is YAML (a list of
changes) or CSV (one change a row), and every change names what it acts on by id
(``technique/lora``, ``paper-…``, ``arxiv-2411-00001``) or by name (a label or alias, any
case; a paper's title or arXiv id).

Changes (``action`` and its keys; ``note`` is optional everywhere):

- ``reject-edge``: ``paper``, ``relation``, ``target`` (and ``source``, the winner of an
  ``outperforms``; the paper by default): drop that extracted edge.
- ``reject-entity``: ``entity``: drop it and every edge to or from it.
- ``merge``: ``entity`` ``into``: one node; the first's names become the second's aliases.
- ``rename``: ``entity`` ``label``: the name the node is shown by (the old one stays an alias).
- ``retype``: ``entity`` ``type``: another node type (its edges follow: a Technique ``uses``
  becomes a Hardware ``targets``).
- ``alias``: ``entity`` ``alias``: one more name the node answers to.
- ``add-edge``: ``paper``, ``relation``, ``target`` (``source`` for ``outperforms``; ``type``
  and ``label`` when the target is new): an edge by hand. Its evidence is the note, its rule
  ``curation``, its confidence 1.

Two stages, because a build streams: edge and entity changes rewrite each paper's findings
before they are merged (``apply``: findings.jsonl holds the curated findings), and the
node's name and aliases are set once every paper is merged (``NodeChanges``, saved beside
the exports as ``curation.json`` so ``kg export`` and ``kg html`` show the same names).
Every node a change touched carries ``notes`` (``skos:editorialNote`` in RDF) saying what
was changed and by which line of which file.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ParseError
from kg.ids import entity_id
from kg.lookup import close_names, did_you_mean
from kg.model import (
    ENTITY_TYPES,
    RELATION_TYPES,
    ROLE_BY_TYPE,
    Entity,
    Evidence,
    PaperFindings,
    Relation,
)
from kg.normalize import norm_key
from kg.vocab import Vocabulary, load_vocabulary

__all__ = ["ACTIONS", "Change", "Curation", "CurationError", "NodeChanges", "load_curation"]

# action -> (required keys, optional keys)
ACTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "reject-edge": (("paper", "relation", "target"), ("source", "note")),
    "reject-entity": (("entity",), ("note",)),
    "merge": (("entity", "into"), ("note",)),
    "rename": (("entity", "label"), ("note",)),
    "retype": (("entity", "type"), ("note",)),
    "alias": (("entity", "alias"), ("note",)),
    "add-edge": (("paper", "relation", "target"), ("source", "type", "label", "note")),
}
CSV_COLUMNS = ("action", "entity", "into", "label", "type", "alias", "paper", "relation",
               "source", "target", "note")


class CurationError(ParseError):
    """A curation file that cannot be applied: the message names its file, line and key."""


@dataclass(frozen=True)
class Change:
    """One change of the file, and where it was written (for errors and notes)."""

    action: str
    keys: dict[str, str]
    path: str
    line: int

    @property
    def where(self) -> str:
        return f"{Path(self.path).name}:{self.line}"

    def note(self, what: str) -> str:
        note = self.keys.get("note")
        return f"{what} by {self.where}" + (f": {note}" if note else "")


def _close(word: str, options: Iterable[str]) -> str:
    return did_you_mean(close_names(word, options))


def _checked(action: object, keys: dict[str, object], path: str, line: int,
             key_lines: dict[str, int]) -> Change:
    """A ``Change`` from one entry, or a ``CurationError`` naming the line and the key."""
    if not isinstance(action, str) or action not in ACTIONS:
        raise CurationError(f"unknown action {action!r}{_close(str(action), ACTIONS)}"
                            f" (actions: {', '.join(ACTIONS)})", path=path, line=line)
    required, optional = ACTIONS[action]
    for key, value in keys.items():
        at = key_lines.get(key, line)
        if key not in required and key not in optional:
            raise CurationError(f"{action} takes no key {key!r}"
                                f"{_close(key, (*required, *optional))} (it takes "
                                f"{', '.join((*required, *optional))})", path=path, line=at)
        if not isinstance(value, str | int | float) or isinstance(value, bool) or \
                not str(value).strip():
            raise CurationError(f"key {key!r} needs a text value, not {value!r}",
                                path=path, line=at)
    missing = [k for k in required if k not in keys]
    if missing:
        raise CurationError(f"{action} needs {', '.join(map(repr, missing))}",
                            path=path, line=line)
    text = {k: str(v).strip() for k, v in keys.items()}
    if "relation" in text and text["relation"] not in RELATION_TYPES:
        raise CurationError(f"unknown relation "
                            f"{text['relation']!r}{_close(text['relation'], RELATION_TYPES)}",
                            path=path, line=key_lines.get("relation", line))
    if "type" in text and text["type"] not in ENTITY_TYPES:
        raise CurationError(f"unknown type {text['type']!r}"
                            f"{_close(text['type'], ENTITY_TYPES)} (types: "
                            f"{', '.join(ENTITY_TYPES)})", path=path,
                            line=key_lines.get("type", line))
    return Change(action, text, path, line)


def _yaml_changes(text: str, path: str) -> list[Change]:
    import yaml

    try:
        root = yaml.compose(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise CurationError(f"not YAML: {getattr(err, 'problem', None) or err}", path=path,
                            line=line) from err
    if root is None:
        return []
    if isinstance(root, yaml.MappingNode):  # {changes: [...]}
        entries = {k.value: v for k, v in root.value}
        if "changes" not in entries:
            raise CurationError("expected a list of changes (or a mapping with 'changes:')",
                                path=path, line=root.start_mark.line + 1)
        root = entries["changes"]
    if not isinstance(root, yaml.SequenceNode):
        raise CurationError("expected a list of changes", path=path,
                            line=root.start_mark.line + 1)
    out = []
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            raise CurationError("a change is a mapping (action: ..., ...)",
                                path=path, line=line)
        data = yaml.safe_load(yaml.serialize(item))
        key_lines = {k.value: k.start_mark.line + 1 for k, _ in item.value}
        action = data.pop("action", None)
        out.append(_checked(action, data, path, line, key_lines))
    return out


def _csv_changes(text: str, path: str) -> list[Change]:
    reader = csv.DictReader(io.StringIO(text))
    unknown = [c for c in reader.fieldnames or [] if c not in CSV_COLUMNS]
    if unknown:
        raise CurationError(f"unknown column {unknown[0]!r}"
                            f"{_close(unknown[0], CSV_COLUMNS)} (columns: "
                            f"{', '.join(CSV_COLUMNS)})", path=path, line=1)
    out = []
    for row in reader:
        line = reader.line_num
        keys = {k: v for k, v in row.items() if k != "action" and k and v and v.strip()}
        out.append(_checked((row.get("action") or "").strip(), keys, path, line, {}))
    return out


def load_curation(path: str | Path, vocab: Vocabulary | None = None) -> Curation:
    """Read and check a curation file (``.yaml``/``.yml`` or ``.csv``)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as err:
        raise CurationError(f"cannot read the curation file: {err.strerror or err}",
                            path=str(p)) from err
    changes = (_csv_changes(text, str(p)) if p.suffix.lower() == ".csv"
               else _yaml_changes(text, str(p)))
    return Curation(changes, vocab or load_vocabulary(), path=str(p))


@dataclass
class NodeChanges:
    """What a curation sets on merged nodes: label, extra aliases, notes (by node id)."""

    labels: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def apply(self, entities: dict[str, dict]) -> None:
        """Set them on ``entities`` (node id -> attributes), as the graph builder holds them."""
        for node, label in self.labels.items():
            if node in entities:
                data = entities[node]
                if data["label"] != label:
                    data["aliases"] = [*data.get("aliases", []), data["label"]]
                    data["label"] = label
        for node, names in self.aliases.items():
            if node in entities:
                data = entities[node]
                known = {norm_key(n) for n in (data["label"], *data.get("aliases", []))}
                data["aliases"] = [*data.get("aliases", []),
                                   *(n for n in names if norm_key(n) not in known)]
        for node, notes in self.notes.items():
            if node in entities:
                entities[node]["notes"] = sorted(set(entities[node].get("notes", []) + notes))

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=1, sort_keys=True,
                          ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> NodeChanges:
        data = json.loads(text)
        return cls(data.get("labels", {}), data.get("aliases", {}), data.get("notes", {}))


class Curation:
    """The checked changes of a curation file, applied paper by paper (``apply``), then to
    the merged nodes (``node_changes``); ``unmatched`` lists changes that found nothing."""

    def __init__(self, changes: list[Change], vocab: Vocabulary, *, path: str = ""):
        self.path = path
        self.changes = changes
        self.vocab = vocab
        self.used: set[int] = set()  # indexes of changes that acted on some paper
        self.seen_entities: set[str] = set()  # entity ids met in the findings
        self.seen_names: set[str] = set()  # and their names, folded
        self.node_changes = NodeChanges()

    # --- naming ------------------------------------------------------------------------

    def _entity(self, ref: str, record: PaperFindings) -> Entity | None:
        """The entity ``ref`` names: this paper's entity with that id, or for that
        vocabulary concept, or with that label, or with that alias (an extracted entity's
        aliases are the words the paper used, so they come last, and never stand for
        another vocabulary concept); else the vocabulary concept itself."""
        by_id = {e.id: e for e in record.entities}
        if ref in by_id:
            return by_id[ref]
        concept = self.vocab.concepts.get(ref) or self.vocab.lookup(ref)
        key = norm_key(ref)
        for found in (
                (e for e in record.entities if concept and concept.id in (e.id, e.concept)),
                (e for e in record.entities if norm_key(e.label) == key),
                (e for e in record.entities if key in {norm_key(a) for a in e.aliases}
                 and (concept is None or e.concept in (None, concept.id)))):
            entity = next(found, None)
            if entity is not None:
                return entity
        if concept is not None:
            return Entity(concept.id, concept.type, concept.label, concept=concept.id,
                          broader=concept.broader)
        return None

    @staticmethod
    def _is_paper(ref: str, record: PaperFindings) -> bool:
        paper = record.paper
        return ref in (paper.id, paper.arxiv_id) or norm_key(ref) == norm_key(paper.title)

    # --- stage 1: each paper's findings ----------------------------------------------------

    def apply(self, record: PaperFindings) -> PaperFindings:
        """``record`` with every change that concerns it applied, in file order."""
        for entity in record.entities:
            if entity.id not in self.seen_entities:
                self.seen_entities.add(entity.id)
                self.seen_names.update(norm_key(n) for n in (entity.label, *entity.aliases))
        for index, change in enumerate(self.changes):
            updated = getattr(self, "_" + change.action.replace("-", "_"))(change, record)
            if updated is not None:
                self.used.add(index)
                record = updated
        return record

    def _endpoints(self, change: Change, record: PaperFindings,
                   ) -> tuple[str, Entity | None] | None:
        """(source id, target entity) of an edge change, if it is about this paper."""
        if not self._is_paper(change.keys["paper"], record):
            return None
        source = record.paper.id
        if "source" in change.keys and not self._is_paper(change.keys["source"], record):
            winner = self._entity(change.keys["source"], record)
            if winner is None:
                return None
            source = winner.id
        return source, self._entity(change.keys["target"], record)

    def _reject_edge(self, change: Change, record: PaperFindings) -> PaperFindings | None:
        ends = self._endpoints(change, record)
        if ends is None or ends[1] is None:
            return None
        source, target = ends[0], ends[1].id
        kept = tuple(r for r in record.relations if not (
            r.type == change.keys["relation"] and r.source == source and r.target == target))
        if len(kept) == len(record.relations):
            return None
        return _pruned(dataclasses.replace(record, relations=kept))

    def _reject_entity(self, change: Change, record: PaperFindings) -> PaperFindings | None:
        entity = self._entity(change.keys["entity"], record)
        if entity is None or entity.id not in {e.id for e in record.entities}:
            return None
        gone = entity.id
        relations = tuple(
            dataclasses.replace(r, metric=None) if r.metric == gone else r
            for r in record.relations if gone not in (r.source, r.target))
        return _pruned(dataclasses.replace(record, relations=relations))

    def _merge(self, change: Change, record: PaperFindings) -> PaperFindings | None:
        entity = self._entity(change.keys["entity"], record)
        if entity is None or entity.id not in {e.id for e in record.entities}:
            return None
        into = self._entity(change.keys["into"], record) or Entity(
            change.keys["into"], entity.type, entity.label)
        if into.id == entity.id:
            return None
        merged = dataclasses.replace(
            into, aliases=tuple(dict.fromkeys((*into.aliases, entity.label,
                                              *entity.aliases))))
        self._note(into.id, change.note(f"merged {entity.label!r} ({entity.id}) into this"))
        return _rewired(record, {entity.id: merged})

    def _retype(self, change: Change, record: PaperFindings) -> PaperFindings | None:
        entity = self._entity(change.keys["entity"], record)
        new_type = change.keys["type"]
        if entity is None or entity.id not in {e.id for e in record.entities} or \
                entity.type == new_type:
            return None
        moved = Entity(entity_id(new_type, entity.label), new_type, entity.label,
                       entity.aliases)
        self._note(moved.id, change.note(f"retyped from {entity.type} ({entity.id})"))
        return _rewired(record, {entity.id: moved}, retype=(entity.type, new_type))

    def _rename(self, change: Change, record: PaperFindings) -> PaperFindings | None:
        entity = self._entity(change.keys["entity"], record)
        if entity is None or entity.id not in {e.id for e in record.entities}:
            return None
        self.node_changes.labels[entity.id] = change.keys["label"]
        self._note(entity.id, change.note(f"renamed from {entity.label!r}"))
        return record

    def _alias(self, change: Change, record: PaperFindings) -> PaperFindings | None:
        entity = self._entity(change.keys["entity"], record)
        if entity is None or entity.id not in {e.id for e in record.entities}:
            return None
        names = self.node_changes.aliases.setdefault(entity.id, [])
        if change.keys["alias"] not in names:
            names.append(change.keys["alias"])
        self._note(entity.id, change.note(f"alias {change.keys['alias']!r} added"))
        return record

    def _add_edge(self, change: Change, record: PaperFindings) -> PaperFindings | None:
        ends = self._endpoints(change, record)
        if ends is None:
            return None
        source, target = ends
        if target is None:
            if "type" not in change.keys:
                raise CurationError(
                    f"add-edge: no entity is named "
                    f"{change.keys['target']!r}; give its 'type' (and 'label') to add it",
                    path=change.path, line=change.line)
            label = change.keys.get("label", change.keys["target"])
            target = Entity(entity_id(change.keys["type"], label), change.keys["type"], label)
        relation = change.keys["relation"]
        if any(r.type == relation and r.source == source and r.target == target.id
               for r in record.relations):
            return None
        note = change.note("added")
        edge = Relation(relation, source, target.id, Evidence(note, 0, 0, "curation"),
                        confidence=1.0)
        entities = {e.id: e for e in record.entities}
        entities.setdefault(target.id, target)
        return dataclasses.replace(
            record, entities=tuple(sorted(entities.values(), key=lambda e: e.id)),
            relations=(*record.relations, edge))

    def _note(self, node: str, text: str) -> None:
        notes = self.node_changes.notes.setdefault(node, [])
        if text not in notes:
            notes.append(text)

    # --- after the last paper ------------------------------------------------------------

    def check_entities(self) -> None:
        """Raise for a change naming an entity neither the findings nor the vocabularies
        hold (a typo would otherwise do nothing, silently)."""
        known = self.seen_entities
        for change in self.changes:
            for key in ("entity", "target", "into"):
                ref = change.keys.get(key)
                if ref is None or (change.action == "add-edge" and key == "target"
                                   and "type" in change.keys):
                    continue
                if change.action == "merge" and key == "into" and "/" in ref:
                    continue  # a new id to merge into
                if ref in known or norm_key(ref) in self.seen_names or \
                        ref in self.vocab.concepts or self.vocab.lookup(ref):
                    continue
                raise CurationError(
                    f"{key} {ref!r}: no entity has this id or name"
                    f"{_close(ref, sorted(known))}", path=change.path, line=change.line)

    def unmatched(self) -> list[Change]:
        """Changes that acted on no paper."""
        return [c for i, c in enumerate(self.changes) if i not in self.used]


def _pruned(record: PaperFindings) -> PaperFindings:
    """``record`` without entities no relation names any more."""
    used = {r.source for r in record.relations} | {r.target for r in record.relations} | {
        r.metric for r in record.relations if r.metric}
    return dataclasses.replace(record, entities=tuple(e for e in record.entities
                                                      if e.id in used))


def _rewired(record: PaperFindings, replace: dict[str, Entity],
             retype: tuple[str, str] | None = None) -> PaperFindings:
    """``record`` with the entities of ``replace``'s keys swapped for its values, and their
    edges moved with them (a retyped node's role relations follow its new type)."""
    def end(node: str) -> str:
        return replace[node].id if node in replace else node

    relations = []
    for r in record.relations:
        kind = r.type
        if retype and r.target in replace and kind == ROLE_BY_TYPE[retype[0]]:
            kind = ROLE_BY_TYPE[retype[1]]
        relations.append(dataclasses.replace(
            r, type=kind, source=end(r.source), target=end(r.target),
            metric=end(r.metric) if r.metric else None))
    unique = list({(r.type, r.source, r.target): r for r in relations}.values())
    entities = {e.id: e for e in record.entities if e.id not in replace}
    for entity in replace.values():
        entities[entity.id] = entity
    return _pruned(dataclasses.replace(
        record, relations=tuple(unique),
        entities=tuple(sorted(entities.values(), key=lambda e: e.id))))

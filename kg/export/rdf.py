"""RDF exports of the graph: Turtle, N-Triples and JSON-LD under the kg ontology.

Mapping (see docs/ontology.md):

- a paper is a ``kg:Paper`` with ``dcterms:title``, ``dcterms:abstract``, ``dcterms:issued``
  (``xsd:date``), ``kg:authorCount``, ``kg:upvotes``, ``kg:organization`` and ``kg:listedIn``
  its source pages (``kg:SourcePage``, ``prov:Entity``);
- an entity is a ``kg:Technique``/``Model``/``Hardware``/``Metric``/``Dataset`` and a
  ``skos:Concept`` with ``skos:prefLabel``, ``skos:altLabel``, ``skos:broader`` and
  ``skos:inScheme``;
- each relation is a direct triple (``paper kg:uses technique``) and an ``rdf:Statement``
  (standard RDF reification, which every store and parser reads; RDF-star is not used) with
  ``kg:evidence``, ``kg:charStart``, ``kg:charEnd``, ``kg:rule``, ``prov:wasDerivedFrom`` the
  paper, and for ``outperforms`` ``kg:metric``, ``kg:factor``, ``kg:percent``, ``kg:value`` and
  ``kg:baselineValue``.

Terms are produced directly as N-Triples strings (no rdflib objects on the hot path), in a
deterministic order: each paper (in the order merged) followed by its edges and their
statements, then what papers share: entities, source pages, schemes, the hierarchy and the
tallies. Each triple is produced once. ``stream_triples`` produces them while the papers are
merged (``kg build``: no whole graph in memory), ``generate_triples`` from a built graph; both
give the same sequence. N-Triples, Turtle (kg prefixes, consecutive triples of a subject
grouped with ``;``), JSON-LD (``kg.export.jsonld``: one node object per subject of each
chunk of triples) and shards are written from it in one pass.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import networkx as nx

from kg.build import GraphBuilder, PaperBlock
from kg.export.jsonld import JsonLdFormatter
from kg.fileio import atomic_open
from kg.model import PaperFindings
from kg.namespaces import ID_NS, ONTOLOGY_NS, PREFIXES
from kg.tally import Tally, count_tallies, tallies

__all__ = [
    "builder_shared_triples",
    "generate_ntriples",
    "generate_triples",
    "graph_shared_triples",
    "nt_literal",
    "paper_block_triples",
    "paper_blocks",
    "shared_parts",
    "shared_triples",
    "stream_triples",
    "to_rdflib",
    "write_jsonld",
    "write_ntriples",
    "write_rdf",
    "write_triples",
    "write_turtle",
]

# A triple is three N-Triples terms: "<iri>" or a literal '"text"' / '"v"^^<datatype>'.
Triple = tuple[str, str, str]
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
DCT_NS = "http://purl.org/dc/terms/"
PROV_NS = "http://www.w3.org/ns/prov#"


def _iri(value: str) -> str:
    return f"<{value}>"


def _kg(term: str) -> str:
    return _iri(ONTOLOGY_NS + term)


A = _iri(RDF_NS + "type")
LABEL = _iri(RDFS_NS + "label")
STATEMENT = _iri(RDF_NS + "Statement")
SUBJECT, PREDICATE, OBJECT = (_iri(RDF_NS + t) for t in ("subject", "predicate", "object"))
PREF, ALT, BROADER, IN_SCHEME, CONCEPT, SCHEME = (
    _iri(SKOS_NS + t) for t in ("prefLabel", "altLabel", "broader", "inScheme", "Concept",
                                "ConceptScheme"))
TITLE, ABSTRACT, ISSUED, MODIFIED, CREATOR, SUBJECT_DC, SOURCE, DATE = (
    _iri(DCT_NS + t) for t in ("title", "abstract", "issued", "modified", "creator", "subject",
                               "source", "date"))
DERIVED, PROV_ENTITY = _iri(PROV_NS + "wasDerivedFrom"), _iri(PROV_NS + "Entity")
PREDICATES = {"proposes": _kg("proposes"), "uses": _kg("uses"), "targets": _kg("targets"),
              "measures": _kg("measures"), "evaluated_on": _kg("evaluatedOn"),
              "outperforms": _kg("outperforms")}
_CLASS = {kind: _kg(kind) for kind in ("Paper", "Technique", "Model", "Hardware", "Metric",
                                       "Dataset")}
_DECIMAL = re.compile(r"^\d+(?:\.\d+)?$")
_NT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
               "\b": "\\b", "\f": "\\f"}
# Also escaped: NEL and the Unicode line/paragraph separators, which some tools (Python's
# splitlines among them) treat as line breaks; N-Triples must stay one triple per line.
_NT_SPECIAL = re.compile(r'[\\"\x00-\x1f\x7f\x85\u2028\u2029]')


def nt_literal(text: str, datatype: str | None = None) -> str:
    """A literal in N-Triples syntax, escaped per the W3C grammar (always one line)."""
    body = _NT_SPECIAL.sub(lambda m: _NT_ESCAPES.get(m.group(0), f"\\u{ord(m.group(0)):04X}"),
                           str(text))
    return f'"{body}"^^<{datatype}>' if datatype else f'"{body}"'


def _typed(value: object, xsd: str) -> str:
    return nt_literal(str(value), XSD_NS + xsd)


def paper_term(node: str) -> str:
    return _iri(f"{ID_NS}paper/{node}")


def entity_term(node: str) -> str:
    return _iri(ID_NS + node)


def _source_id(path: str) -> str:
    name = Path(path).name
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "source"
    return f"{slug}-{hashlib.sha1(path.encode('utf-8')).hexdigest()[:6]}"


def source_term(path: str) -> str:
    return _iri(f"{ID_NS}source/{_source_id(path)}")


def _paper_triples(node: str, data: dict) -> Iterator[Triple]:
    s = paper_term(node)
    yield s, A, _CLASS["Paper"]
    yield s, LABEL, nt_literal(data["title"])
    yield s, TITLE, nt_literal(data["title"])
    if data.get("abstract"):
        yield s, ABSTRACT, nt_literal(data["abstract"])
    if data.get("published"):
        yield s, ISSUED, _typed(data["published"], "date")
    if data.get("updated"):
        yield s, MODIFIED, _typed(data["updated"], "date")
    if data.get("author_count") is not None:
        yield s, _kg("authorCount"), _integer(data["author_count"])
    if data.get("upvotes") is not None:
        yield s, _kg("upvotes"), _integer(data["upvotes"])
    for key, term in (("organization", "organization"), ("arxiv_id", "arxivId"),
                      ("doi", "doi")):
        if data.get(key):
            yield s, _kg(term), nt_literal(data[key])
    for author in data.get("authors") or []:
        yield s, CREATOR, nt_literal(author)
    for category in data.get("categories") or []:
        yield s, SUBJECT_DC, nt_literal(category)
    for page in dict.fromkeys(source_term(src["path"]) for src in data.get("sources", [])):
        yield s, _kg("listedIn"), page


def _page_triples(path: str, date: str) -> Iterator[Triple]:
    page = source_term(path)
    yield page, A, _kg("SourcePage")
    yield page, A, PROV_ENTITY
    yield page, LABEL, nt_literal(Path(path).name)
    yield page, SOURCE, nt_literal(path)
    if date:
        yield page, DATE, nt_literal(date)


def _entity_triples(node: str, data: dict) -> Iterator[Triple]:
    s = entity_term(node)
    yield s, A, _CLASS[data["kind"]]
    yield s, A, CONCEPT
    yield s, PREF, nt_literal(data["label"])
    yield s, LABEL, nt_literal(data["label"])
    yield s, IN_SCHEME, _iri(f"{ID_NS}{node.split('/', 1)[0]}/")
    for alias in sorted(set(data.get("aliases", []))):
        if alias != data["label"]:
            yield s, ALT, nt_literal(alias)


def _statement_term(subject: str, predicate: str, obj: str, paper: str) -> str:
    digest = hashlib.sha1(f"{subject} {predicate} {obj} {paper}".encode()).hexdigest()[:16]
    return _iri(f"{ID_NS}statement/{digest}")


def _upper_bound(text: str) -> str | None:
    """ "4.86" -> "4.86"; a range "1.4-11.2" -> "11.2" (the "up to" figure); else None."""
    parts = [p.strip() for p in re.split(r"[-–~]", text) if p.strip()]
    return parts[-1] if parts and all(_DECIMAL.match(p) for p in parts) else None


_EVIDENCE, _CHAR_START, _CHAR_END, _RULE, _METRIC = (
    _kg(t) for t in ("evidence", "charStart", "charEnd", "rule", "metric"))
_INTEGER = f"^^<{XSD_NS}integer>"


def _integer(value: int) -> str:
    """An ``xsd:integer`` literal; digits need no escaping (the hot path: two per statement)."""
    return f'"{int(value)}"{_INTEGER}'


def _edge_triples(s: str, o: str, data: dict, claimed: set[tuple[str, str]],
                  literals: dict[str, str]) -> Iterator[Triple]:
    """The direct triple of a paper's edge (``s`` to ``o``, N-Triples terms) and one
    ``rdf:Statement`` per piece of evidence. ``literals`` caches the paper's sentences as
    literals: one sentence often supports several edges."""
    relation = data["relation"]
    predicate = PREDICATES[relation]
    # Several papers may claim the same "A outperforms B" (one edge each): one direct triple.
    if relation != "outperforms":
        yield s, predicate, o
    elif (s, o) not in claimed:
        claimed.add((s, o))
        yield s, predicate, o
    for ev in data["evidence"]:
        paper = paper_term(ev.paper)
        st = _statement_term(s, predicate, o, ev.paper)
        sentence = literals.get(ev.sentence)
        if sentence is None:
            sentence = literals[ev.sentence] = nt_literal(ev.sentence)
        yield st, A, STATEMENT
        yield st, SUBJECT, s
        yield st, PREDICATE, predicate
        yield st, OBJECT, o
        yield st, _EVIDENCE, sentence
        yield st, _CHAR_START, _integer(ev.start)
        yield st, _CHAR_END, _integer(ev.end)
        rule = literals.get(ev.rule)
        if rule is None:
            rule = literals[ev.rule] = nt_literal(ev.rule)
        yield st, _RULE, rule
        yield st, DERIVED, paper
        if relation == "outperforms":
            if data.get("metric"):
                yield st, _METRIC, entity_term(data["metric"])
            values = data.get("values") or {}
            for key, term in (("factor", "factor"), ("percent", "percent")):
                number = _upper_bound(values.get(key, ""))
                if number is not None:
                    yield st, _kg(term), _typed(number, "decimal")
            for key, term in (("value", "value"), ("baseline_value", "baselineValue")):
                if key in values:
                    yield st, _kg(term), nt_literal(values[key])


def _local_name(predicate: str) -> str:
    """ "<https://w3id.org/mlsys-kg/ontology#evaluatedOn>" -> "evaluatedOn"."""
    return predicate[1:-1].rsplit("#", 1)[1]


def _tally_triples(tally: Tally) -> Iterator[Triple]:
    """A ``kg:ConceptTally``, ``kg:MonthlyTally`` or ``kg:PairTally`` (see kg.tally)."""
    relation = PREDICATES[tally.relation]
    path = f"{ID_NS}tally/{_local_name(relation)}/{tally.concept}"
    if tally.month:
        kind, path = "MonthlyTally", f"{path}/{tally.month}"
    elif tally.with_concept:
        kind = "PairTally"
        path = (f"{path}/{_local_name(PREDICATES[tally.with_relation])}/"
                f"{tally.with_concept}")
    else:
        kind = "ConceptTally"
    s = _iri(path)
    yield s, A, _kg(kind)
    yield s, _kg("relation"), relation
    yield s, _kg("concept"), entity_term(tally.concept)
    if tally.month:
        yield s, _kg("month"), _typed(tally.month, "gYearMonth")
    if tally.with_concept:
        yield s, _kg("withRelation"), PREDICATES[tally.with_relation]
        yield s, _kg("withConcept"), entity_term(tally.with_concept)
    yield s, _kg("paperCount"), _typed(tally.papers, "integer")


def paper_block_triples(block: PaperBlock, claimed: set[tuple[str, str]]) -> Iterator[Triple]:
    """A paper's triples: its description, then each of its edges with their statements.
    ``claimed`` collects the ``outperforms`` pairs already stated (one direct triple each)."""
    yield from _paper_triples(block.id, block.data)
    subject = paper_term(block.id)
    literals: dict[str, str] = {}
    for u, v, _, data in block.edges:
        yield from _edge_triples(subject if u == block.id else entity_term(u),
                                 entity_term(v), data, claimed, literals)


def shared_triples(entities: Mapping[str, dict], pages: Mapping[str, str],
                   broader: Iterable[tuple[str, str]],
                   found: Iterable[Tally]) -> Iterator[Triple]:
    """What papers share, after the last paper: sorted entities, source pages, concept
    schemes, ``skos:broader`` links, then the tallies (paper counts, see kg.tally)."""
    schemes: set[tuple[str, str]] = set()
    for node in sorted(entities):
        data = entities[node]
        yield from _entity_triples(node, data)
        schemes.add((node.split("/", 1)[0], data["kind"]))
    for path in sorted(pages):
        yield from _page_triples(path, pages[path])
    for prefix, kind in sorted(schemes):
        scheme = _iri(f"{ID_NS}{prefix}/")
        yield scheme, A, SCHEME
        yield scheme, PREF, nt_literal(kind)
    for u, v in sorted(broader):
        yield entity_term(u), BROADER, entity_term(v)
    for tally in found:
        yield from _tally_triples(tally)


def stream_triples(findings: Iterable[PaperFindings],
                   builder: GraphBuilder | None = None, *,
                   clock: Clock | None = None,
                   on_block: Callable[[PaperBlock], None] | None = None) -> Iterator[Triple]:
    """The triples of the graph of ``findings``, produced while it is built: each paper's as
    soon as it is merged, then what papers share. The same sequence as
    ``generate_triples(build_graph(findings))``, without the whole graph in memory (unless
    ``builder`` keeps one). ``clock``, if given, times the merging of each paper ("merge")
    and the counting of the tallies ("tallies") apart from producing the triples.
    ``on_block``, if given, sees each paper's block as it is merged (``kg.export.html``'s
    sample of the papers for the page)."""
    builder = builder or GraphBuilder()
    clock = clock or _no_clock
    claimed: set[tuple[str, str]] = set()
    for record in findings:
        with clock("merge"):
            block = builder.add(record)
        if on_block is not None:
            on_block(block)
        yield from paper_block_triples(block, claimed)
    with clock("merge"):
        builder.finish()
    with clock("tallies"):
        found = count_tallies(builder.related_concepts(), builder.broader)
    yield from shared_triples(builder.entities, builder.pages, builder.broader, found)


def paper_blocks(G: nx.MultiDiGraph) -> Iterator[PaperBlock]:
    """The graph's papers in insertion order, each with the edges it claims."""
    by_paper: dict[str, list] = {}  # entity-to-entity outperforms, by claiming paper
    for u, v, key, data in G.edges(keys=True, data=True):
        if "paper" in data and data["paper"] != u:
            by_paper.setdefault(data["paper"], []).append((u, v, key, data))
    for node, data in G.nodes(data=True):
        if data["kind"] == "Paper":
            edges = [*G.out_edges(node, keys=True, data=True), *by_paper.get(node, ())]
            yield PaperBlock(node, data, sorted(edges, key=lambda e: e[:3]))


def shared_parts(G: nx.MultiDiGraph) -> tuple[dict[str, dict], list[tuple[str, str]]]:
    """What the graph's papers share, as a ``GraphBuilder`` holds it after ``finish``: the
    entity nodes' attributes and the ``broader`` pairs. With ``paper_blocks`` this feeds a
    built graph to the writers made for a streamed build."""
    entities = {n: d for n, d in G.nodes(data=True) if d["kind"] != "Paper"}
    broader = [(u, v) for u, v, r in G.edges(data="relation") if r == "broader"]
    return entities, broader


def generate_triples(G: nx.MultiDiGraph) -> Iterator[Triple]:
    """Every triple of the graph once, in a deterministic order: papers in the order they
    were added, each with its edges, then what papers share (``shared_triples``)."""
    claimed: set[tuple[str, str]] = set()
    for block in paper_blocks(G):
        yield from paper_block_triples(block, claimed)
    yield from graph_shared_triples(G)


def graph_shared_triples(G: nx.MultiDiGraph) -> Iterator[Triple]:
    """``shared_triples`` of a built graph: what a streamed build writes after its last
    paper."""
    entities, broader = shared_parts(G)
    pages: dict[str, str] = {}
    for _, data in G.nodes(data=True):
        for source in data.get("sources") or ():
            pages.setdefault(source["path"], source.get("page", ""))
    yield from shared_triples(entities, pages, broader, tallies(G))


def builder_shared_triples(builder: GraphBuilder) -> Iterator[Triple]:
    """``shared_triples`` of a finished ``GraphBuilder`` (its tallies counted anew)."""
    found = count_tallies(builder.related_concepts(), builder.broader)
    yield from shared_triples(builder.entities, builder.pages, builder.broader, found)


def generate_ntriples(G: nx.MultiDiGraph) -> Iterator[str]:
    """N-Triples lines, one per triple, in ``generate_triples`` order."""
    for s, p, o in generate_triples(G):
        yield f"{s} {p} {o} ."


def write_ntriples(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write N-Triples atomically."""
    write_rdf(G, ntriples=path)


SHARD_LINES = 1_000_000


def write_ntriples_sharded(G: nx.MultiDiGraph, directory: str | Path, *,
                           lines_per_shard: int = SHARD_LINES) -> None:
    """N-Triples split into ``graph-00000.nt``, ``graph-00001.nt``, ... of at most
    ``lines_per_shard`` triples, for bulk loaders that load files in parallel. Their
    concatenation is ``graph.nt``; stale shards of an earlier, larger build are removed."""
    write_triples(generate_triples(G), shards=directory, lines_per_shard=lines_per_shard)


class _Shards:
    """N-Triples lines spread over numbered files of at most ``size`` lines, each written
    atomically; ``close`` removes the stale shards of an earlier, larger build."""

    def __init__(self, directory: str | Path, size: int) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.size = size
        self.index = 0
        self.lines = 0
        self.stack = contextlib.ExitStack()
        self.handle = None

    def write(self, lines: list[bytes]) -> None:
        start = 0
        while start < len(lines):
            if self.handle is None or self.lines == self.size:
                self._next()
            take = lines[start:start + self.size - self.lines]
            self.handle.write(b"".join(take))
            self.lines += len(take)
            start += len(take)

    def _next(self) -> None:
        if self.handle is not None:
            self.stack.close()
            self.index += 1
        self.stack = contextlib.ExitStack()
        self.handle = self.stack.enter_context(
            atomic_open(self.directory / f"graph-{self.index:05d}.nt", "wb"))
        self.lines = 0

    def close(self) -> None:
        if self.handle is None:  # no triples: one empty shard, like an empty graph.nt
            self._next()
        self.stack.close()
        for stale in sorted(self.directory.glob("graph-*.nt")):
            if int(stale.stem.split("-")[1]) > self.index:
                stale.unlink()

    def __enter__(self) -> _Shards:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            self.close()
        else:  # the error passes through atomic_open, which discards the partial shard
            self.stack.__exit__(kind, error, traceback)


_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
_PREFIX_OF = {ns: prefix for prefix, ns in PREFIXES.items()}
_COMPACT_CACHE: dict[str, str] = {}


def _compact_iri(term: str) -> str:
    """ "<https://w3id.org/mlsys-kg/ontology#uses>" -> "kg:uses" where Turtle allows it.

    Every namespace ends in "/" or "#" and a local name holds neither, so the only candidate
    namespace is the IRI up to its last "/" or "#": one dict lookup, not a scan of prefixes.
    """
    iri = term[1:-1]
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    prefix = _PREFIX_OF.get(iri[:cut])
    if prefix is not None and _LOCAL.fullmatch(iri[cut:]):
        return f"{prefix}:{iri[cut:]}"
    return term


def _compact(term: str) -> str:
    """A term in Turtle: IRIs and literal datatypes with the kg prefixes where allowed."""
    if term.startswith("<"):
        return _compact_iri(term)
    if term.endswith(">") and '"^^<' in term:
        body, datatype = term.rsplit("^^", 1)
        short = _COMPACT_CACHE.get(datatype)
        if short is None:
            short = _COMPACT_CACHE[datatype] = _compact_iri(datatype)
        return f"{body}^^{short}"
    return term


class _TurtleFormatter:
    """Turtle lines for a stream of triples: consecutive triples of a subject are grouped
    (``s p o ; p o .``). Holds the current subject and a bounded cache of compacted IRIs,
    so writing streams."""

    CACHE = 1 << 16

    def __init__(self) -> None:
        self.current: str | None = None
        self.predicates: dict[str, str] = {A: "a"}
        # Entity, class and paper IRIs and typed literals recur (a paper's IRI in each of its
        # statements); the cache is dropped when full rather than grown with the corpus.
        self.iris: dict[str, str] = {}

    @staticmethod
    def header() -> list[str]:
        return [f"@prefix {prefix}: <{ns}> ." for prefix, ns in PREFIXES.items()]

    def add_all(self, triples: list[Triple], out: list[str]) -> None:
        """Append the lines of ``triples`` to ``out``; a subject's group may continue from
        the previous call. One loop with local names: this runs once per triple (~130 a
        paper) in the process every paper passes through."""
        current, predicates, iris, cache_size = self.current, self.predicates, self.iris, \
            self.CACHE
        append = out.append
        for s, p, o in triples:
            if s != current:
                if current is not None:
                    append("    .")
                append("")
                append(_compact_iri(s))
                current = s
            predicate = predicates.get(p)
            if predicate is None:
                predicate = predicates[p] = _compact(p)
            if o[-1] != ">":
                obj = o  # a plain literal: unchanged
            else:
                # IRIs and typed literals (charStart/charEnd integers, dates) recur.
                obj = iris.get(o)
                if obj is None:
                    if len(iris) >= cache_size:
                        iris.clear()
                    obj = iris[o] = _compact(o)
            append(f"    {predicate} {obj} ;")
        self.current = current

    def close(self, out: list[str]) -> None:
        if self.current is not None:
            out.append("    .")


def write_turtle(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write Turtle atomically: the prefixes, then the triples of ``generate_triples`` with
    consecutive ones of a subject grouped (see ``write_rdf``)."""
    write_rdf(G, turtle=path)


CHUNK_TRIPLES = 100_000
# Times a stage: ``with clock("write turtle"): ...`` (``kg.pipeline``'s build clock).
Clock = Callable[[str], contextlib.AbstractContextManager]


def _no_clock(stage: str) -> contextlib.AbstractContextManager:
    return contextlib.nullcontext()


def write_rdf(G: nx.MultiDiGraph, *, ntriples: str | Path | None = None,
              turtle: str | Path | None = None, jsonld: str | Path | None = None,
              on_chunk: Callable[[bytes], None] | None = None) -> None:
    """Write the graph's N-Triples, Turtle and/or JSON-LD in one pass (see
    ``write_triples``)."""
    write_triples(generate_triples(G), ntriples=ntriples, turtle=turtle, jsonld=jsonld,
                  on_chunk=on_chunk)


def write_triples(triples: Iterable[Triple], *, ntriples: str | Path | None = None,
                  turtle: str | Path | None = None, jsonld: str | Path | None = None,
                  shards: str | Path | None = None,
                  lines_per_shard: int = SHARD_LINES,
                  on_chunk: Callable[[bytes], None] | None = None,
                  clock: Clock | None = None) -> None:
    """Write N-Triples, Turtle, JSON-LD and/or sharded N-Triples atomically in one pass over
    ``triples``, and hand each chunk of N-Triples (``CHUNK_TRIPLES`` lines, UTF-8) to
    ``on_chunk`` as it is written.

    Why one pass: producing the triples is most of the cost of any format, and a store
    loader fed from ``on_chunk`` (``kg.sparql.StoreWriter``, which loads on another thread)
    works while this thread writes, instead of re-reading graph.nt afterwards. With
    ``stream_triples`` the triples themselves are produced while the papers are extracted.

    ``clock``, if given, times producing the triples ("triples", less what the producer
    times itself), formatting and writing N-Triples (with the shards and the store's chunks),
    Turtle and JSON-LD, chunk by chunk, so a build shows what each part costs.
    """
    triples = iter(triples)
    clock = clock or _no_clock
    formatter = _TurtleFormatter()
    node_formatter = JsonLdFormatter()
    sharded = _Shards(shards, lines_per_shard) if shards is not None else None
    with contextlib.ExitStack() as stack:
        # Binary handles: each chunk is encoded once, for the file and the store alike.
        nt = stack.enter_context(atomic_open(ntriples, "wb")) if ntriples is not None else None
        ttl = stack.enter_context(atomic_open(turtle, "wb")) if turtle is not None else None
        jld = stack.enter_context(atomic_open(jsonld, "wb")) if jsonld is not None else None
        if sharded is not None:
            stack.enter_context(sharded)
        if ttl is not None:
            ttl.write(("\n".join(formatter.header()) + "\n").encode("utf-8"))
        if jld is not None:
            jld.write(("\n".join(node_formatter.header()) + "\n").encode("utf-8"))
        while True:
            with clock("triples"):
                batch = list(itertools.islice(triples, CHUNK_TRIPLES))
            if not batch:
                break
            if nt is not None or on_chunk is not None or sharded is not None:
                with clock("format + write ntriples"):
                    # Each line encoded on its own: joining first builds one str of the
                    # chunk as wide as its widest character (2 bytes a character once a
                    # single "×" is in it, as in most chunks), and joining and encoding
                    # that took 2.4x as long as this (10,000-paper build).
                    lines = [f"{s} {p} {o} .\n".encode() for s, p, o in batch]
                    data = b"".join(lines)
                    if nt is not None:
                        nt.write(data)
                    if sharded is not None:
                        sharded.write(lines)
                if on_chunk is not None:
                    with clock("store (waiting for the loader)"):
                        on_chunk(data)
            if ttl is not None:
                with clock("write turtle"):
                    out: list[str] = []
                    formatter.add_all(batch, out)
                    out.append("")
                    ttl.write("\n".join(out).encode("utf-8"))
            if jld is not None:
                with clock("write json-ld"):
                    out = []
                    node_formatter.add_all(batch, out)
                    if out:
                        out.append("")
                        jld.write("\n".join(out).encode("utf-8"))
        if ttl is not None:
            out = []
            formatter.close(out)
            if out:
                ttl.write(("\n".join(out) + "\n").encode("utf-8"))
        if jld is not None:
            out = []
            node_formatter.close(out)
            jld.write(("\n".join(out) + "\n").encode("utf-8"))


def to_rdflib(G: nx.MultiDiGraph):
    """The graph as an ``rdflib.Graph`` with the kg prefixes bound (for graphs that fit in
    memory; it is parsed from the N-Triples)."""
    import rdflib

    rdf_graph = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        rdf_graph.bind(prefix, ns, override=True, replace=True)
    rdf_graph.parse(data="\n".join(generate_ntriples(G)) + "\n", format="nt")
    return rdf_graph


def write_jsonld(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write JSON-LD atomically, compacted with the kg prefixes: one node object per line, in
    the order of ``generate_triples`` (``kg.export.jsonld``)."""
    write_rdf(G, jsonld=path)

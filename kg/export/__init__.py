"""Every format is a sink of the canonical form, registered here by name.

A sink takes each paper's block as it is merged (``add``), then what the papers share
(``finish``), or ``abort`` to leave the previous output as it was (``kg.canonical``). The
build, ``kg export`` and ``write_<fmt>(G, path)`` all go through the one registry below
(rdflib's plugin registry idea): a name maps to ``module:Class``, imported only when that
format is asked for, so pyvis loads only for HTML.

A registered class makes its sink with ``open(targets, clock)``: ``targets`` maps each of
its format names asked for to the path to write. Formats registered with the same class
share one sink: N-Triples, Turtle, JSON-LD, the shards and the store are written in one
pass over the triples (``kg.export.rdf.RdfSink``). A new format is one module with a sink
class and one ``register`` line here (docs/api.md shows the smallest sink).
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import networkx as nx

from kg.canonical import PaperBlock, Shared, graph_blocks, graph_shared
from kg.errors import ExportError
from kg.infra.clock import Clock, no_clock

__all__ = ["DEFAULT_FORMATS", "FORMATS", "Format", "Sink", "check_formats", "feed",
           "get_format", "open_sinks", "register", "single_target", "write_export",
           "write_format"]


class Sink(Protocol):
    """What every format does with the canonical form."""

    def add(self, block: PaperBlock) -> None:
        """Write (or keep what it needs of) one paper's block."""

    def finish(self, shared: Shared) -> None:
        """Write what the papers share and put every file in place."""

    def abort(self, error: BaseException | None = None) -> None:
        """Discard what was begun; the previous output stays as it was."""


@dataclass(frozen=True)
class Format:
    """A registered format: its sink class and the file (or folder) it writes by default."""

    name: str
    sink: str  # "module:Class"; the class has ``open(targets, clock) -> Sink``
    default_name: str
    description: str


FORMATS: dict[str, Format] = {}


def register(name: str, sink: str, default_name: str, description: str) -> None:
    """Register format ``name``: written by the sink class ``sink`` ("module:Class") into
    ``default_name`` inside an output folder."""
    FORMATS[name] = Format(name, sink, default_name, description)


register("turtle", "kg.export.rdf:RdfSink", "graph.ttl", "RDF Turtle")
register("ntriples", "kg.export.rdf:RdfSink", "graph.nt", "RDF N-Triples")
register("ntriples-shards", "kg.export.rdf:RdfSink", "nt-shards",
         "N-Triples split into files of 1,000,000 lines, for parallel bulk loaders")
register("jsonld", "kg.export.rdf:RdfSink", "graph.jsonld", "JSON-LD")
register("store", "kg.export.rdf:RdfSink", "store", "Oxigraph store that kg query answers from")
register("html", "kg.export.html:HtmlSink", "graph.html", "interactive page, offline")
register("trig", "kg.export.trig:TrigWriter", "graph.trig",
         "RDF dataset: one named graph per source page")
register("neo4j", "kg.export.neo4j:Neo4jBundleWriter", "neo4j",
         "CSV files for neo4j-admin database import")
register("cypher", "kg.export.cypher:CypherWriter", "graph.cypher", "Cypher script (Neo4j)")
register("cypher-ladybug", "kg.export.cypher:LadybugCypherWriter", "graph.ladybug.cypher",
         "Cypher script for Ladybug (Kuzu)")
register("graphml", "kg.export.graphml:GraphMLWriter", "graph.graphml", "GraphML")
register("gexf", "kg.export.graphml:GexfWriter", "graph.gexf", "GEXF (Gephi)")
register("csv", "kg.export.tabular:CsvWriter", "tables", "nodes.csv and edges.csv")
register("parquet", "kg.export.tabular:ParquetWriter", "tables",
         "nodes.parquet and edges.parquet")

DEFAULT_FORMATS = ("turtle", "ntriples", "jsonld", "html", "store")


def get_format(name: str) -> Format:
    """The format registered as ``name``; an unknown name is an error that suggests one."""
    try:
        return FORMATS[name]
    except KeyError:
        close = difflib.get_close_matches(name, FORMATS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ExportError(f"unknown format '{name}'{hint} (known: "
                          f"{', '.join(sorted(FORMATS))})") from None


def check_formats(names: Iterable[str]) -> list[str]:
    """``names`` as a list, once each, after checking every one is registered."""
    names = list(dict.fromkeys(names))
    for name in names:
        get_format(name)
    return names


def single_target(targets: Mapping[str, Path]) -> Path:
    """The one path of a sink that serves one format."""
    if len(targets) != 1:
        raise ExportError(f"one format expected, got {', '.join(targets)}")
    return Path(next(iter(targets.values())))


def _sink_class(spec: str) -> Any:
    module_name, cls = spec.split(":")
    return getattr(importlib.import_module(module_name), cls)


def open_sinks(targets: Mapping[str, str | Path], *, clock: Clock = no_clock
               ) -> list[tuple[tuple[str, ...], Sink]]:
    """A sink for every format of ``targets`` (name -> path), formats of one sink class
    sharing one: [(their names, the sink)], in the order first named. If one fails to
    open, those already open are aborted."""
    groups: dict[str, dict[str, Path]] = {}
    for name, path in targets.items():
        groups.setdefault(get_format(name).sink, {})[name] = Path(path)
    sinks: list[tuple[tuple[str, ...], Sink]] = []
    try:
        for spec, group in groups.items():
            sinks.append((tuple(group), _sink_class(spec).open(group, clock)))
    except BaseException as err:
        for _, sink in sinks:
            sink.abort(err)
        raise
    return sinks


def feed(sink: Sink, blocks: Iterable[PaperBlock], shared: Shared) -> None:
    """Every block into ``sink``, then ``finish``; on a failure, ``abort``, so the previous
    output stays whole."""
    try:
        for block in blocks:
            sink.add(block)
    except BaseException as err:
        sink.abort(err)
        raise
    sink.finish(shared)


def write_format(G: nx.MultiDiGraph, name: str, path: str | Path) -> Path:
    """Write format ``name`` of a graph in memory to ``path`` (a file, or a folder for the
    formats that write one), through the sink a build uses: the same bytes."""
    ((_, sink),) = open_sinks({name: path})
    feed(sink, graph_blocks(G), graph_shared(G))
    return Path(path)


def write_export(G: nx.MultiDiGraph, name: str, directory: str | Path) -> Path:
    """Write format ``name`` into ``directory`` under its default name; return the path."""
    return write_format(G, name, Path(directory) / get_format(name).default_name)

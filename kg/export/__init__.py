"""Exporters: one module per format, looked up by name in ``EXPORTERS``.

Each entry maps a format name to ``(module:function, default file name)``; the module is
imported only when that format is asked for (rdflib's plugin registry idea), so pyvis loads only
for HTML. A new format is one module, one line here and one line in docs/formats.md.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

import networkx as nx

from kg.errors import ExportError

__all__ = ["BLOCK_WRITERS", "DEFAULT_FORMATS", "EXPORTERS", "StreamedWriter", "block_writer",
           "get_exporter", "write_export"]

EXPORTERS: dict[str, tuple[str, str]] = {
    "turtle": ("kg.export.rdf:write_turtle", "graph.ttl"),
    "ntriples": ("kg.export.rdf:write_ntriples", "graph.nt"),
    "ntriples-shards": ("kg.export.rdf:write_ntriples_sharded", "nt-shards"),
    "jsonld": ("kg.export.rdf:write_jsonld", "graph.jsonld"),
    "html": ("kg.export.html:write_html", "graph.html"),
    "store": ("kg.sparql:write_store", "store"),
    "trig": ("kg.export.trig:write_trig", "graph.trig"),
    "neo4j": ("kg.export.neo4j:write_neo4j", "neo4j"),
    "cypher": ("kg.export.cypher:write_cypher", "graph.cypher"),
    "cypher-ladybug": ("kg.export.cypher:write_cypher_ladybug", "graph.ladybug.cypher"),
    "graphml": ("kg.export.graphml:write_graphml", "graph.graphml"),
    "gexf": ("kg.export.graphml:write_gexf", "graph.gexf"),
    "csv": ("kg.export.tabular:write_csv", "tables"),
    "parquet": ("kg.export.tabular:write_parquet", "tables"),
}
DEFAULT_FORMATS = ("turtle", "ntriples", "jsonld", "html", "store")
# The property-graph formats, written paper by paper from each merged block
# (``kg.export.tables.BlockWriter``): a build streams its papers into them, so it never holds
# the whole graph for them; each ``write_*`` function feeds a built graph to the same writer.
BLOCK_WRITERS: dict[str, str] = {
    "neo4j": "kg.export.neo4j:Neo4jBundleWriter",
    "cypher": "kg.export.cypher:CypherWriter",
    "cypher-ladybug": "kg.export.cypher:LadybugCypherWriter",
    "graphml": "kg.export.graphml:GraphMLWriter",
    "gexf": "kg.export.graphml:GexfWriter",
    "csv": "kg.export.tabular:CsvWriter",
    "parquet": "kg.export.tabular:ParquetWriter",
}


def get_exporter(name: str) -> Callable[[nx.MultiDiGraph, Path], None]:
    """The writer function registered as ``name``."""
    if name not in EXPORTERS:
        raise ExportError(f"unknown format '{name}' (known: {', '.join(sorted(EXPORTERS))})")
    module_name, func = EXPORTERS[name][0].split(":")
    return getattr(importlib.import_module(module_name), func)


class StreamedWriter(Protocol):
    """What a build does with a format of ``BLOCK_WRITERS``."""

    def add(self, block: Any) -> None: ...  # a kg.build.PaperBlock

    def finish(self, entities: Mapping[str, dict], broader: Iterable[tuple[str, str]]
               ) -> Any: ...

    def abort(self, error: BaseException | None = None) -> None: ...


def block_writer(name: str, directory: str | Path) -> StreamedWriter:
    """The streamed writer of format ``name`` (one of ``BLOCK_WRITERS``) into ``directory``
    under its default name: ``add`` each ``PaperBlock``, then ``finish`` or ``abort``."""
    module_name, cls = BLOCK_WRITERS[name].split(":")
    return getattr(importlib.import_module(module_name), cls)(
        Path(directory) / EXPORTERS[name][1])


def write_export(G: nx.MultiDiGraph, name: str, directory: str | Path) -> Path:
    """Write format ``name`` into ``directory`` under its default name; return the path."""
    writer = get_exporter(name)
    path = Path(directory) / EXPORTERS[name][1]
    writer(G, path)
    return path

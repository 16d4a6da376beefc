"""kg: a typed knowledge graph of the machine-learning-systems literature.

Data flows one way: ``kg.readers`` (listings -> Paper) -> ``kg.extract`` (Paper ->
PaperFindings) -> ``kg.merge`` (findings merged paper by paper into the canonical form,
``kg.canonical``) -> ``kg.export`` (one sink per format: Turtle, N-Triples, JSON-LD, the
store, HTML, ...). ``kg.pipeline`` runs that loop; ``kg.cli`` is the only module that prints.

The public API (docs/api.md) is re-exported here and imported on first use, so ``import kg``
stays cheap: ``kg.read_papers``, ``kg.extract_papers``, ``kg.merge``, ``kg.load_graph``,
``kg.edges``, ``kg.claims``, ``kg.write`` and ``kg.write_<fmt>`` for every registered format.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_API = ("build", "build_graph", "claims", "edges", "extract_papers", "from_flat", "load_graph",
        "read_papers", "to_flat", "write", "FORMATS")
_WRITERS = {"write_turtle": "turtle", "write_ntriples": "ntriples", "write_jsonld": "jsonld",
            "write_store": "store", "write_html": "html", "write_trig": "trig",
            "write_neo4j": "neo4j", "write_cypher": "cypher", "write_graphml": "graphml",
            "write_gexf": "gexf", "write_csv": "csv", "write_parquet": "parquet"}

__all__ = ["__version__", *_API, *_WRITERS]


def _writer(fmt: str) -> Any:
    from kg.api import write

    def write_fmt(G: Any, path: Any) -> Any:
        return write(G, fmt, path)

    write_fmt.__name__ = f"write_{fmt}"
    write_fmt.__doc__ = (f"Write the {fmt} export of ``G`` (flat or merged) to ``path``, the "
                         "same bytes a build writes.")
    return write_fmt


def __getattr__(name: str) -> Any:
    if name in _API:
        from kg import api

        return getattr(api, name)
    if name in _WRITERS:
        return _writer(_WRITERS[name])
    raise AttributeError(f"module 'kg' has no attribute {name!r}")

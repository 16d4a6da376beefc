"""GraphML and GEXF for Gephi, yEd and Cytoscape, written paper by paper.

Neither format holds lists, dicts or missing values, so attributes are encoded: lists (aliases,
sources, papers) become JSON arrays in a string (``'["LoRA", "Low-Rank Adaptation"]'``), and a
missing value is left out of that node or edge. Control characters that XML 1.0 cannot
represent are dropped from strings. Every node has ``kind`` and ``label``; edges
have ``relation`` and the flat properties of ``kg.export.tables``. Read a list back with
``json.loads``.

Both files declare every column of the tables up front (GraphML ``<key>``, GEXF
``<attribute>``), whatever the graph holds, so the header is known before the first paper
and nodes are written as they stream; edges wait in a scratch file and follow the nodes
(GEXF requires it; GraphML readers such as Gephi's expect it). The layout is that of
networkx's writers (``nx.read_graphml`` and ``nx.read_gexf`` read both back), with no date
in the GEXF header, so the same graph gives the same bytes on any day.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, ClassVar
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from kg.export import write_format
from kg.export.tables import (
    EDGE_COLUMNS,
    NODE_TABLE,
    BlockWriter,
    copy_parts,
    field_kind,
)

__all__ = ["GexfWriter", "GraphMLWriter", "write_gexf", "write_graphml"]


# Characters XML 1.0 cannot hold at all (not even escaped); they are dropped from strings.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CR = {"\r": "&#13;"}  # kept: XML parsers turn a bare one in text into "\n"
_XML_TYPES = {"int": "long", "float": "double", "list": "string", "str": "string"}
NODE_ATTRS = [c for c in NODE_TABLE if c != "id"]
EDGE_ATTRS = [c for c in EDGE_COLUMNS if c not in ("source", "target")]


def _text(value: Any) -> str:
    """An attribute value as XML-safe text (not yet escaped)."""
    if isinstance(value, list):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        return _XML_INVALID.sub("", value)
    return str(value)


def _present(row: dict[str, Any], columns: list[str]) -> Iterator[tuple[int, str]]:
    """(column index, text) of each value of ``row`` present, in column order."""
    for i, column in enumerate(columns):
        value = row.get(column)
        if value is not None:
            yield i, _text(value)


class _XmlWriter(BlockWriter):
    """Nodes into the file as they come, edges into a scratch file until ``close``."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path)
        self.out: IO[str] = self.output(self.target)
        self.edges: IO[str] = self.scratch()
        self.count = 0  # edges written: their ids
        self.out.write(self.header())

    def header(self) -> str:
        raise NotImplementedError

    def footer(self) -> tuple[str, str]:
        """What goes between the nodes and the edges, and after the edges."""
        raise NotImplementedError

    def write_edge(self, row: dict[str, Any], indent: str, body: str) -> None:
        """One ``<edge>`` element (the same in both formats but for its indent and body)
        into the edges' scratch file, with the next edge id."""
        self.edges.write(f"{indent}<edge source={quoteattr(row['source'])} "
                         f"target={quoteattr(row['target'])} id=\"e{self.count}\">\n"
                         f"{body}{indent}</edge>\n")
        self.count += 1

    def close(self) -> None:
        between, end = self.footer()
        self.out.write(between)
        copy_parts([self.edges], self.out)
        self.out.write(end)


class GraphMLWriter(_XmlWriter):
    """GraphML 1.0: keys ``d0``… for the node columns, then the edge columns."""

    def header(self) -> str:
        keys = [(f"d{i}", "node", c) for i, c in enumerate(NODE_ATTRS)]
        keys += [(f"d{len(NODE_ATTRS) + i}", "edge", c) for i, c in enumerate(EDGE_ATTRS)]
        lines = ["<?xml version='1.0' encoding='utf-8'?>",
                 '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                 'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                 'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">']
        lines += [f'  <key id="{key}" for="{domain}" attr.name="{name}" '
                  f'attr.type="{_XML_TYPES[field_kind(name)]}" />' for key, domain, name in keys]
        lines.append('  <graph edgedefault="directed">')
        return "\n".join(lines) + "\n"

    def node(self, row: dict[str, Any]) -> None:
        data = "".join(f'      <data key="d{i}">{escape(text, _CR)}</data>\n'
                       for i, text in _present(row, NODE_ATTRS))
        self.out.write(f"    <node id={quoteattr(row['id'])}>\n{data}    </node>\n")

    def edge(self, row: dict[str, Any]) -> None:
        base = len(NODE_ATTRS)
        data = "".join(f'      <data key="d{base + i}">{escape(text, _CR)}</data>\n'
                       for i, text in _present(row, EDGE_ATTRS))
        self.write_edge(row, "    ", data)

    def footer(self) -> tuple[str, str]:
        return "", "  </graph>\n</graphml>\n"


class GexfWriter(_XmlWriter):
    """GEXF 1.2: attributes ``0``… for the node columns but ``label`` (the node's own
    label), then the edge columns."""

    NODE: ClassVar[list[str]] = [c for c in NODE_ATTRS if c != "label"]

    def header(self) -> str:
        def attributes(cls: str, columns: list[str], first: int) -> list[str]:
            return ([f'    <attributes mode="static" class="{cls}">']
                    + [f'      <attribute id="{first + i}" title="{c}" '
                       f'type="{_XML_TYPES[field_kind(c)]}" />' for i, c in enumerate(columns)]
                    + ["    </attributes>"])

        lines = ["<?xml version='1.0' encoding='utf-8'?>",
                 '<gexf xmlns="http://www.gexf.net/1.2draft" '
                 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                 'xsi:schemaLocation="http://www.gexf.net/1.2draft '
                 'http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">',
                 "  <meta>", "    <creator>kg</creator>", "  </meta>",
                 '  <graph defaultedgetype="directed" mode="static" name="">',
                 *attributes("node", self.NODE, 0),
                 *attributes("edge", EDGE_ATTRS, len(self.NODE)),
                 "    <nodes>"]
        return "\n".join(lines) + "\n"

    @staticmethod
    def _values(pairs: list[tuple[int, str]], first: int) -> str:
        if not pairs:
            return ""
        values = "".join(f'          <attvalue for="{first + i}" value={quoteattr(text)} />\n'
                         for i, text in pairs)
        return f"        <attvalues>\n{values}        </attvalues>\n"

    def node(self, row: dict[str, Any]) -> None:
        values = self._values(list(_present(row, self.NODE)), 0)
        self.out.write(f"      <node id={quoteattr(row['id'])} "
                       f"label={quoteattr(_text(row['label']))}>\n{values}      </node>\n")

    def edge(self, row: dict[str, Any]) -> None:
        values = self._values(list(_present(row, EDGE_ATTRS)), len(self.NODE))
        self.write_edge(row, "      ", values)

    def footer(self) -> tuple[str, str]:
        return "    </nodes>\n    <edges>\n", "    </edges>\n  </graph>\n</gexf>\n"


def write_graphml(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write GraphML atomically."""
    write_format(G, "graphml", path)


def write_gexf(G: nx.MultiDiGraph, path: str | Path) -> None:
    """Write GEXF 1.2 atomically."""
    write_format(G, "gexf", path)

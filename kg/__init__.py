"""kg: a typed knowledge graph of the machine-learning-systems literature.

Data flows one way: ``kg.readers`` (listings -> Paper) -> ``kg.extract`` (Paper -> PaperFindings)
-> ``kg.build`` (findings -> networkx MultiDiGraph, the one canonical graph) -> ``kg.export``
(graph -> Turtle, N-Triples, JSON-LD, HTML, ...). ``kg.cli`` is the only module that prints.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]

"""Regenerate docs/queries.md: every named query, its question, its text and its first rows
on the sample corpus.

Usage (after ``make demo`` built ``exports/store``):
    .venv/bin/python docs/make_queries_md.py [--store exports/store]

Why a script: the answers in the docs must be what the queries return, so they are written
by running them, never by hand.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.infra.fileio import atomic_open
from kg.sparql import NamedQuery, bind_params, list_queries, open_store, run_query

HEADER = """# Named SPARQL queries

`kg query --list` lists them; `kg query NAME` runs one over `exports/store` (built by
`kg build`). The files are `queries/NAME.rq`; the documented prefixes need no `PREFIX`
lines with `kg query` or `kg serve` (`kg:`, `kgid:`, `paper:`, `tech:`, `model:`, `hw:`,
`metric:`, `dataset:`, `skos:`, `dcterms:`, `prov:`, `rdf:`, `rdfs:`, `xsd:`, `schema:`);
other SPARQL engines need the usual `PREFIX` lines.

How they stay fast on a 100,000-paper graph (`docs/scaling.md` has the measurements):

- Corpus-wide counts read the build's tallies (`kg:ConceptTally`, `kg:MonthlyTally`,
  `kg:PairTally`, see `docs/ontology.md`) instead of joining every edge.
- Selective questions start from the few papers they are about and look up each one's
  edges with `LATERAL` (Oxigraph supports the SPARQL 1.2 draft keyword).
- `ORDER BY ... LIMIT` ranks on numbers and dates inside a subquery; strings are only sorted
  for the rows that are shown (Oxigraph compares strings by reading them from disk).

The answers below are the first rows of `kg query NAME` on the sample corpus
(`../shared/corpus/`, 319 papers), regenerated with:

```sh
make demo && .venv/bin/python docs/make_queries_md.py
```
"""

SHOWN = 8


def section(named: NamedQuery, answer: str) -> str:
    """One query's section: heading, question, parameters, query text, the first rows of its
    answer (parameters at their defaults)."""
    lines = answer.rstrip("\n").splitlines()
    body, footer = lines[:-1], lines[-1]  # the table, then "(N rows)"
    if len(body) > SHOWN + 2:
        body = [*body[:SHOWN + 2], f"… {footer}"]
    else:
        body = [*body, footer]
    params = "".join(
        f"Parameter: `--param {name}=...`, {what} (default `{default}`; the answer below is "
        f"for the default).\n\n" for name, (default, what) in named.params.items())
    if named.needs_dates:
        params += ("Counts only papers with a publication date; `kg query` says how many "
                   "carry one when some do not.\n\n")
    return (f"## `{named.name}`\n\n{named.question}\n\n{params}```sparql\n"
            f"{named.text.strip()}\n```\n\n"
            "```\n" + "\n".join(line.rstrip() for line in body) + "\n```\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--store", default="exports/store")
    ap.add_argument("--out", default=str(Path(__file__).with_name("queries.md")))
    args = ap.parse_args()
    store = open_store(args.store)
    parts = [HEADER]
    for named in list_queries():
        parts.append(section(named, run_query(store, bind_params(named, {}), fmt="table")))
    with atomic_open(args.out) as handle:
        handle.write("\n".join(parts))


if __name__ == "__main__":
    main()

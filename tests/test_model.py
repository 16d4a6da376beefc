"""The records: JSON lines and pickles give back equal records."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from kg.extract import get_extractor
from kg.model import PaperFindings
from kg.readers import read_papers


def test_model_records_survive_json_and_pickle(page: Path) -> None:
    findings = [get_extractor()(paper) for paper in read_papers([page])]
    assert any(f.relations and f.entities and f.paper.sources for f in findings)
    for record in findings:
        assert PaperFindings.from_dict(json.loads(record.to_line())) == record
        # Workers hand findings back as pickles (constructor calls, see _FastPickle).
        again = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        assert again == record
        assert type(again.relations[0].evidence) is type(record.relations[0].evidence)

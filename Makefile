# Two commands do everything: `make demo` (set up, build the sample corpus' graph) and
# `make test` (set up if needed, run every test). Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORPUS ?= ../shared/corpus
OUT ?= exports

.PHONY: demo test venv eval clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: venv
	$(BIN)/kg build $(CORPUS) -o $(OUT)

test: venv
	$(BIN)/python -m pytest -q

eval: venv
	$(BIN)/kg eval ../shared/eval/dev.jsonl

clean:
	rm -rf $(VENV) $(OUT)/graph.* $(OUT)/findings.jsonl $(OUT)/summary.json

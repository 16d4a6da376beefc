"""The docs a user meets stay true: the commands README and docs/cli.md show run on the sample
corpus, docs/cli.md names every option --help lists (and no other), docs/queries.md is what
its script writes today, and the README's picture is of the current build."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

import kg
from kg.cli import cli
from kg.sparql import list_queries

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS))

from make_screenshot import KEY, VIEWS, summary_text, text_chunks  # noqa: E402


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The sample corpus built as make demo builds it."""
    files = sorted((SHARED / "corpus").glob("*.txt"))
    if not files:
        pytest.skip("shared corpus not found")
    out = tmp_path_factory.mktemp("docs") / "exports"
    kg.build(files, out, use_cache=False)
    return out


# --- commands shown in the docs run ------------------------------------------------------


def _shell_blocks(path: Path) -> list[str]:
    """The ```sh blocks of a Markdown file that run kg."""
    blocks = re.findall(r"```sh\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
    return [b for b in blocks if re.search(r"^\s*(\.venv/bin/)?kg ", b, re.M)]


PRELUDE = r"""set -euo pipefail
SERVE_PID=""
trap '[ -n "$SERVE_PID" ] && kill $SERVE_PID 2>/dev/null; true' EXIT
start_serve() {
  kg serve "$@" --port 0 > serve.out 2>&1 &
  SERVE_PID=$!
  for _ in $(seq 200); do grep -q "^SPARQL endpoint" serve.out && break; sleep 0.1; done
  ENDPOINT=$(sed -n 's|^SPARQL endpoint: \(http://[^/]*\)/.*|\1|p' serve.out)
  [ -n "$ENDPOINT" ] || { cat serve.out; exit 1; }
}
"""


def _runnable(block: str) -> str:
    """``block`` as a script for this test: ``make`` lines (the set-up CI runs itself) are
    left out; ``kg serve`` starts in the background on a free port and the URL the docs give
    points at it."""
    lines = []
    for line in block.splitlines():
        stripped = re.sub(r"\s+#.*$", "", line).strip()
        if stripped.startswith("make "):
            continue
        if stripped.startswith("kg serve"):
            args = re.sub(r"--port \d+|&$", "", stripped[len("kg serve"):]).strip()
            lines.append(f"start_serve {args}")
            continue
        lines.append(re.sub(r"http://127\.0\.0\.1:\d+", "$ENDPOINT", line)
                     .replace(".venv/bin/kg ", "kg "))
    return "\n".join(lines)


def test_docs_commands_run(tmp_path: Path) -> None:
    """Every ```sh block of README.md and docs/cli.md that runs kg, in order, from a folder
    beside ../shared as a clone is (the first builds exports/, the others use it)."""
    work = tmp_path / "main"
    work.mkdir()
    (tmp_path / "shared").symlink_to(SHARED)
    (work / "docs").symlink_to(DOCS)  # the examples the docs name, as in a clone
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    ran = []
    for doc in (ROOT / "README.md", DOCS / "cli.md"):
        for block in _shell_blocks(doc):
            script = PRELUDE + _runnable(block)
            result = subprocess.run(["bash", "-c", script], cwd=work, env=env, text=True,
                                    capture_output=True, timeout=600)
            assert result.returncode == 0, (
                f"{doc.name}: this block failed:\n{block}\n{result.stdout[-3000:]}"
                f"\n{result.stderr[-3000:]}")
            ran += re.findall(r"^\s*(?:\.venv/bin/)?kg (\w+)", block, re.M)
    assert {"build", "extract", "eval", "query", "serve", "export", "show"} <= set(ran)
    assert (work / "exports" / "store").is_dir() and (work / "neo4j-import").is_dir()


# --- docs/cli.md and --help ---------------------------------------------------------------


def _commands() -> list[tuple[str, click.Command]]:
    """(``kg build``, command) for every command and subcommand."""
    out = []
    for name, command in sorted(cli.commands.items()):
        if isinstance(command, click.Group):
            out += [(f"kg {name} {sub}", c) for sub, c in sorted(command.commands.items())]
        else:
            out.append((f"kg {name}", command))
    return out


def _synopsis(name: str) -> str:
    """The usage lines docs/cli.md gives ``name``: its inline code spans that start with it."""
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    spans = re.findall(rf"`({re.escape(name)}(?:\s[^`]*)?)`", text)
    assert spans, f"docs/cli.md shows no usage of {name}"
    return "\n".join(spans)


@pytest.mark.parametrize(("name", "command"), _commands(), ids=lambda x: str(x))
def test_docs_cli_md_synopsis_has_the_options_of_help(name: str,
                                                      command: click.Command) -> None:
    """The usage docs/cli.md gives a command names every option its ``--help`` lists, and
    none it lacks (issue 25: the docs and --help had drifted apart)."""
    synopsis = _synopsis(name)
    written = set(re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", synopsis))
    options = [p for p in command.params if isinstance(p, click.Option)]
    missing = [p.opts[0] for p in options if not set(p.opts) & written]
    assert not missing, f"docs/cli.md's usage of {name} lacks {missing}"
    known = {opt for p in options for opt in (*p.opts, *p.secondary_opts)}
    unknown = sorted(written - known - {"--help"})
    assert not unknown, f"docs/cli.md's usage of {name} names {unknown}, which it lacks"


def test_docs_readme_counts_the_named_queries() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"`kg query --list` shows (\d+) named\s+queries", readme)
    assert m and int(m.group(1)) == len(list_queries())


# --- generated docs are current -----------------------------------------------------------


def test_docs_queries_md_is_what_its_script_writes(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "queries.md"
    subprocess.run([sys.executable, str(DOCS / "make_queries_md.py"), "--store",
                    str(sample / "store"), "--out", str(out)], check=True)
    assert out.read_text() == (DOCS / "queries.md").read_text(), (
        "docs/queries.md is out of date: make demo && .venv/bin/python docs/make_queries_md.py")


@pytest.mark.parametrize("name", ["graph.png", *(f"view-{v}.png" for v in VIEWS)])
def test_docs_screenshot_is_of_the_current_build(sample: Path, name: str) -> None:
    """The README's pictures carry the counts of the build they show; they are today's."""
    shown = text_chunks((DOCS / name).read_bytes()).get(KEY)
    assert shown == summary_text(sample), (
        f"docs/{name} shows another build: make demo && .venv/bin/python "
        "docs/make_screenshot.py")


def test_docs_screenshot_script_writes_the_page_with_its_counts(page: Path,
                                                               tmp_path: Path) -> None:
    import shutil

    if not any(map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))):
        pytest.skip("no Chromium on this machine (.ci/run installs Debian's chromium)")
    kg.build([page], tmp_path / "exports", formats=["html"], use_cache=False)
    out = tmp_path / "shot.png"
    result = subprocess.run([sys.executable, str(DOCS / "make_screenshot.py"), "--graph",
                             str(tmp_path / "exports"), "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    png = out.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1400, 900)
    assert text_chunks(png)[KEY] == summary_text(tmp_path / "exports")
    for view in VIEWS:
        assert text_chunks((tmp_path / f"view-{view}.png").read_bytes())[KEY] == \
            summary_text(tmp_path / "exports")

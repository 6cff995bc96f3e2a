#!/usr/bin/env python3
"""Runs the xeus-cling notebooks under Debian's clang-repl and checks their stored outputs.

xeus-cling is not packaged in Debian; clang-repl (Clang's incremental interpreter, the same model
as cling) is. For every notebook given, this script

  * collects the cling pragmas of all code cells,
      #pragma cling add_include_path("DIR")   -> --Xcc=-IDIR           (before any cell runs)
      #pragma cling add_library_path("DIR")   -> a search folder for load()
      #pragma cling load("LIB")               -> dlopen(LIB, RTLD_NOW | RTLD_GLOBAL) in its cell
    relative paths are taken from the notebook's folder, which is also the interpreter's working
    directory (as Jupyter does); --lib-dir folders are searched before the notebook's own
    library paths, so the test uses the build tree under test;
  * feeds the code cells, in order, to ONE clang-repl process, each cell as one input (so cells
    keep their newlines, comments and preprocessor blocks);
  * fails on any error: a compile error, an uncaught exception or a crash, naming the cell;
  * checks that each cell that printed output in the stored notebook still prints output of the
    same shape: the same number of lines and the same tokens once numbers are masked.

With --write-outputs it stores the real outputs of the current code into the notebook instead
(stdout as a stream output; charts announced by the notebook helper as display_data SVG).

Exit codes: 0 all notebooks ran clean, 1 a failure, 77 clang-repl not found (ctest SKIP).
Python 3 standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SKIP_EXIT_CODE = 77
CELL_MARK_RE = re.compile(r"\n@@PFTOKEN-CELL (-?\d+)@@\n")
# Announced on stderr by notebooks/pftoken_notebook.hpp when it shows a chart as text.
DISPLAY_RE = re.compile(r"^@@PFTOKEN-DISPLAY ([\w+/.-]+) (.+)@@$", re.M)
PRAGMA_RE = re.compile(r'^\s*#\s*pragma\s+cling\s+(add_include_path|add_library_path|load)\s*\(\s*"([^"]*)"\s*\)\s*;?\s*$')
# clang-repl 19 emits internal-linkage globals (namespace-scope const / static variables) lazily,
# so their initialisers can run out of order with the rest of the cell: a cell-level const
# variable read before it is initialised. cling has no such problem; the runner rejects them.
TOP_LEVEL_INTERNAL_RE = re.compile(r"(?:static\s+)?const\s|static\s+[^(]*[={;]")
NUMBER_RE = re.compile(r"[-+]?(?:\d+(?:[.,']\d+)*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|\b(?:nan|inf)\b", re.I)


class NotebookFailure(Exception):
    pass


def find_clang_repl(explicit: str | None) -> str | None:
    if explicit:
        return explicit if (os.path.isfile(explicit) or shutil.which(explicit)) else None
    for name in ("clang-repl-19", "clang-repl"):
        found = shutil.which(name)
        if found:
            return found
    return None


def cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def stored_stdout(cell: dict) -> str:
    return "".join(
        "".join(o["text"]) if isinstance(o.get("text"), list) else o.get("text", "")
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stdout")


def shape(text: str) -> list[str]:
    """Lines with numbers masked and whitespace runs collapsed: what must not change."""
    lines = text.rstrip("\n").split("\n") if text.strip() else []
    return [" ".join(NUMBER_RE.sub("#", line).split()) for line in lines]


def c_string(text: str) -> str:
    return json.dumps(text)  # a JSON string literal is a valid C++ string literal for paths


class Plan:
    """What to run for one notebook: interpreter flags and the inputs, one per code cell."""

    def __init__(self, notebook: Path, lib_dirs: list[Path], extra_includes: list[Path]):
        self.notebook = notebook
        self.folder = notebook.parent.resolve()
        self.include_dirs: list[Path] = list(extra_includes)
        self.library_dirs: list[Path] = list(lib_dirs)
        self.cells: list[tuple[int, str]] = []  # (index in the notebook, code to run)
        data = json.loads(notebook.read_text(encoding="utf-8"))
        self.data = data
        for index, cell in enumerate(data.get("cells", [])):
            if cell.get("cell_type") != "code":
                continue
            kept: list[str] = []
            loads: list[str] = []
            for line in cell_source(cell).split("\n"):
                m = PRAGMA_RE.match(line)
                if not m:
                    kept.append(line)
                    continue
                kind, arg = m.groups()
                kept.append("")  # keep line numbers of diagnostics
                if kind == "add_include_path":
                    self.include_dirs.append(self._path(arg))
                elif kind == "add_library_path":
                    self.library_dirs.append(self._path(arg))
                else:
                    loads.append(self._library(arg))
            for n, line in enumerate(kept, 1):
                if TOP_LEVEL_INTERNAL_RE.match(line):
                    raise NotebookFailure(
                        f"cell {index} line {n}: top-level `{line.split('=')[0].strip()}`: drop const/static "
                        "(clang-repl 19 initialises namespace-scope const and static variables out of order)")
            prologue = "".join(
                f"pftoken_notebook_runner_load({c_string(lib)});\n" for lib in loads)
            self.cells.append((index, prologue + "\n".join(kept)))

    def _path(self, arg: str) -> Path:
        p = Path(arg)
        return p if p.is_absolute() else (self.folder / p).resolve()

    def _library(self, arg: str) -> str:
        if os.path.isabs(arg):
            return arg
        if "/" in arg:
            return str(self._path(arg))
        for d in self.library_dirs:  # cling searches its library paths in order, then the system
            if (d / arg).is_file():
                return str(d / arg)
        return arg  # the dynamic loader's own search (LD_LIBRARY_PATH, system folders)


RUNNER_PRELUDE = r"""
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
void pftoken_notebook_runner_load(const char* library) {
  if (!dlopen(library, RTLD_NOW | RTLD_GLOBAL)) {
    std::fprintf(stderr, "error: cannot load %s: %s\n", library, dlerror());
    std::exit(3);
  }
}
void pftoken_notebook_runner_mark(int cell) {
  std::fflush(stdout);
  std::printf("\n@@PFTOKEN-CELL %d@@\n", cell);
  std::fflush(stdout);
  std::fprintf(stderr, "\n@@PFTOKEN-CELL %d@@\n", cell);
}
"""


def split_by_marks(text: str) -> dict[int, str]:
    parts = CELL_MARK_RE.split("\n" + text if not text.startswith("\n") else text)
    out: dict[int, str] = {}
    # parts = [before first mark, idx, text, idx, text, ...]
    for i in range(1, len(parts) - 1, 2):
        out[int(parts[i])] = parts[i + 1]
    return out


def run_plan(plan: Plan, clang_repl: str, std: str, timeout: float,
             chart_dir: str) -> tuple[dict[int, str], dict[int, str], int]:
    args = [clang_repl, f"--Xcc=-std={std}"]
    for d in plan.include_dirs:
        args.append(f"--Xcc=-I{d}")
    inputs = [RUNNER_PRELUDE]
    for index, code in plan.cells:
        inputs.append(f"pftoken_notebook_runner_mark({index});")
        inputs.append(code)
    inputs.append("pftoken_notebook_runner_mark(-1);")
    try:
        proc = subprocess.run(args + inputs, cwd=plan.folder, capture_output=True, text=True,
                              timeout=timeout, errors="replace",
                              env=dict(os.environ, PFTOKEN_NOTEBOOK_CHART_DIR=chart_dir))
    except subprocess.TimeoutExpired as e:
        raise NotebookFailure(f"timed out after {timeout:.0f} s") from e
    return split_by_marks(proc.stdout), split_by_marks(proc.stderr), proc.returncode


def first_problem(plan: Plan, out: dict[int, str], err: dict[int, str], returncode: int) -> str | None:
    for index, _ in plan.cells:
        text = err.get(index)
        if text is None:
            # The cell never started: the process died in the one before (or the prelude).
            return f"the interpreter stopped before cell {index} (exit code {returncode})"
        cleaned = DISPLAY_RE.sub("", text)
        if re.search(r"(^|\n)(.*error: |terminate called|Segmentation|Aborted)", cleaned):
            text = cleaned.strip()
            if len(text) > 4000:  # JIT errors list every missing symbol
                text = text[:4000] + " ..."
            return f"cell {index} failed:\n{text}"
    if -1 not in err:
        return f"the interpreter stopped in the last cell (exit code {returncode})"
    if returncode != 0:
        return f"clang-repl exited with {returncode}:\n{err.get(-1, '').strip()}"
    return None


def check_notebook(notebook: Path, args: argparse.Namespace, clang_repl: str) -> bool:
    with tempfile.TemporaryDirectory(prefix="pftoken-notebook-") as chart_dir:
        return check_notebook_in(notebook, args, clang_repl, chart_dir)


def check_notebook_in(notebook: Path, args: argparse.Namespace, clang_repl: str, chart_dir: str) -> bool:
    plan = Plan(notebook, [Path(d).resolve() for d in args.lib_dir], [Path(d).resolve() for d in args.include_dir])
    started = time.monotonic()
    out, err, rc = run_plan(plan, clang_repl, args.std, args.timeout, chart_dir)
    seconds = time.monotonic() - started
    problem = first_problem(plan, out, err, rc)
    if problem:
        print(f"FAIL {notebook.name} ({seconds:.1f} s): {problem}")
        return False

    cells = plan.data["cells"]
    if args.write_outputs:
        count = 0
        for index, _ in plan.cells:
            text = out.get(index, "").rstrip("\n")
            outputs = []
            if text:
                count += 1
                outputs.append({"name": "stdout", "output_type": "stream",
                                "text": [line + "\n" for line in text.split("\n")]})
            for mime, path in DISPLAY_RE.findall(err.get(index, "")):
                file = Path(path) if os.path.isabs(path) else plan.folder / path
                outputs.append({"data": {mime: file.read_text(encoding="utf-8"),
                                         "text/plain": [f"<{mime} {file.name}>"]},
                                "metadata": {}, "output_type": "display_data"})
            cells[index]["outputs"] = outputs
            cells[index]["execution_count"] = None
        notebook.write_text(json.dumps(plan.data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"WROTE {notebook.name} ({seconds:.1f} s): outputs of {count} cells stored")
        return True

    mismatches = []
    checked = 0
    for index, _ in plan.cells:
        expected = stored_stdout(cells[index])
        if not expected.strip():
            if out.get(index, "").strip():
                mismatches.append(f"cell {index}: prints output now but the notebook stores none "
                                  "(run with --write-outputs)")
            continue
        checked += 1
        got = out.get(index, "")
        want_shape, got_shape = shape(expected), shape(got)
        if want_shape != got_shape:
            detail = [f"cell {index}: output shape changed ({len(want_shape)} lines stored, {len(got_shape)} now)"]
            for n, (a, b) in enumerate(zip(want_shape, got_shape)):
                if a != b:
                    detail.append(f"  first difference at line {n + 1}:\n    stored: {a}\n    now:    {b}")
                    break
            mismatches.append("\n".join(detail))
    if checked == 0:
        print(f"FAIL {notebook.name}: no stored outputs to check (run with --write-outputs)")
        return False
    if mismatches:
        print(f"FAIL {notebook.name} ({seconds:.1f} s):\n" + "\n".join(mismatches))
        return False
    print(f"ok   {notebook.name} ({seconds:.1f} s, {len(plan.cells)} code cells, {checked} outputs checked)")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help=".ipynb files or folders of them")
    parser.add_argument("--lib-dir", action="append", default=[],
                        help="searched for load() before the notebook's library paths (the build tree)")
    parser.add_argument("--include-dir", action="append", default=[], help="extra include folder")
    parser.add_argument("--clang-repl", help="interpreter to use (default: clang-repl-19, clang-repl)")
    parser.add_argument("--std", default="c++20")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per notebook")
    parser.add_argument("--write-outputs", action="store_true",
                        help="store the real outputs into the notebooks instead of checking them")
    parser.add_argument("--no-skip", action="store_true",
                        help="fail instead of skipping when clang-repl is not found (CI)")
    args = parser.parse_args()

    clang_repl = find_clang_repl(args.clang_repl)
    if clang_repl is None:
        print("clang-repl not found (Debian: apt-get install clang-tools-19)")
        return 1 if args.no_skip else SKIP_EXIT_CODE

    notebooks: list[Path] = []
    for p in args.notebooks:
        notebooks.extend(sorted(p.glob("*.ipynb")) if p.is_dir() else [p])
    if not notebooks:
        print("FAIL: no notebooks found")
        return 1
    failed = 0
    for nb in notebooks:
        try:
            ok = check_notebook(nb, args, clang_repl)
        except NotebookFailure as e:
            print(f"FAIL {nb.name}: {e}")
            ok = False
        failed += 0 if ok else 1
    print(f"{len(notebooks) - failed}/{len(notebooks)} notebooks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Runs every command line quoted in README.md and docs/**/*.md against a built `pftoken`.

What counts as a command line (see docs/testing.md, "Command lines in the docs"):
  * every line of a ```sh / ```bash / ```shell / ```console code block that is not a comment
    (in a ```console block only the `$ ` prompt lines; the other lines are the shown output);
  * in any other code block except data languages (```yaml, ```json, ```cpp, ...) and in
    4-space-indented blocks: lines starting with `$ ` or with `pftoken <command>` (not
    `pftoken <command>:`, which is an error message being shown).
Lines ending in `\\` are joined with the next one.

Each `pftoken` command line is either
  * a usage synopsis (it names a placeholder such as PROJECT.yaml or carries `[--option]`): every
    `--option` it names must appear in `pftoken <command> --help`; or
  * an example: it is run with bash in a fresh temporary folder holding a `data` link to the
    shipped examples (data/) and the files of tests/docs/fixtures/ (inputs a doc names but the
    repository does not ship, e.g. bad.json), so every relative `--out` / `--plots` folder and
    `> file` redirection lands in the temporary folder; absolute `--out` / `--plots` targets are
    replaced by a temporary folder. The exit code must be 0, or N when the line ends in a
    comment `# exit N` (commands shown failing on purpose). In a ```console block, a shown
    output line starting with `pftoken ...: error:` must appear verbatim on stderr.
Every other command line (installers, builds, Jupyter, ...) cannot run inside a test: it must be
listed in ALLOWED below with the reason. An ALLOWED entry that matches no doc line is an error
too, so the list cannot go stale. Nothing is skipped silently. Command lines in SANDBOXED (the
Jupyter kernelspec) run with HOME and CONDA_PREFIX inside the temporary folder, and every JSON
file they write must parse.

`pftoken <command> ...` mentions in running text (inline code) are not run, but the command must
be one `pftoken --help` lists and every `--option` must be in its `--help`; commands a page
describes as not built yet are listed in NOT_BUILT (an entry that exists by now is an error).

Usage: run_doc_commands.py --pftoken BIN --source DIR [--list]
"""
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

# command text (after `$ ` and the trailing comment are removed) -> why it does not run here.
ALLOWED = {
    "./scripts/run-example.sh":
        "installs the build packages with apt-get (root, network) and builds the release preset; "
        "its last step, `pftoken value data/examples/solar.yaml`, is run from docs/tools/value.md",
    "./scripts/test.sh":
        "installs packages and runs the whole configure/build/test workflow: that is the CI itself",
    "./scripts/setup.sh test":
        "installs Debian packages with apt-get (root, network)",
    "cmake --workflow --preset dev":
        "a full build in a second build tree (minutes); the ci workflow builds and tests the same sources",
    "cmake --workflow --preset release":
        "a full build in a second build tree (minutes); the release preset is the ci preset without tests",
    "cmake --workflow --preset notebooks":
        "a full build in a second build tree (minutes); docs.notebook_setup configures this preset and "
        "checks that it turns the notebook libraries on, and this build tree builds the same libraries",
    "cmake --preset dev -B build/dev -DPFTOKEN_AMM_VECTORS_DIR=/path/to/vectors/amm":
        "a configure of a second build tree for a vector folder at a user path; the ci preset runs the vectors",
    "cmake --preset ci && cmake --build build/ci -j2":
        "the build this test runs in",
    "ctest --test-dir build/ci -L notebooks --output-on-failure":
        "runs the notebooks tests, which are part of this ctest run",
    "python3 tools/run_notebooks.py --lib-dir build/ci/notebook-libs notebooks":
        "the notebooks.run test runs exactly this",
    "python3 tools/run_notebooks.py --lib-dir build/ci/notebook-libs notebooks/03_amm_pools.ipynb":
        "one notebook of the notebooks.run test",
    "python3 tools/run_notebooks.py --lib-dir build/notebooks/notebook-libs notebooks":
        "needs the notebooks preset's build tree; notebooks.run runs the same command on this tree's libraries",
    "python3 tools/run_notebooks.py --lib-dir build/ci/notebook-libs --write-outputs notebooks":
        "rewrites the notebooks in the source tree",
    "python3 tools/run_notebooks.py --lib-dir build/notebooks/notebook-libs --write-outputs notebooks/03_amm_pools.ipynb":
        "rewrites a notebook in the source tree",
    "PFTOKEN_UPDATE_GOLDEN=1 ./build/dev/tests/core/pftoken_core_tests --gtest_filter='Golden*'":
        "rewrites the golden files in the source tree",
    "PFTOKEN_UPDATE_GOLDEN=1 ctest --test-dir build/ci -R 'Golden'":
        "rewrites the golden files in the source tree",
    "git diff tests/golden/":
        "reviews a change in a git checkout; nothing to test",
    "sudo apt-get install jupyter-notebook":
        "installs Debian packages (root, network); the build machine has no Jupyter",
    "jupyter notebook notebooks/":
        "starts an interactive server (and needs Jupyter)",
    "mamba create -n pftoken-notebooks -c conda-forge xeus-cling jupyterlab cxx-compiler cmake ninja "
    "quantlib boost-cpp eigen yaml-cpp fmt nlohmann_json cli11 gnuplot":
        "conda-forge is not reachable from the build machine and conda is not installed",
    "mamba activate pftoken-notebooks":
        "needs the conda environment above",
    "jupyter kernelspec list":
        "needs Jupyter, which the build machine does not install",
    "jupyter lab notebooks/":
        "starts an interactive server (and needs JupyterLab)",
}

# Commands a page names in running text as not built yet: their inline mentions are not checked.
NOT_BUILT = {
}

# Command lines that write into the user's environment: run with HOME and CONDA_PREFIX pointing
# into the temporary folder; every JSON file they write there must parse (kernelspecs).
SANDBOXED = (
    'mkdir -p "$CONDA_PREFIX/share/jupyter/kernels/',
)

PROMPT = "$ "
SHELL_LANGS = {"sh", "bash", "shell", "console"}
DATA_LANGS = {"yaml", "yml", "json", "cpp", "c++", "cmake", "csv", "python", "py", "text", "ini", "toml"}
PLACEHOLDER = re.compile(r"^\[|^[A-Z][A-Z_]*(\.(yaml|json|csv))?$")
EXIT_COMMENT = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")
COMMENT = re.compile(r"\s+#\s.*$")


class Cmd:
    def __init__(self, file, line, text, expect, console_output):
        self.file, self.line, self.text, self.expect = file, line, text, expect
        self.console_output = console_output

    def where(self):
        return f"{self.file}:{self.line}"


def strip_comment(text):
    """Returns (command without trailing comment, expected exit code)."""
    m = EXIT_COMMENT.search(text)
    if m:
        return text[:m.start()].rstrip(), int(m.group(1))
    # A ` # ...` comment outside quotes.
    m = COMMENT.search(text)
    if m and text.count("'", 0, m.start()) % 2 == 0 and text.count('"', 0, m.start()) % 2 == 0:
        text = text[:m.start()]
    return text.rstrip(), 0


def is_pftoken_line(text):
    return re.match(r"^pftoken [a-z][a-z-]*(\s|$)", text) is not None and \
        re.match(r"^pftoken [a-z][a-z-]*( [a-z]+)?:", text) is None


def extract(path, rel):
    """Yields the command lines of one Markdown file."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cmds = []
    i = 0
    fence = None  # (marker, lang)
    block = []    # (lineno, text)

    def flush(lang, blk):
        j = 0
        while j < len(blk):
            lineno, raw = blk[j]
            text = raw.rstrip()
            while text.endswith("\\") and j + 1 < len(blk):
                j += 1
                text = text[:-1].rstrip() + " " + blk[j][1].strip()
            j += 1
            # A here-document runs to its end marker.
            here = re.search(r"<<-?\s*['\"]?(\w+)['\"]?", text)
            if here:
                while j < len(blk) and blk[j][1].strip() != here.group(1):
                    text += "\n" + blk[j][1]
                    j += 1
                if j < len(blk):
                    text += "\n" + blk[j][1].strip()
                    j += 1
            # A usage synopsis continues on indented lines starting with `[`.
            if is_pftoken_line(text.strip()):
                while j < len(blk) and re.match(r"^\s+\[", blk[j][1]):
                    text += " " + blk[j][1].strip()
                    j += 1
            s = text.strip()
            if not s:
                continue
            prompted = s.startswith(PROMPT)
            if lang == "console" and not prompted:
                continue
            if prompted:
                s = s[len(PROMPT):]
            elif lang in SHELL_LANGS:
                if s.startswith("#"):
                    continue
            else:
                if not is_pftoken_line(s):
                    continue
            output = []
            if prompted:
                k = j
                while k < len(blk) and not blk[k][1].strip().startswith(PROMPT):
                    output.append(blk[k][1].strip())
                    k += 1
            cmd, expect = strip_comment(s)
            cmds.append(Cmd(rel, lineno, cmd, expect, output))

    indented = []
    prev_blank = True
    for n, line in enumerate(lines, 1):
        m = re.match(r"^\s*(```+|~~~+)\s*([^\s`]*)[^`]*$", line)
        if fence is None and m:
            if indented:
                flush("", indented)
                indented = []
            fence = (m.group(1), m.group(2).lower())
            block = []
            continue
        if fence is not None:
            if line.strip().startswith(fence[0]) and line.strip().strip("`~") == "":
                if fence[1] not in DATA_LANGS:
                    flush(fence[1], block)
                fence = None
            else:
                block.append((n, line))
            continue
        if line.startswith("    ") and (prev_blank or indented) and line.strip():
            indented.append((n, line))
        elif line.strip() == "" and indented:
            indented.append((n, line))
        else:
            if indented:
                flush("", indented)
                indented = []
        prev_blank = line.strip() == ""
    if indented:
        flush("", indented)
    return cmds


def is_synopsis(text):
    args = text.split()[1:]
    return any(PLACEHOLDER.search(a) for a in args)


def help_text(pftoken, words, cache={}):
    key = tuple(words)
    if key not in cache:
        r = subprocess.run([pftoken, *words, "--help"], capture_output=True, text=True, timeout=60)
        cache[key] = (r.returncode, r.stdout + r.stderr)
    return cache[key]


def command_words(text):
    """`pftoken amm replay X` -> ['amm', 'replay']; `pftoken value X` -> ['value']."""
    parts = text.split()[1:]
    words = []
    for p in parts:
        if re.fullmatch(r"[a-z][a-z-]*", p) and len(words) < 2:
            words.append(p)
        else:
            break
    return words


def subcommands(pftoken):
    """The commands `pftoken --help` lists."""
    _, out = help_text(pftoken, [])
    listed = out.split("Subcommands:", 1)[-1]
    return set(re.findall(r"^\s+([a-z][a-z-]*)\s", listed, re.M))


def check_options(pftoken, text):
    """None when `text`'s command exists and `--help` lists every option it names."""
    words = command_words(text)
    if not words or words[0] not in subcommands(pftoken):
        return f"`pftoken {words[0] if words else ''}` is not a command of `pftoken --help`"
    # `amm replay` is one command of two words; a first word that is a command stands alone.
    rc, out = help_text(pftoken, words)
    if rc != 0 and len(words) > 1:
        words = words[:1]
        rc, out = help_text(pftoken, words)
    if rc != 0:
        return f"`pftoken {' '.join(words)} --help` exits {rc}"
    missing = [o for o in sorted(set(re.findall(r"--[a-z][a-z-]*", text))) if o not in out]
    if missing:
        return f"options not in `pftoken {' '.join(words)} --help`: {', '.join(missing)}"
    return None


def inline_mentions(path, rel):
    """`pftoken <command> ...` spans in running text (outside code blocks): (line, text)."""
    out = []
    fence = None
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        m = re.match(r"^\s*(```+|~~~+)\s*([^\s`]*)[^`]*$", line)
        if m:
            fence = None if fence else m.group(1)
            continue
        if fence or line.startswith("    "):
            continue
        for span in re.findall(r"`(pftoken [a-z][^`]*)`", line):
            if is_pftoken_line(span):
                out.append((n, span))
    return out


def check_synopsis(pftoken, cmd):
    return check_options(pftoken, cmd.text)


def run_example(pftoken, source, fixtures, cmd):
    work = Path(tempfile.mkdtemp(prefix="pftoken-doc-"))
    try:
        os.symlink(source / "data", work / "data")
        if fixtures.is_dir():
            for f in fixtures.iterdir():
                shutil.copy(f, work / f.name)
        text = cmd.text
        # Absolute output targets go to the temporary folder as well.
        text = re.sub(r"(--(?:out|plots)\s+)(/\S+)", lambda m: m.group(1) + str(work / "abs" / m.group(2).lstrip("/")), text)
        bindir = work / ".bin"
        bindir.mkdir()
        os.symlink(pftoken, bindir / "pftoken")
        env = dict(os.environ, PATH=f"{bindir}:{os.environ.get('PATH', '')}", PFTOKEN_DATA_DIR=str(source / "data"))
        sandbox = work / "sandbox"
        if cmd.text.startswith(SANDBOXED):
            (sandbox / "home").mkdir(parents=True)
            env.update(HOME=str(sandbox / "home"), CONDA_PREFIX=str(sandbox / "conda"))
        start = time.monotonic()
        r = subprocess.run(["bash", "-c", "set -o pipefail; " + text], cwd=work, env=env,
                           capture_output=True, text=True, timeout=300)
        took = time.monotonic() - start
        problems = []
        if r.returncode != cmd.expect:
            problems.append(f"exit code {r.returncode}, the doc expects {cmd.expect}"
                            + ("" if cmd.expect else " (mark a failure shown on purpose with `# exit N`)"))
        for written in sorted(sandbox.rglob("*.json")) if sandbox.is_dir() else []:
            try:
                json.loads(written.read_text(encoding="utf-8"))
            except ValueError as e:
                problems.append(f"{written.relative_to(sandbox)} is not valid JSON: {e}")
        if cmd.text.startswith(SANDBOXED) and not (sandbox.is_dir() and any(sandbox.rglob("*.json"))):
            problems.append("wrote no JSON file into the sandbox")
        for shown in cmd.console_output:
            if re.match(r"^pftoken [a-z -]+: error: ", shown) and shown not in r.stderr.splitlines():
                problems.append(f"shown error line not on stderr: {shown}")
        if problems:
            tail = (r.stderr.strip().splitlines() or [""])[-3:]
            problems.append("stderr: " + " | ".join(tail))
        return problems, took
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pftoken", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--list", action="store_true", help="print the command lines found and exit")
    a = ap.parse_args()
    source = Path(a.source).resolve()
    pftoken = str(Path(a.pftoken).resolve())
    fixtures = source / "tests" / "docs" / "fixtures"

    files = [source / "README.md"] + sorted((source / "docs").rglob("*.md"))
    cmds = []
    for f in files:
        cmds += extract(f, f.relative_to(source).as_posix())

    if a.list:
        for c in cmds:
            print(f"{c.where()}: {c.text}" + (f"   [exit {c.expect}]" if c.expect else ""))
        return 0

    failures = []
    used = set()
    n_syn = n_run = n_allowed = 0
    for c in cmds:
        if c.text in ALLOWED:
            used.add(c.text)
            n_allowed += 1
            print(f"allowed  {c.where()}: {c.text}  -- {ALLOWED[c.text]}")
            continue
        if not c.text.startswith("pftoken ") and not c.text.startswith(SANDBOXED):
            failures.append(f"{c.where()}: `{c.text}`: not a pftoken command and not in the "
                            "allow-list of tests/docs/run_doc_commands.py (add it with the reason it cannot run)")
            continue
        if c.text.startswith("pftoken ") and is_synopsis(c.text):
            n_syn += 1
            err = check_synopsis(pftoken, c)
            print(f"synopsis {c.where()}: {c.text}" + (f"  FAILED: {err}" if err else ""))
            if err:
                failures.append(f"{c.where()}: `{c.text}`: {err}")
            continue
        n_run += 1
        problems, took = run_example(pftoken, source, fixtures, c)
        print(f"run      {c.where()}: {c.text}  ({took:.2f} s)" + ("  FAILED" if problems else ""))
        for p in problems:
            failures.append(f"{c.where()}: `{c.text}`: {p}")
    n_inline = 0
    for f in files:
        rel = f.relative_to(source).as_posix()
        for line, span in inline_mentions(f, rel):
            words = command_words(span)
            if words and words[0] in NOT_BUILT:
                continue
            n_inline += 1
            err = check_options(pftoken, span)
            if err:
                failures.append(f"{rel}:{line}: `{span}` (in the text): {err}")
    for built in sorted(set(NOT_BUILT) & subcommands(pftoken)):
        failures.append(f"tests/docs/run_doc_commands.py: `pftoken {built}` exists now: remove it from NOT_BUILT")
    for stale in sorted(set(ALLOWED) - used):
        failures.append(f"tests/docs/run_doc_commands.py: allow-list entry matches no doc line: `{stale}`")

    print(f"\n{len(cmds)} command lines: {n_run} run, {n_syn} synopses checked against --help, "
          f"{n_allowed} allow-listed; {n_inline} inline `pftoken ...` mentions checked against --help")
    if failures:
        print(f"\n{len(failures)} problem(s):", file=sys.stderr)
        for f in failures:
            print("  " + f, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

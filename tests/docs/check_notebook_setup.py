#!/usr/bin/env python3
"""Checks the notebook set-up steps of docs/notebooks.md that can run on the build machine.

1. `cmake --preset notebooks` (configured into a temporary folder) is a Release build with the
   notebook libraries on and declares the five libraries under notebook-libs/ and the target
   pftoken_notebook_libs; its build and workflow presets build that target.
2. Every notebook's first code cell points at that folder (`../build/notebooks/notebook-libs`),
   carries the documented build command, and loads a library this build tree really builds
   (--lib-dir: this tree's notebook-libs).
3. The notebooks ask for the kernelspec docs/notebooks.md tells the user to create.

Usage: check_notebook_setup.py --source DIR --lib-dir DIR [--cmake CMAKE]
"""
import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

LIBS = ["base", "core", "amm", "integration", "charts"]
LIB_PATH = "../build/notebooks/notebook-libs"
HINT = "cmake --workflow --preset notebooks"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--lib-dir", required=True)
    ap.add_argument("--cmake", default="cmake")
    a = ap.parse_args()
    src = Path(a.source).resolve()
    lib_dir = Path(a.lib_dir).resolve()
    problems = []

    # 1. The preset.
    presets = json.loads((src / "CMakePresets.json").read_text(encoding="utf-8"))
    build = {p["name"]: p for p in presets["buildPresets"]}.get("notebooks")
    if not build or "pftoken_notebook_libs" not in build.get("targets", []):
        problems.append("CMakePresets.json: build preset 'notebooks' must build pftoken_notebook_libs")
    workflow = {p["name"]: p for p in presets["workflowPresets"]}.get("notebooks")
    if not workflow or [s["name"] for s in workflow["steps"]] != ["notebooks", "notebooks"]:
        problems.append("CMakePresets.json: workflow preset 'notebooks' must configure and build the notebooks presets")
    tmp = Path(tempfile.mkdtemp(prefix="pftoken-nbpreset-"))
    try:
        r = subprocess.run([a.cmake, "--preset", "notebooks", "-B", str(tmp)], cwd=src,
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            problems.append(f"cmake --preset notebooks failed ({r.returncode}): {r.stderr.strip()[-500:]}")
        else:
            cache = (tmp / "CMakeCache.txt").read_text(encoding="utf-8")
            for want in ("PFTOKEN_BUILD_NOTEBOOK_LIBS:BOOL=ON", "CMAKE_BUILD_TYPE:STRING=Release"):
                if want not in cache:
                    problems.append(f"notebooks preset: {want} not in the cache")
            ninja = (tmp / "build.ninja").read_text(encoding="utf-8")
            if not re.search(r"^build pftoken_notebook_libs: phony", ninja, re.M):
                problems.append("notebooks preset: no target pftoken_notebook_libs")
            for lib in LIBS:
                if f"notebook-libs/libpftoken_{lib}.so" not in ninja:
                    problems.append(f"notebooks preset: does not build notebook-libs/libpftoken_{lib}.so")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # 2. and 3. The notebooks.
    doc = (src / "docs" / "notebooks.md").read_text(encoding="utf-8")
    m = re.search(r'kernels/(\w+)/kernel\.json" <<JSON\n(.*?)\nJSON', doc, re.S)
    if not m:
        problems.append("docs/notebooks.md: no kernelspec here-document found")
        kernel_name, kernel = None, {}
    else:
        kernel_name, kernel = m.group(1), json.loads(m.group(2))
        if "-std=c++20" not in kernel.get("argv", []):
            problems.append("docs/notebooks.md: the kernelspec does not pass -std=c++20")
    notebooks = sorted((src / "notebooks").glob("*.ipynb"))
    if not notebooks:
        problems.append("no notebooks found")
    for nb_path in notebooks:
        name = nb_path.relative_to(src)
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        spec = nb.get("metadata", {}).get("kernelspec", {})
        if kernel_name and (spec.get("name") != kernel_name or spec.get("display_name") != kernel.get("display_name")):
            problems.append(f"{name}: kernelspec {spec} is not the documented {kernel_name} "
                            f"({kernel.get('display_name')})")
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        first = "".join(code[0]["source"]) if code else ""
        if f'#pragma cling add_library_path("{LIB_PATH}")' not in first:
            problems.append(f"{name}: first code cell does not add the library path {LIB_PATH}")
        if HINT not in first:
            problems.append(f"{name}: first code cell does not give the build command `{HINT}`")
        if re.search(r"NOTEBOOK_lib|\.soS\b", first):
            problems.append(f"{name}: first code cell has a garbled build hint")
        for lib in re.findall(r'#pragma cling load\("([^"]+)"\)', first):
            if not (lib_dir / lib).is_file():
                problems.append(f"{name}: loads {lib}, which the build does not produce in {lib_dir}")

    if problems:
        print(f"{len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print(f"notebooks preset configures the 5 notebook libraries; {len(notebooks)} notebooks point at them")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""tools.mm.dcf_anchor: `pftoken mm backtest --amm --project P --token T` anchors the token at the
price per token `pftoken value P` reports for T (tranches.csv, price_per_token), in cents of the
token's face: 100 x price / face. The face comes from the project file (toll_road.yaml: A7-SNR,
face_per_token 1000). With DCF_SPEC (a spec whose `amm:` names the same project and token) the
same anchor comes from the spec.

Usage: check_mm_dcf_anchor.py PFTOKEN SPEC PROJECT TOKEN FACE WORK_DIR [DCF_SPEC]
"""
import csv
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path


def run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def main() -> int:
    pftoken, spec, project, token, face, work = sys.argv[1:7]
    face_per_token = float(face)
    work_dir = Path(work)
    shutil.rmtree(work_dir, ignore_errors=True)
    value = run([pftoken, "value", project, "--format", "csv", "--quiet", "--out", str(work_dir / "value")])
    if value.returncode != 0:
        print(f"pftoken value failed (exit {value.returncode}):\n{value.stdout}\n{value.stderr}")
        return 1
    rows = [r for r in csv.DictReader(open(work_dir / "value" / "tranches.csv", newline=""))
            if r["symbol"] == token]
    if len(rows) != 1:
        print(f"tranches.csv: expected one row for {token}, got {len(rows)}")
        return 1
    price_text = rows[0]["price_per_token"]
    runs = [("cli", [spec, "--amm", "--project", project, "--token", token])]
    if len(sys.argv) > 7:
        runs.append(("spec", [sys.argv[7], "--amm"]))
    errors = []
    for name, args in runs:
        mm = run([pftoken, "mm", "backtest", *args, "--seed", "3", "--quiet", "--out", str(work_dir / name)])
        if mm.returncode != 0:
            print(f"pftoken mm backtest ({name}) failed (exit {mm.returncode}):\n{mm.stdout}\n{mm.stderr}")
            return 1
        check((work_dir / name / "mm.txt").read_text(), price_text, token, face_per_token, face,
              errors, name)
    for e in errors:
        print(e)
    return 1 if errors else 0


def check(text: str, price_text: str, token: str, face_per_token: float, face: str,
          errors: list[str], name: str) -> None:
    m = re.search(r"Oracle anchor ([0-9.]+) cents: the DCF price (\S+) per token of (\S+) ", text)
    if m is None:
        errors.append(f"{name}: mm.txt names no oracle anchor")
    else:
        anchor, price, symbol = float(m.group(1)), m.group(2), m.group(3)
        if price != price_text:
            errors.append(f"{name}: DCF price: mm says {price}, pftoken value says {price_text}")
        if symbol != token:
            errors.append(f"{name}: token: mm says {symbol}, expected {token}")
        expected = 100.0 * float(price_text) / face_per_token
        if not math.isclose(anchor, expected, abs_tol=5e-5):  # printed to 4 decimals
            errors.append(f"{name}: anchor: mm says {anchor} cents, 100 x {price_text} / {face} = {expected}")


if __name__ == "__main__":
    sys.exit(main())

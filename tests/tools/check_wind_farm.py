#!/usr/bin/env python3
"""tools.value.wind_farm: the third shipped example (data/examples/wind_farm.yaml) loads and is
valued by `pftoken value`, and its numbers match a hand calculation from the file's inputs:

- first operating year's energy = 60 MW x 8760 h x 0.35 x 0.97 = 178,441.2 MWh (the monthly
  seasonality averages to 1), so revenue = 178,441.2 x EUR 60/MWh = EUR 10,706,472 (no
  indexation in year 1) and opex = 2,700,000 + 1.50 x 178,441.2 = EUR 2,967,661.8;
- 25 years of quarterly periods = 100 operating periods;
- both tranches repay their principal in full, with no payment default.

Usage: check_wind_farm.py PFTOKEN PROJECT WORK_DIR
"""
import csv
import math
import shutil
import subprocess
import sys
from pathlib import Path


def main() -> int:
    pftoken, project, work = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    run = subprocess.run([pftoken, "value", project, "--format", "csv", "--out", str(work)],
                         capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        print(f"pftoken value failed (exit {run.returncode}):\n{run.stdout}\n{run.stderr}")
        return 1
    periods = list(csv.DictReader(open(work / "periods.csv", newline="")))
    ops = [p for p in periods if p["phase"] != "construction"]
    errors = []
    if len(ops) != 100:
        errors.append(f"operating periods: expected 100, got {len(ops)}")
    mwh = 60 * 8760 * 0.35 * 0.97
    year1 = [p for p in ops if p["operating_year"] == "1"]
    revenue = sum(float(p["revenue"]) for p in year1)
    opex = sum(float(p["opex"]) for p in year1)
    if len(year1) != 4 or not math.isclose(revenue, mwh * 60.0, rel_tol=1e-9):
        errors.append(f"year-1 revenue: expected {mwh * 60.0:.2f} over 4 quarters, got {revenue:.2f} over {len(year1)}")
    if not math.isclose(opex, 2_700_000 + 1.5 * mwh, rel_tol=1e-9):
        errors.append(f"year-1 opex: expected {2_700_000 + 1.5 * mwh:.2f}, got {opex:.2f}")
    for t in csv.DictReader(open(work / "tranches.csv", newline="")):
        if not t["principal"]:
            continue  # the equity row
        if not math.isclose(float(t["total_principal"]), float(t["principal"]), rel_tol=1e-9):
            errors.append(f"{t['name']}: repaid {t['total_principal']} of {t['principal']}")
        if t["payment_default"] != "0":
            errors.append(f"{t['name']}: payment default")
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

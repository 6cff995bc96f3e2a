#!/usr/bin/env python3
"""One quantity, one name: the labels of docs/conventions.md ("Names and units") in the terminal
tables of `value`, `mc`, `stress`, `compare` and the HTML of `report` on the solar example.

Usage: check_names.py PFTOKEN SOURCE_DIR WORK_DIR

For each row of the table: the label must appear (case-insensitively; in the report as written or with
its first letter capitalised, as column heads and key-value labels are) in the output of every command
the row lists (coverage ratios included: `min DSCR`, `min LTM DSCR`, `min LLCR`), and none of the row's other names may appear
(as a whole word, case-sensitively) in any output. Exit 1 with every problem listed.
"""
import html
import re
import subprocess
import sys
from pathlib import Path


def table_rows(conventions):
    text = conventions.read_text(encoding="utf-8")
    section = text.split("## Names and units", 1)[1]
    rows = []
    for line in section.splitlines():
        if not line.startswith("|") or line.startswith("|---") or line.startswith("| quantity"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5:
            raise SystemExit(f"conventions.md: a Names and units row needs 5 cells: {line}")
        labels = re.findall(r"`([^`]+)`", cells[1])
        commands = [c.strip() for c in cells[3].split(",") if c.strip()]
        others = re.findall(r"`([^`]+)`", cells[4])
        rows.append((cells[0], labels, commands, others))
    if not rows:
        raise SystemExit("conventions.md: no Names and units table")
    return rows


def run(pftoken, args, cwd):
    r = subprocess.run([pftoken] + args, cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"pftoken {' '.join(args)} exited {r.returncode}:\n{r.stderr}")
    return r.stdout


def html_text(path):
    s = path.read_text(encoding="utf-8")
    s = re.sub(r"<svg.*?</svg>", " ", s, flags=re.S)
    s = re.sub(r"<style.*?</style>", " ", s, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " | ", s))


def main():
    pftoken, source, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    work.mkdir(parents=True, exist_ok=True)
    solar = str(source / "data/examples/solar.yaml")
    seasoned = str(source / "data/examples/solar_seasoned.yaml")
    pool = str(source / "data/compare/solar_pool_v3.yaml")
    out = {
        "value": run(pftoken, ["value", solar], work) + run(pftoken, ["value", seasoned], work),
        "mc": run(pftoken, ["mc", solar, "--paths", "64", "--quiet"], work),
        "stress": run(pftoken, ["stress", solar, "--library", "--mc", "--paths", "32", "--quiet"], work),
        "compare": run(pftoken, ["compare", solar, "--pool", pool, "--quiet"], work),
    }
    run(pftoken, ["report", solar, "--pool", pool, "--paths", "64", "--quiet", "--out", str(work / "report")], work)
    out["report"] = html_text(work / "report" / "report.html")
    problems = []
    for quantity, labels, commands, others in table_rows(source / "docs/conventions.md"):
        for command in commands:
            if command not in out:
                problems.append(f"{quantity}: unknown command '{command}' in docs/conventions.md")
                continue
            for label in labels:
                if label.lower() not in out[command].lower():
                    problems.append(f"{quantity}: `pftoken {command}` does not print the label '{label}'")
                elif command == "report" and label not in out[command] and label[:1].upper() + label[1:] not in out[command]:
                    # the report may capitalise the first letter, nothing else ('Min LLCR', not 'MIN LLCR')
                    problems.append(f"{quantity}: `pftoken report` prints '{label}' in another case")
        for other in others:
            pattern = re.compile(r"(?<![\w/-])" + re.escape(other) + r"(?![\w/])")
            for command, text in out.items():
                m = pattern.search(text)
                if m:
                    context = text[max(0, m.start() - 40):m.end() + 40].replace("\n", " ")
                    problems.append(f"{quantity}: `pftoken {command}` names it '{other}' (not '{labels[0]}'): ...{context}...")
    if problems:
        print("\n".join(problems))
        return 1
    print(f"{len(table_rows(source / 'docs/conventions.md'))} quantities, one name each in value, mc, stress, compare, report")
    return 0


if __name__ == "__main__":
    sys.exit(main())

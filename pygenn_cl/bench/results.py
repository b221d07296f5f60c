"""Render ``benchmarks/RESULTS.md`` from the records in ``benchmarks/data/``.

Usage::

    python -m pygenn_cl.bench.results                                 # print the rendering
    python -m pygenn_cl.bench.results --write benchmarks/RESULTS.md   # (re)generate the file
    python -m pygenn_cl.bench.results --check benchmarks/RESULTS.md   # exit 1 if it differs

The records' folder defaults to ``data/`` beside the target file (``--data`` names another).
The record format is described in :mod:`pygenn_cl.bench.records`.
"""
from __future__ import annotations

import argparse
import difflib
import json
import math
import os
import sys
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .records import DATA_DIR, RecordError, load_topics, record_ids

COMMAND = "python -m pygenn_cl.bench.results"
NOTES_FILE = "NOTES.md"

_MACHINE_FIELDS = (("description", None), ("cpu", "CPU"), ("simd", "widest vector set"), ("cores", "cores"),
                   ("memory_gib", "memory (GiB)"), ("platform", "OS"), ("python", "Python"), ("numpy", "numpy"),
                   ("compiler", "C compiler"), ("opencl", "OpenCL"), ("gpu", "GPU"), ("pygenn_cl", "pygenn_cl"))


# -- numbers ----------------------------------------------------------------------------------
def _minus(text: str) -> str:
    return "\u2212" + text[1:] if text.startswith("-") else text


def format_number(x: float, digits: Optional[int] = None, sci: Optional[int] = None, sign: bool = False,
                  sig: Optional[int] = None) -> str:
    """``x`` as RESULTS.md writes it: a Unicode minus, thousands separators, ``1.01e7``; with
    ``digits`` decimals, ``sci`` mantissa decimals or ``sig`` significant figures."""
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if sig is not None and x != 0:
        decimals = max(sig - 1 - math.floor(math.log10(abs(x))), 0)
        digits, sci = decimals, None
    if sci is not None:
        mantissa, exponent = f"{x:.{sci}e}".split("e")
        text = f"{mantissa}e{int(exponent)}"
    elif digits is not None:
        text = f"{x:,.{digits}f}"
    elif isinstance(x, int):
        text = f"{x:,}"
    else:
        text = repr(float(x))
        if "e" in text:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}e{int(exponent)}"
        elif abs(x) >= 10000:
            whole, _, frac = text.partition(".")
            text = f"{int(whole):,}" + ("" if frac == "0" else "." + frac)
        elif text.endswith(".0"):
            text = text[:-2]
    if sign and x > 0:
        text = "+" + text
    return _minus(text)


def _with_unit(text: str, unit: Optional[str]) -> str:
    if not unit:
        return text
    return f"{text}{unit}" if unit in ("×", "x") else f"{text} {unit}"


def _spec(*sources: Dict[str, Any]) -> Dict[str, Any]:
    spec: Dict[str, Any] = {"digits": None, "sci": None, "sig": None, "sign": False}
    exclusive = ("digits", "sci", "sig")
    for source in reversed(sources):          # the first source wins
        for key in spec:
            if isinstance(source, dict) and source.get(key) is not None:
                if key in exclusive:
                    spec.update({k: None for k in exclusive})
                spec[key] = source[key]
    return spec


def render_part(part: Any, inherited: Dict[str, Any]) -> str:
    if part is None:
        return "–"
    if isinstance(part, str):
        return part
    if isinstance(part, (int, float)):
        return format_number(part, **_spec(inherited))
    spec = _spec(part, inherited)
    if "text" in part:
        text = str(part["text"])
    elif "value" in part:
        text = format_number(part["value"], **spec)
    else:
        text = format_number(part["min"], **spec) + "–" + format_number(part["max"], **spec)
    text = _with_unit(text, part.get("unit"))
    return f"**{text}**" if part.get("bold") else text


def render_cell(cell: Any, inherited: Dict[str, Any]) -> str:
    parts = cell if isinstance(cell, list) else [cell]
    return "".join(render_part(p, inherited) for p in parts).replace("|", "\\|").replace("\n", " ")


def _label(item: Any) -> str:
    if isinstance(item, str):
        return item
    label = item.get("label", "")
    return f"{label} ({item['unit']})" if item.get("unit") else label


# -- tables -----------------------------------------------------------------------------------
def _rows(table: dict) -> List[Tuple[str, List[str]]]:
    columns = table["columns"]
    out = []
    for row in table["rows"]:
        if isinstance(row, list):
            row = {"label": row[0], "cells": row[1:]}
        cells = [render_cell(cell, _spec(row, col if isinstance(col, dict) else {}))
                 for cell, col in zip(row["cells"], columns[1:])]
        out.append((_label(row).replace("|", "\\|"), cells))
    return out


def render_table(columns: Sequence[Any], rows: List[Tuple[List[str], str, List[str]]]) -> List[str]:
    """Markdown lines; ``rows`` are (leading cells, label, value cells)."""
    lead = len(rows[0][0]) if rows else 0
    header = (["run"] if lead else []) + [_label(c).replace("|", "\\|") for c in columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for leading, label, cells in rows:
        lines.append("| " + " | ".join(list(leading) + [label] + cells) + " |")
    return lines


def _table_key(table: dict) -> Optional[str]:
    if not table.get("id"):
        return None
    return json.dumps([table["id"], table["columns"]], sort_keys=True)


# -- records ----------------------------------------------------------------------------------
class Machines:
    """Distinct machine descriptions, numbered M1, M2, ... in order of first use."""

    def __init__(self) -> None:
        self.keys: List[str] = []
        self.machines: List[dict] = []

    def label(self, machine: Optional[dict]) -> Optional[str]:
        if machine is None:
            return None
        key = json.dumps(machine, sort_keys=True)
        if key not in self.keys:
            self.keys.append(key)
            self.machines.append(machine)
        return f"M{self.keys.index(key) + 1}"

    def render(self) -> List[str]:
        lines = []
        for i, m in enumerate(self.machines):
            fields = []
            known = {k for k, _ in _MACHINE_FIELDS}
            for key, name in _MACHINE_FIELDS:
                if m.get(key) is not None:
                    fields.append(str(m[key]) if name is None else f"{name}: {m[key]}")
            fields += [f"{k}: {v}" for k, v in m.items() if k not in known and v is not None]
            lines.append(f"* **M{i + 1}**: " + "; ".join(fields) + ".")
        return lines


def _code(command: str) -> str:
    fence = "``" if "`" in command else "`"
    pad = " " if "`" in command else ""
    return f"{fence}{pad}{command}{pad}{fence}"


def record_header(rid: str, record: dict, machines: Machines) -> str:
    bits = [f"**{rid}**"]
    if record.get("date"):
        bits.append(str(record["date"]).replace("T", " "))
    elif not record.get("source"):
        bits.append("date not recorded")
    if record.get("session"):
        bits.append(f"session {record['session']}")
    machine = machines.label(record.get("machine"))
    if machine:
        bits.append(f"machine {machine}")
    if record.get("device"):
        bits.append(f"device: {record['device']}")
    line = " · ".join(bits)
    if record.get("source"):
        line += f"  \nSource (published, not measured here): {record['source']}"
    commands = record.get("command")
    if commands:
        commands = [commands] if isinstance(commands, str) else commands
        line += "  \nCommand: " + "; ".join(_code(c) for c in commands)
    elif not record.get("source"):
        line += "  \nCommand: not recorded"
    # environment variables that the commands do not already set
    env = [f"{k}={v}" for k, v in (record.get("environment") or {}).items()
           if not commands or not all(f"{k}={v}" in c for c in commands)]
    if env:
        line += "  \nEnvironment: " + ", ".join(_code(e) for e in env)
    return line


def _notes(record: dict, prefix: str = "") -> List[str]:
    return [f"* {prefix}{note}" for note in record.get("notes", [])]


def render_topic(file_name: str, doc: dict, machines: Machines, data_link: str) -> List[str]:
    section = doc.get("section")
    heading = f"## {section}. {doc['title']}" if section is not None else f"## {doc['title']}"
    lines = [heading, "", f"Data: [{data_link}/{file_name}]({data_link}/{file_name})"
             + (f"; narrative: {NOTES_FILE}, section {section}." if section is not None else "."), ""]
    if doc.get("intro"):
        lines += [doc["intro"], ""]
    records = doc["records"]
    ids = record_ids(doc)
    i = 0
    while i < len(records):
        # a group: consecutive records whose tables all have ids, the same ids and columns
        keys = [_table_key(t) for t in records[i]["tables"]]
        j = i + 1
        if keys and None not in keys:
            while j < len(records) and [_table_key(t) for t in records[j]["tables"]] == keys:
                j += 1
        group = list(range(i, j))
        if len(group) == 1:
            record = records[i]
            lines += [record_header(ids[i], record, machines), ""]
            if record.get("caption"):
                lines += [record["caption"], ""]
            for table in record["tables"]:
                if table.get("title"):
                    lines += [f"*{table['title']}*", ""]
                lines += render_table(table["columns"], [([], label, cells) for label, cells in _rows(table)])
                lines.append("")
            notes = _notes(record)
        else:
            for k in group:
                header = record_header(ids[k], records[k], machines)
                caption = records[k].get("caption")
                lines += [header + (f"  \n{caption}" if caption else ""), ""]
            for t, table in enumerate(records[i]["tables"]):
                if table.get("title"):
                    lines += [f"*{table['title']}*", ""]
                rows = [([ids[k]], label, cells) for k in group for label, cells in _rows(records[k]["tables"][t])]
                lines += render_table(table["columns"], rows)
                lines.append("")
            notes = [line for k in group for line in _notes(records[k], f"{ids[k]}: ")]
        if notes:
            lines += notes + [""]
        i = j
    return lines


def render(data_dir: str = DATA_DIR, data_link: str = "data") -> str:
    """RESULTS.md from the records in ``data_dir`` (``data_link``: that folder, relative to it)."""
    topics = load_topics(data_dir)
    machines = Machines()
    body: List[str] = []
    for file_name, doc in topics:
        body += render_topic(file_name, doc, machines, data_link)
    n_records = sum(len(doc["records"]) for _, doc in topics)
    head = [
        f"<!-- Generated by `{COMMAND} --write` from {data_link}/*.json: edit those and regenerate. -->",
        "# Benchmark results",
        "",
        f"**This file is generated** from the {n_records} records in [{data_link}/]({data_link}/) "
        f"({len(topics)} JSON files, one per section) by `{COMMAND}`. Do not edit it: change or add "
        f"records (the benchmark scripts append one with `--record`; the format is described in "
        f"`pygenn_cl/bench/records.py` and [README.md](README.md)), then run",
        "",
        "```sh",
        f"{COMMAND} --write benchmarks/RESULTS.md",
        f"{COMMAND} --check benchmarks/RESULTS.md   # exit status 1 if this file differs; the tests run it",
        "```",
        "",
        f"What the figures mean, how they were found, and the notes of each working session are in "
        f"[{NOTES_FILE}]({NOTES_FILE}), which refers to the sections and records below.",
        "",
        "Every record gives its date, the machine (below), the device and the command. Figures from "
        "different machines or devices must not be compared as if they were one series; ratios are "
        "taken between runs made in the same session on the same machine. Where a table has a "
        "\"run\" column, its rows come from the records named there.",
        "",
        "## Machines",
        "",
    ]
    head += machines.render()
    head += ["", "## Sections", ""]
    for file_name, doc in topics:
        section = doc.get("section")
        head.append(f"* {str(section) + '. ' if section is not None else ''}{doc['title']}")
    head.append("")
    return "\n".join(head + body).rstrip("\n") + "\n"


# -- command line -----------------------------------------------------------------------------
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog=COMMAND, description="Render RESULTS.md from benchmarks/data/*.json.")
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--write", metavar="FILE", help="write the rendering to FILE")
    group.add_argument("--check", metavar="FILE", help="exit 1 (showing a diff) if FILE differs from the rendering")
    ap.add_argument("--data", default=None,
                    help="folder of the records (default: data/ beside FILE, else the checkout's benchmarks/data)")
    args = ap.parse_args(argv)
    target = args.write or args.check
    data_dir = args.data or (os.path.join(os.path.dirname(os.path.abspath(target)), "data") if target else DATA_DIR)
    link = os.path.relpath(data_dir, os.path.dirname(os.path.abspath(target))) if target else "data"
    try:
        text = render(data_dir, link.replace(os.sep, "/"))
    except (RecordError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.write:
        with open(args.write, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {args.write}")
        return 0
    if args.check:
        try:
            with open(args.check, encoding="utf-8") as f:
                current = f.read()
        except OSError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if current == text:
            print(f"{args.check} matches the records in {data_dir}")
            return 0
        sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), text.splitlines(True),
                                                   args.check, "rendering", n=1))
        print(f"\n{args.check} differs from the rendering of {data_dir}: run {COMMAND} --write {args.check}",
              file=sys.stderr)
        return 1
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

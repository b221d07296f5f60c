"""Benchmark records: the JSON that ``benchmarks/RESULTS.md`` is generated from.

Figures are kept in ``benchmarks/data/``, one JSON file per section of RESULTS.md (a topic),
and ``python -m pygenn_cl.bench.results`` renders them.  The benchmark scripts append records
with ``--record FILE``.

A topic file::

    {"format": "pygenn_cl.bench.records/1",
     "section": 1,                        # its number in RESULTS.md (files are rendered in this order)
     "title": "Core: ...",                # the section heading
     "intro": "The network: ...",         # optional: what was measured (model, sizes), no analysis
     "records": [record, ...]}            # in the order they are rendered

A record is one measurement run (or one set of runs of one command)::

    {"id": "1a",                          # optional; default <section><letter> by position
     "date": "2026-11-23",                # ISO date or date-time; null: not recorded
     "session": "1",                      # optional label of the working session
     "machine": {"description": ..., "cpu": ..., "simd": ..., "cores": ..., "memory_gib": ...,
                 "platform": ..., "python": ..., "numpy": ..., "compiler": ..., "opencl": ...,
                 "gpu": ..., "pygenn_cl": ...},   # any of these; null for published figures
     "device": "...",                     # what ran the model (backend, device, threads)
     "command": "..." or ["...", ...],    # the exact command line(s); null: not recorded
     "environment": {"VAR": "value"},     # optional: environment variables that changed the run
     "source": "...",                     # optional: a publication, for figures not measured here
     "caption": "...",                    # optional: one or two sentences on what the tables show
     "tables": [table, ...],
     "notes": ["...", ...],               # optional: footnotes (may hold further figures)
     "data": {...}}                       # optional: the script's raw result; never rendered

A table (its first column holds the row labels)::

    {"id": "scaling",                     # optional: consecutive records whose tables have the same
                                          # ids and columns render as one table with a "run" column
     "title": "...",                      # optional
     "columns": ["", {"label": "load", "unit": "s", "digits": 2}, ...],
     "rows": [{"label": "...", "key": "...", "unit": "s", "digits": 3, "cells": [cell, ...]},
              ["label", cell, ...]]}      # a row as a list: no unit or format of its own

A cell is a part or a list of parts, rendered one after the other.  A part is ``null``
(rendered "–"), a string (literal Markdown), a number, or an object with ``value`` (a number),
``min`` and ``max`` (a range), or ``text``, and optionally ``unit`` (shown in the cell),
``digits`` (decimals), ``sci`` (mantissa decimals: ``1.01e7``), ``sig`` (significant figures),
``sign`` (a ``+`` on positive numbers) and ``bold``.  A column's unit is shown in its header and
a row's in its label; ``digits``, ``sci``, ``sig`` and ``sign`` are inherited from the row, else
the column.  A number with no format is written as Python writes it (integers with thousands
separators).  Figures are stored as measured (the scripts keep four significant figures) and
the format says how many to show.
"""
from __future__ import annotations

import datetime
import json
import os
import shlex
import sys
from typing import Any, Dict, Iterable, List, Optional, Sequence

FORMAT = "pygenn_cl.bench.records/1"
#: ``benchmarks/`` of the source checkout this package lives in.
BENCHMARKS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                              "benchmarks")
DATA_DIR = os.path.join(BENCHMARKS_DIR, "data")

#: Environment variables that change how a benchmark runs (the OpenCL device, PoCL's threads);
#: a record's command starts with those that are set.
RECORDED_ENV = ("PYGENN_CL_DEVICE", "POCL_MAX_PTHREAD_COUNT", "POCL_AFFINITY", "POCL_WORK_GROUP_METHOD")
_PART_KEYS = {"value", "min", "max", "text", "unit", "digits", "sci", "sig", "sign", "bold"}


class RecordError(ValueError):
    """A topic file or record that does not follow the format (the message says where)."""


# -- JSON -------------------------------------------------------------------------------------
def dumps(obj: Any, width: int = 120, indent: int = 1) -> str:
    """JSON with short lists and objects kept on one line: diffs of appended records stay small."""
    def enc(o: Any, level: int, lead: int) -> str:
        one = json.dumps(o, ensure_ascii=False)
        if not isinstance(o, (dict, list)) or not o or lead + len(one) <= width:
            return one
        pad = " " * (indent * (level + 1))
        if isinstance(o, dict):
            items = []
            for k, v in o.items():
                key = json.dumps(k, ensure_ascii=False) + ": "
                items.append(pad + key + enc(v, level + 1, len(pad) + len(key)))
        else:
            items = [pad + enc(v, level + 1, len(pad)) for v in o]
        brackets = "{}" if isinstance(o, dict) else "[]"
        return brackets[0] + "\n" + ",\n".join(items) + "\n" + " " * (indent * level) + brackets[1]
    return enc(obj, 0, 0) + "\n"


# -- validation -------------------------------------------------------------------------------
def _check_part(part: Any, where: str) -> None:
    if part is None or isinstance(part, str) or (isinstance(part, (int, float)) and not isinstance(part, bool)):
        return
    if not isinstance(part, dict):
        raise RecordError(f"{where}: a cell part is null, a string, a number or an object, not {part!r}")
    unknown = set(part) - _PART_KEYS
    if unknown:
        raise RecordError(f"{where}: unknown key(s) {sorted(unknown)} in {part!r}")
    kinds = [k for k in ("value", "text") if k in part] + (["range"] if "min" in part or "max" in part else [])
    if len(kinds) != 1 or ("min" in part) != ("max" in part):
        raise RecordError(f"{where}: a part has one of value, text, or min and max: {part!r}")


def _check_table(table: Any, where: str) -> None:
    if not isinstance(table, dict) or "columns" not in table or "rows" not in table:
        raise RecordError(f"{where}: a table is an object with columns and rows")
    columns = table["columns"]
    if not isinstance(columns, list) or len(columns) < 2:
        raise RecordError(f"{where}: columns: the label column and at least one value column")
    for row_index, row in enumerate(table["rows"]):
        cells = row[1:] if isinstance(row, list) else row.get("cells") if isinstance(row, dict) else None
        if cells is None or (isinstance(row, dict) and "label" not in row):
            raise RecordError(f"{where}, row {row_index}: a row is [label, cells...] or {{label, cells}}")
        if len(cells) != len(columns) - 1:
            raise RecordError(f"{where}, row {row_index}: {len(cells)} cells for {len(columns) - 1} value columns")
        for cell in cells:
            for part in (cell if isinstance(cell, list) else [cell]):
                _check_part(part, f"{where}, row {row_index}")


def validate_record(record: Any, where: str) -> None:
    if not isinstance(record, dict):
        raise RecordError(f"{where}: a record is an object")
    missing = [k for k in ("date", "machine", "device", "command", "tables") if k not in record]
    if missing:
        raise RecordError(f"{where}: missing {', '.join(missing)} (null where not recorded)")
    if not isinstance(record["tables"], list) or not (record["tables"] or record.get("notes")):
        raise RecordError(f"{where}: a record holds its figures in tables (or, for a few, in notes)")
    if record["machine"] is not None and not isinstance(record["machine"], dict):
        raise RecordError(f"{where}: machine is an object (or null for published figures)")
    for i, table in enumerate(record["tables"]):
        _check_table(table, f"{where}, table {i}")
    if not isinstance(record.get("notes", []), list):
        raise RecordError(f"{where}: notes is a list of strings")


def validate_topic(doc: Any, where: str) -> None:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise RecordError(f"{where}: not a records file (its \"format\" must be {FORMAT!r})")
    if not isinstance(doc.get("title"), str) or not isinstance(doc.get("records"), list):
        raise RecordError(f"{where}: a topic has a title and a list of records")
    for i, record in enumerate(doc["records"]):
        validate_record(record, f"{where}, record {i}")


def record_ids(doc: dict) -> List[str]:
    """Each record's id: its own, else the section number and a letter by position."""
    prefix = str(doc.get("section") if doc.get("section") is not None else "")
    ids = []
    for i, record in enumerate(doc["records"]):
        letters = ""
        n = i
        while True:
            letters = chr(ord("a") + n % 26) + letters
            n = n // 26 - 1
            if n < 0:
                break
        ids.append(str(record.get("id") or f"{prefix}{letters}"))
    return ids


def load_topic(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        try:
            doc = json.load(f)
        except json.JSONDecodeError as exc:
            raise RecordError(f"{path}: {exc}") from None
    validate_topic(doc, os.path.basename(path))
    return doc


def load_topics(data_dir: str = DATA_DIR) -> List[tuple]:
    """``(file name, topic)`` of every ``*.json`` in ``data_dir``, by section number then name."""
    topics = []
    for name in sorted(os.listdir(data_dir)):
        if name.endswith(".json"):
            topics.append((name, load_topic(os.path.join(data_dir, name))))
    topics.sort(key=lambda t: (t[1].get("section") is None, t[1].get("section") or 0, t[0]))
    seen: Dict[str, str] = {}
    for name, doc in topics:
        for rid in record_ids(doc):
            if rid in seen:
                raise RecordError(f"record id {rid!r} is used in {seen[rid]} and {name}")
            seen[rid] = name
    return topics


# -- writing records --------------------------------------------------------------------------
def command_line(script: Optional[str], argv: Sequence[str], environment: Optional[Dict[str, str]] = None,
                 module: Optional[str] = None) -> str:
    """The command that ran: environment assignments, ``python``, the script (relative to the
    working directory when below it, else absolute) or ``-m module``, and the arguments, quoted
    for a POSIX shell."""
    env = [f"{k}={shlex.quote(v)}" for k, v in (environment or {}).items()]
    if script:
        script = os.path.relpath(script)
        if script.startswith(os.pardir):        # not below the working directory: say where it is
            script = os.path.abspath(script)
    target = ["-m", module] if module else [script] if script else []
    return " ".join(env + ["python"] + [shlex.quote(a) for a in list(target) + list(argv)])


def recorded_environment() -> Dict[str, str]:
    """The variables of :data:`RECORDED_ENV` set in this process."""
    return {k: os.environ[k] for k in RECORDED_ENV if k in os.environ}


def make_record(*, command: str, device: str, tables: List[dict], caption: str = "",
                notes: Iterable[str] = (), machine: Optional[dict] = None, date: Optional[str] = None,
                environment: Optional[Dict[str, str]] = None, session: Optional[str] = None,
                data: Any = None, opencl: bool = False) -> dict:
    """A record of a run made now on this machine (``machine`` and ``date`` default to that)."""
    from .machine import machine_description, opencl_runtime
    if machine is None:
        machine = machine_description()
        if opencl:
            machine["opencl"] = opencl_runtime()
    record = {"date": date or datetime.datetime.now().astimezone().isoformat(timespec="seconds")}
    if session is not None:
        record["session"] = session
    record.update({"machine": machine, "device": device, "command": command})
    if environment:
        record["environment"] = dict(environment)
    if caption:
        record["caption"] = caption
    record["tables"] = tables
    notes = list(notes)
    if notes:
        record["notes"] = notes
    if data is not None:
        record["data"] = data
    return record


def append_record(path: str, record: dict, *, section: Optional[int] = None, title: Optional[str] = None,
                  intro: Optional[str] = None) -> str:
    """Append ``record`` to the topic file ``path``, creating it (with ``section``, ``title`` and
    ``intro``) when it does not exist; returns the new record's id."""
    from .common import write_json
    validate_record(record, "new record")
    if os.path.exists(path):
        doc = load_topic(path)
    else:
        if section is None:                   # the next free section number of that folder
            section = 1 + max([doc.get("section") or 0 for _, doc in _topics_beside(path)] or [0])
        doc = {"format": FORMAT, "section": section, "title": title or os.path.splitext(os.path.basename(path))[0]}
        if intro:
            doc["intro"] = intro
        doc["records"] = []
    doc["records"].append(json.loads(json.dumps(record, default=_jsonable)))
    validate_topic(doc, path)
    write_json(path, doc, compact=True)
    return record_ids(doc)[-1]


def _topics_beside(path: str) -> List[tuple]:
    folder = os.path.dirname(os.path.abspath(path))
    return load_topics(folder) if os.path.isdir(folder) else []


def _jsonable(o: Any) -> Any:
    try:                       # numpy scalars
        return o.item()
    except AttributeError:
        return str(o)


def round_sig(x: Optional[float], sig: int = 4) -> Optional[float]:
    """``x`` to ``sig`` significant figures (a measured time needs no more)."""
    if x is None:
        return None
    return float(f"{x:.{sig}g}")


def add_record_arguments(parser, default_path: str) -> None:
    """``--record FILE`` and ``--caption TEXT`` of a benchmark script."""
    parser.add_argument("--record", metavar="FILE", nargs="?", const=default_path, default=None,
                        help="append a record of this run to FILE, a topic file of benchmarks/data/ "
                             f"(without FILE: {os.path.relpath(default_path)}); then run "
                             "python -m pygenn_cl.bench.results --write benchmarks/RESULTS.md")
    parser.add_argument("--caption", default="", help="with --record: a sentence on what this run shows")


def report_appended(path: str, rid: str) -> None:
    print(f"appended record {rid} to {path}; regenerate RESULTS.md with: "
          f"python -m pygenn_cl.bench.results --write {os.path.relpath(os.path.join(os.path.dirname(path), os.pardir, 'RESULTS.md'))}",
          file=sys.stdout)

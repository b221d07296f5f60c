"""benchmarks/RESULTS.md is generated from benchmarks/data/*.json (``python -m pygenn_cl.bench.results``).

These tests keep the two from drifting apart, check that the records a benchmark script appends
render, and pin how figures are written.  They assert nothing about times.
"""
import importlib.util
import json
import re
from pathlib import Path

import pytest

from pygenn_cl.bench import records, results

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
DATA = BENCHMARKS / "data"


def test_committed_results_md_is_the_rendering_of_the_committed_records(capsys):
    expected = results.render(str(DATA))
    actual = (BENCHMARKS / "RESULTS.md").read_text(encoding="utf-8")
    assert actual == expected, ("benchmarks/RESULTS.md differs from the records in benchmarks/data/: run "
                                "python -m pygenn_cl.bench.results --write benchmarks/RESULTS.md")
    assert results.main(["--check", str(BENCHMARKS / "RESULTS.md")]) == 0


def test_check_fails_when_the_file_differs(tmp_path, capsys):
    (tmp_path / "data").mkdir()
    for source in DATA.glob("*.json"):
        (tmp_path / "data" / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    target = tmp_path / "RESULTS.md"
    assert results.main(["--write", str(target)]) == 0
    assert results.main(["--check", str(target)]) == 0
    target.write_text(target.read_text(encoding="utf-8").replace("51,781,306", "51,781,307", 1), encoding="utf-8")
    assert results.main(["--check", str(target)]) == 1
    assert "51,781,307" in capsys.readouterr().out          # the diff shows the line


def test_every_committed_record_has_date_machine_device_and_command():
    topics = records.load_topics(str(DATA))
    assert [doc["section"] for _, doc in topics][:10] == list(range(1, 11))
    for name, doc in topics:
        for rid, record in zip(records.record_ids(doc), doc["records"]):
            assert set(record) >= {"date", "machine", "device", "command", "tables"}, (name, rid)
            if record.get("source") is None:        # measured here, not published
                assert record["machine"] and record["machine"].get("cpu"), (name, rid)
                assert record["command"] or any("not recorded" in n for n in record.get("notes", [])), (name, rid)


def test_notes_refer_to_records_that_exist():
    ids = {rid for _, doc in records.load_topics(str(DATA)) for rid in records.record_ids(doc)}
    notes = (BENCHMARKS / "NOTES.md").read_text(encoding="utf-8")
    cited = set(re.findall(r"(?<![\w.^-])(\d{1,2}[a-z])(?![\w-])(?!\s+(?:LIF|network))", notes))
    assert cited, "NOTES.md cites no record"
    assert cited <= ids, f"NOTES.md cites records that do not exist: {sorted(cited - ids)}"


@pytest.mark.parametrize("part, text", [
    (0.033, "0.033"), (55, "55"), ({"value": 0.004518, "sig": 3}, "0.00452"), ({"value": 6.5, "sig": 3}, "6.50"),
    ({"value": 1234.5, "sig": 3}, "1,234"), (51781306, "51,781,306"), (-15.7, "\u221215.7"), (1.0, "1"),
    ({"value": 0.5, "digits": 2}, "0.50"), ({"value": 1.3, "digits": 1, "sign": True}, "+1.3"),
    ({"value": 1.01e7, "sci": 2}, "1.01e7"), ({"value": 7.4e6, "sci": 1}, "7.4e6"),
    ({"min": 0.47, "max": 0.6, "digits": 2, "unit": "s"}, "0.47–0.60 s"),
    ({"value": 1.19, "unit": "×", "bold": True}, "**1.19×**"), (None, "–"), ("about", "about")])
def test_figures_are_written_as_results_md_writes_them(part, text):
    assert results.render_part(part, {}) == text


def test_a_row_or_column_format_applies_to_its_cells_and_its_unit_to_its_label():
    table = {"columns": ["", {"label": "load", "unit": "s", "digits": 2}],
             "rows": [{"label": "C", "cells": [0.3]}, {"label": "events", "sci": 2, "cells": [1.33e7]}]}
    assert results._rows(table) == [("C", ["0.30"]), ("events", ["1.33e7"])]
    assert results.render_table(table["columns"], [([], "C", ["0.30"])])[0] == "|  | load (s) |"


@pytest.mark.parametrize("bad", [
    {"columns": ["", "a"], "rows": [["x", 1, 2]]},                      # too many cells
    {"columns": ["", "a"], "rows": [["x", {"value": 1, "min": 0}]]},     # value and a range
    {"columns": ["", "a"], "rows": [["x", {"valeu": 1}]]},               # unknown key
    {"columns": ["", "a"], "rows": [["x", True]]}])
def test_malformed_tables_are_rejected_with_where(bad):
    record = {"date": None, "machine": None, "device": None, "command": None, "tables": [bad]}
    with pytest.raises(records.RecordError, match="table 0"):
        records.validate_record(record, "r")


def test_append_record_creates_a_topic_with_the_next_section_and_appends(tmp_path):
    (tmp_path / "01-a.json").write_text(json.dumps({"format": records.FORMAT, "section": 4, "title": "A",
                                                    "records": []}))
    table = {"columns": ["", "x"], "rows": [["y", 1.5]]}
    rec = records.make_record(command="python x.py", device="d", tables=[table], machine={"cpu": "c"}, date="2026")
    path = str(tmp_path / "02-b.json")
    assert records.append_record(path, rec, title="B") == "5a"
    assert records.append_record(path, rec) == "5b"
    assert [doc["section"] for _, doc in records.load_topics(str(tmp_path))] == [4, 5]
    text = results.render(str(tmp_path))
    assert "## 5. B" in text and "**5a**" in text and "**5b**" in text
    assert text.count("| y | 1.5 |") == 2          # no table id: the two records are not merged


def _script(name):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_record_appended_by_a_benchmark_script_renders(tmp_path):
    data = tmp_path / "data"
    topic = data / "12-step.json"
    assert _script("bench_step").main(["--backend", "single_threaded_cpu", "--scale", "0.02", "--steps", "20",
                                       "--repeats", "1", "--out", str(tmp_path / "step.json"),
                                       "--record", str(topic), "--caption", "a smoke run"]) == 0
    result = json.loads((tmp_path / "step.json").read_text())
    doc = records.load_topic(str(topic))
    (record,) = doc["records"]
    assert doc["section"] == 12 and record["caption"] == "a smoke run"
    assert "--record" in record["command"] and record["command"].startswith("python ")
    assert record["machine"]["cpu"] and record["date"]
    target = tmp_path / "RESULTS.md"
    assert results.main(["--write", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert "**12a**" in text and "a smoke run" in text
    best = results.format_number(records.round_sig(result["best_us_per_step"]), sig=3)
    assert f"**{best}**" in text                                 # the figure, as the script measured it
    assert results.main(["--check", str(target)]) == 0

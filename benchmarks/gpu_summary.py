#!/usr/bin/env python3
"""Summary of a ``benchmarks/gpu_check.sh`` run, and its figures as a benchmark record.

    python benchmarks/gpu_summary.py OUT_DIR                 # the tables gpu_check.sh prints last
    python benchmarks/gpu_summary.py OUT_DIR --record [FILE] [--caption TEXT]
        # append a record of the run to FILE (default benchmarks/data/15-gpu-check.json), then
        # python -m pygenn_cl.bench.results --write benchmarks/RESULTS.md

OUT_DIR holds what the run wrote: ``results.jsonl`` (one JSON object a line: "run", "check" and
"bench" kinds) and the pytest logs.  Nothing here needs a GPU.
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_RECORD = os.path.join(HERE, "data", "15-gpu-check.json")


def load(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    try:
                        out.append(json.loads(line))
                    except ValueError:
                        pass
    except OSError:
        pass
    return out


def rounded(v):
    """Floats to 4 significant digits, recursively (for short JSON)."""
    if isinstance(v, float):
        return v if v.is_integer() else float(f"{v:.4g}")
    if isinstance(v, dict):
        return {k: rounded(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [rounded(x) for x in v]
    return v


def fmt(v, spec=".3f"):
    return format(v, spec) if isinstance(v, (int, float)) else "-"


def variant_label(r):
    extra = ",".join(f"{k}={v}" for k, v in r.get("prefs", {}).items() if k != "cuda_graphs")
    return r["variant"] + (f"+{extra}" if extra else "")


def pytest_results(out_dir):
    """(log name, final line, [(test, why)]) of each pytest log."""
    results = []
    for name in ("pytest_cuda.log", "pytest_opencl.log"):
        path = os.path.join(out_dir, name)
        try:
            text = open(path, errors="replace").read()
        except OSError:
            results.append((name, "not run", []))
            continue
        finals = re.findall(r"^=+ (.*(?:passed|failed|error|skipped|no tests ran).*) =+$", text, re.M)
        if text.startswith("skipped:"):
            results.append((name, text.strip(), []))
            continue
        final = finals[-1] if finals else (f"no final line (killed?) {len(re.findall(r' PASSED', text))} PASSED, "
                                           f"{len(re.findall(r' FAILED', text))} FAILED so far")
        failed = re.findall(r"^(?:FAILED|ERROR) (\S+)(?: - (.*))?$", text, re.M)
        results.append((name, final, failed))
    return results


def summary(out_dir):
    recs = load(os.path.join(out_dir, "results.jsonl"))
    lines = ["", "TARGETED CHECKS", "-" * 100]
    for r in recs:
        if r.get("kind") != "check":
            continue
        status = {True: "OK  ", False: "FAIL", None: "info"}.get(r.get("ok"), str(r.get("ok")))
        fields = {k: v for k, v in r.items() if k not in ("kind", "check", "ok", "log", "error", "detail")}
        text = json.dumps(rounded(fields), default=str)
        if r.get("error"):
            text += " ERROR: " + r["error"].strip().splitlines()[-1][:200]
        if r.get("log") and r.get("ok") is False:
            text += " LOG: " + r["log"].strip().replace("\n", " | ")[:300]
        lines.append(f"{status} {r['check']}: {text[:400]}")
    lines += ["", "TEST SUITE", "-" * 100]
    for name, final, failed in pytest_results(out_dir):
        lines.append(f"{name}: {final}")
        for test, why in failed[:40]:
            lines.append(f"    {test}  {(why or '')[:150]}")
        if len(failed) > 40:
            lines.append(f"    ... {len(failed) - 40} more")
    lines += ["", "=" * 100,
              "MICROCIRCUIT (PD14) BENCHMARKS  (RTF = wall / biological time; example-style = run_steps + pulls +",
              "  decode every 1000 steps; run-only = one run_steps() call, no pulls)", "-" * 100,
              f"{'backend':7} {'scale':>5} {'variant':10} {'build s':>7} {'load s':>6} {'RTF ex.':>7} {'run':>6} "
              f"{'pull':>6} {'decode':>6} {'RTF run':>7} {'us/step':>8} {'nrn us':>7} {'syn us':>7}  rates / error"]
    for r in recs:
        if r.get("kind") != "bench":
            continue
        variant = variant_label(r)
        if r.get("ok"):
            rates = " ".join(f"{p}:{v:.2f}" for p, v in r["rates_hz"].items())
            flag = ""
            if "rates_within_20pct_of_pygenn_0p1" in r:
                flag = " [within 20% of PyGeNN: " + ("yes" if r["rates_within_20pct_of_pygenn_0p1"] else "NO") + "]"
            if r.get("silent"):
                flag += " [SILENT]"
            lines.append(f"{r['backend']:7} {r['scale']:>5g} {variant:10} {fmt(r['build_s'], '.1f'):>7} "
                         f"{fmt(r['load_s'], '.1f'):>6} {fmt(r['rtf_example']):>7} {fmt(r['run_s'], '.2f'):>6} "
                         f"{fmt(r['pull_s'], '.2f'):>6} {fmt(r['decode_s'], '.2f'):>6} {fmt(r['rtf_run_only']):>7} "
                         f"{fmt(r['us_per_step_run_only'], '.1f'):>8} {fmt(r.get('neuron_update_us_per_step'), '.1f'):>7} "
                         f"{fmt(r.get('synapse_kernels_us_per_step'), '.1f'):>7}  {rates}{flag}")
        else:
            err = (r.get("error") or "?").strip().splitlines()
            lines.append(f"{r['backend']:7} {r['scale']:>5g} {variant:10} FAILED: {err[-1][:160] if err else '?'}")
    return "\n".join(lines)


def _sig(x, sig=4):
    return None if x is None else float(f"{x:.{sig}g}")


def make_gpu_record(out_dir, caption=""):
    """A record (pygenn_cl.bench.records) of the run's benchmarks, checks and test results."""
    from pygenn_cl.bench.records import make_record
    recs = load(os.path.join(out_dir, "results.jsonl"))
    run = next((r for r in recs if r.get("kind") == "run"), {})
    machine_check = next((r for r in recs if r.get("kind") == "check" and r.get("check") == "machine"), {})
    machine = {k: machine_check.get(k) for k in ("cpu", "simd", "cores", "memory_gib", "platform", "python",
                                                 "numpy", "compiler", "opencl", "gpu", "pygenn_cl")
               if machine_check.get(k) is not None}
    machine["description"] = run.get("machine") or (f"GPU machine: {machine.get('gpu')}" if machine.get("gpu")
                                                    else "no GPU")
    benches = [r for r in recs if r.get("kind") == "bench"]
    rows = []
    for r in benches:
        if r.get("ok"):
            within = r.get("rates_within_20pct_of_pygenn_0p1")
            rows.append([r["backend"], f"{r['scale']:g}", variant_label(r),
                         {"value": _sig(r["build_s"]), "digits": 1}, {"value": _sig(r["load_s"]), "digits": 2},
                         {"value": _sig(r["rtf_example"]), "sig": 3, "bold": True},
                         {"value": _sig(r["rtf_run_only"]), "sig": 3},
                         {"value": _sig(r["us_per_step_run_only"]), "sig": 3},
                         [{"value": _sig(r["neuron_update_us_per_step"]), "sig": 3}, " / ",
                          {"value": _sig(r["synapse_kernels_us_per_step"]), "sig": 3}]
                         if "neuron_update_us_per_step" in r else None,
                         None if within is None else ("yes" if within else "**no**")])
        else:
            err = (r.get("error") or "?").strip().splitlines()
            rows.append([r["backend"], f"{r['scale']:g}", variant_label(r), None, None,
                         f"failed: {err[-1][:80] if err else '?'}", None, None, None, None])
    tables = []
    if rows:
        tables.append({"id": "gpu-microcircuit", "title": "Microcircuit",
                       "columns": ["backend", "scale", "variant", {"label": "build", "unit": "s"},
                                   {"label": "load", "unit": "s"}, {"label": "RTF, example-style"},
                                   {"label": "RTF, run only"}, {"label": "run only", "unit": "µs per step"},
                                   {"label": "neuron / synapse kernels", "unit": "µs per step"},
                                   "rates within 20 % of PyGeNN (scale 0.1)"],
                       "rows": rows})
    check_rows = []
    for r in recs:
        if r.get("kind") != "check" or r.get("check") in ("machine", "opencl_device"):
            continue
        status = {True: "ok", False: "**FAIL**", None: "info"}.get(r.get("ok"), str(r.get("ok")))
        fields = {k: v for k, v in r.items() if k not in ("kind", "check", "ok", "log", "error", "detail",
                                                           "log_head", "rates", "step_kinds")}
        text = json.dumps(rounded(fields), default=str)[:200].replace("|", "/")
        if r.get("error"):
            text = "error: " + r["error"].strip().splitlines()[-1][:150].replace("|", "/")
        check_rows.append([r["check"], status, text])
    if check_rows:
        tables.append({"id": "gpu-checks", "title": "Targeted checks", "columns": ["check", "result", "figures"],
                       "rows": check_rows})
    notes = [f"{name}: {final}" + (f" (failed: {', '.join(t for t, _ in failed[:10])})" if failed else "")
             for name, final, failed in pytest_results(out_dir) if final != "not run"]
    devices = sorted({r["device"] for r in benches if r.get("device")})
    return make_record(command=run.get("command"), device="; ".join(devices) or "none",
                       caption=caption or "benchmarks/gpu_check.sh: the microcircuit on each GPU backend and the "
                                          "targeted checks of the GPU-readiness issue.",
                       tables=tables, notes=notes, machine=machine, date=run.get("date"),
                       data={"commit": run.get("commit") or machine_check.get("commit"),
                             "budget_s": run.get("budget_s")})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--record", metavar="FILE", nargs="?", const=DEFAULT_RECORD, default=None)
    ap.add_argument("--caption", default="")
    args = ap.parse_args(argv)
    if args.record:
        from pygenn_cl.bench.records import append_record, report_appended
        rid = append_record(args.record, make_gpu_record(args.out_dir, args.caption), section=15,
                            title="GPU check (gpu_check.sh)",
                            intro="benchmarks/gpu_check.sh on a lent GPU machine (see benchmarks/README.md).")
        report_appended(args.record, rid)
        return 0
    try:
        print(summary(args.out_dir))
    except Exception:  # noqa: BLE001 - never lose the run's end over a summary bug
        import traceback
        traceback.print_exc()
        print("(summary failed; see results.jsonl and the logs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

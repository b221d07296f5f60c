"""``python -m pygenn_cl.bench``: the portable benchmark suite (see ``pygenn_cl.bench``)."""
from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import sys
import tempfile
import time
import traceback

from .common import BenchSkipped, RunFailed, check_backends
from .machine import device_descriptions, format_machine, machine_description
from .records import (DATA_DIR, add_record_arguments, append_record, command_line, recorded_environment,
                      report_appended)
from .report import plot_results, print_microcircuit, print_peer, print_recording, print_scaling, suite_record

SUITES = ("microcircuit", "scaling", "recording", "peer", "peers")
DEFAULT_SUITES = SUITES[:4]
RECORD = os.path.join(DATA_DIR, "02-microcircuit.json")
PEERS_RECORD = os.path.join(DATA_DIR, "15-peers.json")
PEERS_TITLE = "pygenn_cl against its peers, each in fresh processes (python -m pygenn_cl.bench --suite peers)"


def _csv(text: str):
    return [t.strip() for t in text.split(",") if t.strip()]


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m pygenn_cl.bench",
                                description="Portable benchmarks of pygenn_cl (microcircuit, scaling, "
                                            "recording overhead, Brian2 peer).")
    p.add_argument("--backends", type=_csv, default=None,
                   help="comma-separated backends (default: every available one)")
    p.add_argument("--suite", type=_csv, default=list(DEFAULT_SUITES),
                   help=f"comma-separated suites of {','.join(SUITES)} (default: {','.join(DEFAULT_SUITES)}; "
                        "peers, which starts a fresh process per measurement, only when named)")
    p.add_argument("--scale", type=lambda s: [float(x) for x in _csv(s)], default=None,
                   help="microcircuit neuron and connectivity scale(s), comma-separated "
                        "(default 0.1; --quick: 0.05)")
    p.add_argument("--duration", type=float, default=None,
                   help="biological time per run in ms (default 1000; --quick: 200)")
    p.add_argument("--out", default="pygenn_cl_bench.json", help="JSON results file")
    p.add_argument("--plot", default=None, help="PNG of the results (needs matplotlib)")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: scale 0.05, 200 ms, scaling up to 10^5 neurons")
    p.add_argument("--no-cold", action="store_true", help="skip the cold builds (child processes)")
    p.add_argument("--peer-python", default=None,
                   help="interpreter that runs Brian2 (default: $PYGENN_CL_BENCH_BRIAN2_PYTHON or this one)")
    p.add_argument("--pygenn-python", default=None,
                   help="peers suite: interpreter that has PyGeNN (default: $PYGENN_CL_BENCH_PYGENN_PYTHON; "
                        "without it PyGeNN is left out)")
    p.add_argument("--peer-repeats", type=int, default=3,
                   help="peers suite: timed fresh processes per simulator and workload (default 3)")
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--c-flags", default=None, metavar="FLAGS",
                   help="microcircuit suite: also run the C backend built with these extra gcc flags, "
                        "labelled single_threaded_cpu[FLAGS]; e.g. --c-flags=-mno-avx512f compares C "
                        "and an OpenCL CPU device at the same vector width (write it with '=')")
    add_record_arguments(p, RECORD)
    args = p.parse_args(argv)
    unknown = [s for s in args.suite if s not in SUITES]
    if unknown:
        p.error(f"unknown suite(s) {', '.join(unknown)}; known: {', '.join(SUITES)}")
    if args.scale is None:
        args.scale = [0.05] if args.quick else [0.1]
    if args.duration is None:
        args.duration = 200.0 if args.quick else 1000.0
    return p, args


def main(argv=None) -> int:
    parser, args = parse_args(argv)
    from pygenn_cl.backends import available_backends
    t_start = time.perf_counter()
    machine = machine_description()
    devices = device_descriptions()
    print(format_machine(machine, devices), flush=True)
    backends = args.backends or available_backends()
    check_backends(parser, backends)
    print(f"\nbackends: {', '.join(backends)}; suites: {', '.join(args.suite)}; scale(s): "
          f"{', '.join(f'{s:g}' for s in args.scale)}; duration {args.duration:g} ms"
          + ("  [--quick]" if args.quick else ""), flush=True)

    results = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
               "command": command_line(None, sys.argv[1:] if argv is None else argv, recorded_environment(),
                                       module="pygenn_cl.bench"),
               "machine": machine, "devices": devices,
               "config": {"backends": backends, "suites": args.suite, "scales": args.scale,
                          "duration_ms": args.duration, "quick": args.quick, "seed": args.seed,
                          "c_flags": args.c_flags},
               "skipped": {}, "failed_runs": []}
    workdir = tempfile.mkdtemp(prefix="pygenn_cl_bench_")
    memo = {}

    def mic_run(backend, scale, mode, cold, c_flags=None):
        from .microcircuit import run_microcircuit
        label = f"{backend}[{c_flags}]" if c_flags else backend
        key = (label, scale, mode)
        if key not in memo:
            print(f"  microcircuit {label} scale {scale:g} {mode} ...", flush=True)
            try:
                memo[key] = run_microcircuit(backend, scale, args.duration, mode, workdir, seed=args.seed,
                                             cold=cold and not args.no_cold, label=label,
                                             preferences={"user_cxx_flags_gnu": c_flags} if c_flags else None)
            except Exception as exc:  # noqa: BLE001 - reported, and asked again it fails the same way
                memo[key] = RunFailed(f"microcircuit {label} scale {scale:g} {mode}: {type(exc).__name__}: {exc}")
                print(f"    FAILED: {exc}", flush=True)
            else:
                r = memo[key]
                print(f"    build cold {r.get('build_cold_s', float('nan')):.2f} s, warm {r['build_warm_s']:.2f} s, "
                      f"load {r['load_s']:.2f} s, sim {r['sim_s']:.2f} s (wall {r['wall_s']:.2f} s)", flush=True)
        if isinstance(memo[key], RunFailed):
            raise memo[key]
        return memo[key]

    def microcircuit_suite(variants):
        """Every run that succeeds: one backend failing (e.g. out of memory) keeps the others."""
        runs = []
        for s in args.scale:
            for b, f in variants:
                for m in ("recording", "none"):
                    try:
                        runs.append(mic_run(b, s, m, cold=True, c_flags=f))
                    except RunFailed as exc:
                        results["failed_runs"].append(str(exc))
        return runs

    def guarded(name, fn):
        print(f"\n== {name}", flush=True)
        try:
            results[name] = fn()
        except BenchSkipped as exc:
            print(f"  SKIPPED: {exc}", flush=True)
            results["skipped"][name] = str(exc)
        except Exception as exc:  # noqa: BLE001 - one failing suite must not lose the others
            traceback.print_exc()
            print(f"  FAILED: {type(exc).__name__}: {exc}", flush=True)
            results["skipped"][name] = f"failed: {type(exc).__name__}: {exc}"

    try:
        if "microcircuit" in args.suite:
            variants = [(b, None) for b in backends]
            if args.c_flags:
                variants.append(("single_threaded_cpu", args.c_flags))
            guarded("microcircuit", lambda: microcircuit_suite(variants))
        if "scaling" in args.suite:
            from .scaling import run_scaling
            guarded("scaling", lambda: [r for b in backends for r in run_scaling(b, args.duration, workdir,
                                                                               args.quick)])
        if "recording" in args.suite:
            from .recording import recording_overhead
            guarded("recording", lambda: [recording_overhead(mic_run(b, s, "none", False),
                                                             mic_run(b, s, "per_step_pull", False),
                                                             mic_run(b, s, "recording", False))
                                          for s in args.scale for b in backends])
        if "peer" in args.suite:
            from .peer import run_brian2

            def peer():
                out = []
                for s in args.scale:
                    print(f"  Brian2 cpp_standalone scale {s:g} ...", flush=True)
                    r = run_brian2(s, args.duration, python=args.peer_python, seed=args.seed)
                    r["pygenn_cl"] = {b: mic_run(b, s, "recording", False) for b in backends}
                    out.append(r)
                return out
            guarded("peer", peer)
        if "peers" in args.suite:
            from .peers import run_peers
            guarded("peers", lambda: run_peers(backends, args.pygenn_python, args.peer_python, args.peer_repeats,
                                               args.quick, seed=args.seed))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    # -- report -------------------------------------------------------------------------------
    print("\n" + "=" * 100)
    print(format_machine(machine, devices))
    summary = {}
    if results.get("microcircuit"):
        print_microcircuit(results["microcircuit"], summary)
    if results.get("scaling"):
        print_scaling(results["scaling"], summary)
    if results.get("recording"):
        print_recording(results["recording"], summary)
    if results.get("peer"):
        print_peer(results["peer"], summary)
    if results.get("peers"):
        from .peers import print_peers
        print_peers(results["peers"])
    for name, why in results["skipped"].items():
        print(f"\n[{name}] skipped: {why}")
    for why in results["failed_runs"]:
        print(f"\n[failed] {why}")
    results["summary"] = summary
    results["total_s"] = time.perf_counter() - t_start
    print(f"\ntotal time of the suite: {results['total_s']:.0f} s")
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump(results, f, indent=2, default=str)
        print(f"wrote {args.out}")
    if args.record and results.get("peers") and args.suite == ["peers"]:
        from .peers import peers_record
        record = peers_record(results["peers"], results["command"], args.caption, args.pygenn_python)
        path = args.record if args.record != RECORD else PEERS_RECORD
        report_appended(path, append_record(path, record, section=15, title=PEERS_TITLE))
    elif args.record:
        if not any(results.get(suite) for suite in SUITES):
            print("--record: no suite produced results; nothing recorded")
        else:
            report_appended(args.record, append_record(args.record, suite_record(results, args.caption)))
    if args.plot:
        try:
            plot_results(results, args.plot)
            print(f"wrote {args.plot}")
        except ImportError:
            print("--plot: matplotlib is not installed (pip install matplotlib); no plot written")
    return 0


if __name__ == "__main__":
    sys.exit(main())

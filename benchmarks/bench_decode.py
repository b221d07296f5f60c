#!/usr/bin/env python
"""Host cost of decoding spike recording buffers (``pygenn_cl.recording.decode_bitfield``).

This measures and reports; it asserts nothing.  It builds, for each population of the
microcircuit at ``--scale`` (1.0: 77,169 neurons), a recording buffer of ``--steps`` steps
(``num_recording_timesteps``) holding Poisson spikes at the populations' reference rates
(``examples``' pd14 parameters), and times decoding every population's buffer, as
``spike_recording_data`` does after each ``pull_recording_buffers_from_device()``: once with
the buffer just filled (``timestep`` a multiple of ``--steps``, the example's case) and once
wrapped (the oldest step in the middle of the buffer).  Reported: ms per decode of all
populations, best and median of ``--repeats``.  No device is involved.

Usage::

    python benchmarks/bench_decode.py                     # scale 1.0, 1000 steps
    python benchmarks/bench_decode.py --record            # and append a record to data/13-decode.json

To compare with another checkout, run it with that checkout first on ``PYTHONPATH`` (the
decoder is imported from whichever ``pygenn_cl`` Python finds).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_RECORD = os.path.join(HERE, "data", "13-decode.json")


def buffers(scale: float, steps: int, dt: float, seed: int = 1):
    """{population: (buffer, num_neurons, spikes)} with Poisson spikes at the reference rates."""
    from pygenn_cl.bench.common import microcircuit_module
    from pygenn_cl.recording import words_per_step
    mc = microcircuit_module()
    params, _ = mc.load_params()
    rng = np.random.default_rng(seed)
    out = {}
    for pop, n_full in params["num_neurons"].items():
        n = max(1, int(round(n_full * scale)))
        words = words_per_step(n)
        spikes = rng.random((steps, n)) < params["reference_mean_rates_hz"][pop] * dt / 1000.0
        padded = np.zeros((steps, words * 32), dtype=np.uint8)
        padded[:, :n] = spikes
        buffer = np.packbits(padded.reshape(steps, words, 4, 8), axis=-1, bitorder="little")
        out[pop] = (np.ascontiguousarray(buffer.reshape(-1, 4)).view("<u4").reshape(-1).astype(np.uint32),
                    n, int(spikes.sum()))
    return out


def time_decode(bufs, timestep: int, steps: int, dt: float, repeats: int):
    from pygenn_cl.recording import decode_bitfield
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        for buffer, n, _ in bufs.values():
            decode_bitfield(buffer, n, timestep, steps, dt)
        seconds.append(time.perf_counter() - start)
    return seconds


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="microcircuit neuron scale (default 1.0)")
    ap.add_argument("--steps", type=int, default=1000, help="num_recording_timesteps (default 1000)")
    ap.add_argument("--repeats", type=int, default=30, help="timed repeats (default 30)")
    from pygenn_cl.bench.records import add_record_arguments
    add_record_arguments(ap, DEFAULT_RECORD)
    ap.add_argument("--label", default="", help="with --record: what is measured (e.g. the commit)")
    args = ap.parse_args(argv)
    dt = 0.1
    bufs = buffers(args.scale, args.steps, dt)
    neurons = sum(n for _, n, _ in bufs.values())
    spikes = sum(s for _, _, s in bufs.values())
    import pygenn_cl.recording as recording
    results = {}
    for case, timestep in (("full", 5 * args.steps), ("wrapped", 5 * args.steps + args.steps // 2)):
        time_decode(bufs, timestep, args.steps, dt, 2)          # warm up
        seconds = time_decode(bufs, timestep, args.steps, dt, args.repeats)
        results[case] = {"best_ms": 1e3 * min(seconds), "median_ms": 1e3 * statistics.median(seconds)}
        print(f"{case:8s}: {neurons:,} neurons, {spikes:,} spikes in {args.steps} steps: best "
              f"{results[case]['best_ms']:.2f} ms, median {results[case]['median_ms']:.2f} ms per decode "
              f"of every population ({recording.__file__})")
    if args.record:
        from pygenn_cl.bench.records import (append_record, command_line, make_record, report_appended,
                                             round_sig)
        rows = [[args.label or "decode_bitfield", case, {"value": round_sig(r["best_ms"]), "sig": 3, "bold": True},
                 {"value": round_sig(r["median_ms"]), "sig": 3}] for case, r in results.items()]
        table = {"id": "decode", "columns": ["decoder", "buffer", {"label": "best", "unit": "ms"},
                                             {"label": "median", "unit": "ms"}], "rows": rows}
        record = make_record(
            command=command_line(__file__, sys.argv[1:] if argv is None else argv), device="host (numpy)",
            caption=f"Decoding the recording buffers of the microcircuit at scale {args.scale:g} ({neurons:,} "
                    f"neurons, {spikes:,} spikes at the reference rates) after {args.steps} steps, every "
                    f"population; best and median of {args.repeats}.",
            tables=[table], data={"results": results, "neurons": neurons, "spikes": spikes, "steps": args.steps})
        rid = append_record(args.record, record, section=13, title="Decoding spike recording buffers (bench_decode.py)")
        report_appended(args.record, rid)
    return 0


if __name__ == "__main__":
    sys.exit(main())

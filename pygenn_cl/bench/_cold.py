"""Child process of a cold build: ``python -m pygenn_cl.bench._cold KIND SPEC_JSON BUILD_DIR``.

Builds the model in this fresh interpreter (whose compiler caches the parent pointed at an
empty directory) and prints the build time in seconds on the last line."""
import json
import sys
import time


def main(argv=None) -> int:
    kind, spec, build_dir = (sys.argv[1:] if argv is None else argv)[:3]
    spec = json.loads(spec)
    if kind == "microcircuit":
        from .common import microcircuit_module
        model, _ = microcircuit_module().build_model(**spec)
        model.timing_enabled = True
    elif kind == "lif":
        from .scaling import make_lif_network
        model = make_lif_network(**spec)
    else:
        raise SystemExit(f"unknown model kind {kind!r}")
    t0 = time.perf_counter()
    model.build(build_dir)
    print(time.perf_counter() - t0)
    return 0


if __name__ == "__main__":
    sys.exit(main())

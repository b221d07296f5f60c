"""fmin/fmax keep C99's semantics on every backend (a NaN argument yields the other one)."""
import numpy as np

from pygenn_cl_lazy import pg


def test_fmin_fmax_with_nan(make_model, build_load, tmp_path):
    a = np.array([1.0, -2.0, np.nan, 3.0, np.nan, -0.5], dtype=np.float32)
    b = np.array([2.0, -3.0, 4.0, np.nan, np.nan, -0.5], dtype=np.float32)
    nm = pg.create_neuron_model(
        "MinMax", vars=[("a", "scalar"), ("b", "scalar"), ("lo", "scalar"), ("hi", "scalar"),
                        ("clip", "scalar")],
        sim_code="lo = fmin(a, b);\nhi = fmax(a, b);\nclip = min(max(a, 0.0), 1.5);\n")
    model = make_model("minmax")
    pop = model.add_neuron_population("pop", len(a), nm, {},
                                      {"a": a, "b": b, "lo": 0.0, "hi": 0.0, "clip": 0.0})
    build_load(model, tmp_path)
    model.step_time()
    got = {}
    for name in ("lo", "hi", "clip"):
        pop.vars[name].pull_from_device()
        got[name] = np.array(pop.vars[name].values, copy=True)
    np.testing.assert_array_equal(got["lo"], np.fmin(a, b))
    np.testing.assert_array_equal(got["hi"], np.fmax(a, b))
    np.testing.assert_array_equal(got["clip"], np.fmin(np.fmax(a, 0.0), 1.5).astype(np.float32))

"""What the generator decides from the model description: double precision use, and the
initial spike-like event times (which start at "never", like spike times)."""
import numpy as np
import pytest

import helpers as h
import pygenn_cl as pg
from pygenn_cl.backends.opencl import OPENCL_TARGET
from pygenn_cl.codegen.generator import generate_model
from pygenn_cl.describe import describe_model


@pytest.mark.backend_independent
def test_double_values_in_user_code_need_double_precision():
    """A float model whose code declares a double local, or casts to double, needs fp64
    (OpenCL's cl_khr_fp64 pragma and device check); one that does not, does not."""
    def ir(sim_code):
        model = pg.GeNNModel("float", "dbl", backend="single_threaded_cpu")
        neuron = pg.create_neuron_model("N", vars=[("x", "scalar")], sim_code=sim_code)
        model.add_neuron_population("p", 4, neuron, {}, {"x": 0.0})
        return generate_model(describe_model(model), OPENCL_TARGET)
    assert not ir("x += 1.0;").needs_double
    assert ir("const double y = 2.0; x += (float)y;").needs_double
    assert ir("x += (float)((double)x * 0.5);").needs_double


@pytest.mark.backend_independent
def test_random_numbers_prefetched_only_where_every_step_draws():
    """Loops over many neurons prefetch the first Philox block of each neuron (rng_tile) where
    code that runs every step draws unconditionally (PoissonExp, GaussianNoise), and compute it
    when a neuron first draws where every draw is conditional (the Poisson neuron draws only
    after a spike; a weight update's spike code draws only for spiking neurons)."""
    model = pg.GeNNModel("float", "prefetch", backend="single_threaded_cpu")
    lif = {"C": 0.25, "TauM": 10.0, "Vrest": -65.0, "Vreset": -65.0, "Vthresh": -50.0, "Ioffset": 0.0,
           "TauRefrac": 2.0}
    model.add_neuron_population("poisson", 10, "Poisson", {"rate": 10.0}, {"timeStepToSpike": 0.0})
    noisy = model.add_neuron_population("noisy", 10, "LIF", lif, {"V": -65.0, "RefracTime": 0.0})
    model.add_current_source("noise", "GaussianNoise", noisy, {"mean": 0.0, "sd": 1.0})
    background = model.add_neuron_population("background", 11, "LIF", lif, {"V": -65.0, "RefracTime": 0.0})
    model.add_current_source("bg", "PoissonExp", background, {"weight": 0.1, "tauSyn": 0.5, "rate": 100.0},
                             {"current": 0.0})
    spiky = model.add_neuron_population("spiky", 12, "LIF", lif, {"V": -65.0, "RefracTime": 0.0})
    wu = pg.create_weight_update_model("Jitter", pre_vars=[("x", "scalar")], pre_spike_code="x = gennrand_uniform();")
    model.add_synapse_population("s", "DENSE", spiky, noisy, pg.init_weight_update(wu, {}, {}, {"x": 0.0}),
                                 pg.init_postsynaptic("DeltaCurr"))
    ir = generate_model(describe_model(model), OPENCL_TARGET)
    tile = {mg.members[0].group: (mg.code.rng_stream != "", mg.code.rng_tile) for mg in ir.kernels["neuron_update"]}
    assert tile == {"poisson": (True, False), "noisy": (True, True), "background": (True, True),
                    "spiky": (True, False)}


def test_spike_like_event_times_start_at_never(make_model, build_load, tmp_path):
    """prev_set_pre at the first (only) event is the lowest time, as prev_st_pre is at the first spike."""
    model = make_model("evtimes")
    model.dt = 1.0
    pre = h.spike_source_array(model, "pre", [[3]], model.dt)
    post = model.add_neuron_population("post", 1, h.recorder_model(), {}, {"Irec": 0.0})
    wu = pg.create_weight_update_model(
        "EventTimes", vars=[("prev_event", "scalar"), ("prev_spike", "scalar")],
        pre_event_threshold_condition_code="t > 2.5 && t < 3.5", pre_event_syn_code="prev_event = prev_set_pre;",
        pre_spike_syn_code="prev_spike = prev_st_pre;")
    sg = model.add_synapse_population("s", "DENSE", pre, post,
                                      pg.init_weight_update(wu, {}, {"prev_event": 1.0, "prev_spike": 1.0}),
                                      pg.init_postsynaptic("DeltaCurr"))
    build_load(model, tmp_path)
    model.run_steps(6)
    lowest = -np.finfo(np.float32).max
    assert h.pull(sg.vars["prev_event"])[0] == lowest
    assert h.pull(sg.vars["prev_spike"])[0] == lowest

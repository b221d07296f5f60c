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

"""Independent reference computations and small model-building helpers
shared by the behaviour tests.  Nothing here imports pygenn_cl at import time."""
import math

import numpy as np
from scipy import stats

# GeNN's default LIF parameters (nF, ms, mV, nA)
LIF_PARAMS = {"C": 1.0, "TauM": 20.0, "Vrest": -70.0, "Vreset": -70.0,
              "Vthresh": -55.0, "Ioffset": 0.0, "TauRefrac": 2.05}


def lif_reference(p, v0, n_steps, dt, isyn=None, dtype=np.float64):
    """Exact discrete LIF map (PyGeNN LIF sim/threshold/reset code).

    Returns (V after each step [n_steps], list of spike steps, margin) where
    margin is the smallest |V - Vthresh| over integrated steps (to check that
    the reference is not sitting on a rounding edge)."""
    f = dtype
    exptc = f(math.exp(-dt / p["TauM"]))
    rm = f(p["TauM"] / p["C"])
    v, refrac = f(v0), f(0.0)
    vs, spikes = np.empty(n_steps), []
    margin = np.inf
    for k in range(n_steps):
        i = f(0.0) if isyn is None else f(isyn[k])
        if refrac <= 0.0:
            alpha = f((i + f(p["Ioffset"])) * rm) + f(p["Vrest"])
            v = f(alpha - f(exptc * f(alpha - v)))
            margin = min(margin, abs(float(v) - p["Vthresh"]))
        else:
            refrac = f(refrac - f(dt))
        if refrac <= 0.0 and v >= p["Vthresh"]:
            spikes.append(k)
            v = f(p["Vreset"])
            refrac = f(p["TauRefrac"])
        vs[k] = v
    return vs, spikes, margin


def lif_analytic_isi(p):
    """ISI (ms) of a LIF with Vreset == Vrest under constant Ioffset, continuous time."""
    ri = p["Ioffset"] * p["TauM"] / p["C"]
    return p["TauRefrac"] + p["TauM"] * math.log(ri / (ri - (p["Vthresh"] - p["Vrest"])))


def izhikevich_reference(a, b, c, d, v0, u0, i_ext, n_steps, dt):
    """GeNN's Izhikevich scheme in double; returns V, U after each step and spike steps."""
    v, u = v0, u0
    V, U, spikes = np.empty(n_steps), np.empty(n_steps), []
    for k in range(n_steps):
        if v >= 30.0:
            v = c
            u += d
        v += 0.5 * (0.04 * v * v + 5.0 * v + 140.0 - u + i_ext) * dt
        v += 0.5 * (0.04 * v * v + 5.0 * v + 140.0 - u + i_ext) * dt
        u += a * (b * v - u) * dt
        if v > 30.0:
            v = 30.0
        if v >= 29.99:
            spikes.append(k)
        V[k], U[k] = v, u
    return V, U, spikes


TRAUB_PARAMS = {"gNa": 7.15, "ENa": 50.0, "gK": 1.43, "EK": -95.0,
                "gl": 0.02672, "El": -63.563, "C": 0.143}
TRAUB_INIT = {"V": -60.0, "m": 0.0529324, "h": 0.3176767, "n": 0.5961207}


def traub_miles_reference(p, init, i_ext, n_steps, dt):
    """Traub-Miles with 25 forward-Euler substeps per dt; returns V after each step."""
    V, m, h, n = init["V"], init["m"], init["h"], init["n"]
    out = np.empty(n_steps)
    mdt = dt / 25.0
    for k in range(n_steps):
        for _ in range(25):
            imem = -(m ** 3 * h * p["gNa"] * (V - p["ENa"]) + n ** 4 * p["gK"] * (V - p["EK"])
                     + p["gl"] * (V - p["El"]) - i_ext)
            a = 1.28 if V == -52.0 else 0.32 * (-52.0 - V) / (math.exp((-52.0 - V) / 4.0) - 1.0)
            b = 1.4 if V == -25.0 else 0.28 * (V + 25.0) / (math.exp((V + 25.0) / 5.0) - 1.0)
            m += (a * (1.0 - m) - b * m) * mdt
            a = 0.128 * math.exp((-48.0 - V) / 18.0)
            b = 4.0 / (math.exp((-25.0 - V) / 5.0) + 1.0)
            h += (a * (1.0 - h) - b * h) * mdt
            a = 0.16 if V == -50.0 else 0.032 * (-50.0 - V) / (math.exp((-50.0 - V) / 5.0) - 1.0)
            b = 0.5 * math.exp((-55.0 - V) / 40.0)
            n += (a * (1.0 - n) - b * n) * mdt
            V += imem / p["C"] * mdt
        out[k] = V
    return out


def exp_curr_reference(weights_at_step, tau, dt, n_steps):
    """Isyn seen by the neuron each step for ExpCurr given input added to inSyn in given steps.

    weights_at_step: dict step -> summed weight delivered in that step's synapse update."""
    decay = math.exp(-dt / tau)
    init = tau * (1.0 - decay) / dt
    insyn, out = 0.0, np.zeros(n_steps)
    for k in range(n_steps):
        insyn += weights_at_step.get(k, 0.0)
        out[k] = init * insyn
        insyn *= decay
    return out


def chi2_discrete(samples, pmf_support, pmf, min_expected=5.0):
    """Chi-square goodness of fit of integer samples to a pmf on a support, pooling
    neighbouring bins until each expects >= min_expected.  Returns the p-value."""
    samples = np.asarray(samples).astype(np.int64)
    n = len(samples)
    support = np.asarray(pmf_support)
    expected = n * np.asarray(pmf, dtype=float)
    observed = np.array([(samples == s).sum() for s in support], dtype=float)
    # anything outside the support goes to the nearest tail bin
    observed[0] += (samples < support[0]).sum()
    observed[-1] += (samples > support[-1]).sum()
    expected = expected * n / expected.sum()
    obs_b, exp_b, o_acc, e_acc = [], [], 0.0, 0.0
    for o, e in zip(observed, expected):
        o_acc += o
        e_acc += e
        if e_acc >= min_expected:
            obs_b.append(o_acc)
            exp_b.append(e_acc)
            o_acc = e_acc = 0.0
    if e_acc > 0:
        obs_b[-1] += o_acc
        exp_b[-1] += e_acc
    obs_b, exp_b = np.array(obs_b), np.array(exp_b)
    chi2 = ((obs_b - exp_b) ** 2 / exp_b).sum()
    return stats.chi2.sf(chi2, len(obs_b) - 1)


def binomial_row_length_pvalue(row_lengths, n, p):
    k = np.arange(0, n + 1)
    return chi2_discrete(row_lengths, k, stats.binom.pmf(k, n, p))


def spike_source_array(model, name, spike_steps_per_neuron, dt):
    """Add a SpikeSourceArray whose neuron i spikes in exactly the steps in
    spike_steps_per_neuron[i] (spike times set half a step early so that
    ``t >= spikeTime`` first holds in that step whatever the rounding of t)."""
    times, start, end = [], [], []
    for steps in spike_steps_per_neuron:
        start.append(len(times))
        times.extend((s - 0.5) * dt for s in sorted(steps))
        end.append(len(times))
    pop = model.add_neuron_population(name, len(spike_steps_per_neuron), "SpikeSourceArray", {},
                                      {"startSpike": np.array(start, dtype=np.uint32),
                                       "endSpike": np.array(end, dtype=np.uint32)})
    pop.extra_global_params["spikeTimes"].set_init_values(np.array(times if times else [0.0]))
    return pop


def spike_sources_at_times(model, name, times_per_neuron, dt):
    """:func:`spike_source_array` with spike times in ms (multiples of ``dt``) instead of steps."""
    return spike_source_array(model, name, [[int(round(t / dt)) for t in times] for times in times_per_neuron],
                              dt)


def recorder_model():
    """A neuron that copies its input Isyn into var Irec each step (never spikes)."""
    from pygenn_cl import create_neuron_model
    return create_neuron_model("Recorder", vars=[("Irec", "scalar")], sim_code="Irec = Isyn;")


def recorder_with_v_model():
    """Like recorder_model but with a constant membrane voltage V (for ExpCond)."""
    from pygenn_cl import create_neuron_model
    return create_neuron_model("RecorderV", vars=[("V", "scalar"), ("Irec", "scalar")],
                               sim_code="Irec = Isyn;")


def pull(var):
    """Pull a variable and return a copy of its values."""
    var.pull_from_device()
    return np.array(var.values, copy=True)


def run_and_trace(model, n_steps, variables):
    """Step the model n_steps times, recording each listed Variable after every step.

    Returns a list of arrays of shape (n_steps, size)."""
    traces = [[] for _ in variables]
    for _ in range(n_steps):
        model.step_time()
        for tr, var in zip(traces, variables):
            tr.append(pull(var))
    return [np.array(t) for t in traces]


def sorted_spikes(times, ids, dt):
    """Recorded (times, ids) -> sorted array of (step, id) rows."""
    steps = np.rint(np.asarray(times) / dt).astype(np.int64)
    ids = np.asarray(ids).astype(np.int64)
    order = np.lexsort((ids, steps))
    return np.stack([steps[order], ids[order]], axis=1) if len(steps) else np.zeros((0, 2), np.int64)


RULKOV_PARAMS = {"Vspike": 60.0, "alpha": 3.0, "y": -2.468, "beta": 0.0165}


def rulkov_reference(p, v0, prev0, n_steps, isyn=0.0):
    """Rulkov map as scaled in GeNN; returns V after each step."""
    ip0 = p["Vspike"] * p["Vspike"] * p["alpha"]
    ip1 = p["Vspike"] * p["y"]
    ip2 = p["Vspike"] * p["y"] + p["Vspike"] * p["alpha"]
    v, prev = v0, prev0
    out = np.empty(n_steps)
    for k in range(n_steps):
        if v <= 0.0:
            prev = v
            v = ip0 / ((p["Vspike"] - v) - p["beta"] * isyn) + ip1
        elif v < ip2 and prev <= 0.0:
            prev = v
            v = ip2
        else:
            prev = v
            v = -p["Vspike"]
        out[k] = v
    return out

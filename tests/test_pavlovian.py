"""The Izhikevich (2007) Pavlovian conditioning example (examples/izhikevich_pavlovian.py).

1. The event-driven dopamine-modulated STDP synapse, integrated in closed form at
   each spike, against a brute-force numerical integration of the same equations
   (eligibility trace c bumped by nearest-neighbour STDP and decaying with tau_c,
   dopamine d a sum of decaying reward pulses, dw/dt = c d), for scripted spikes
   and rewards, in double precision, on every backend.
2. The stimulus schedule: each onset drives the stimulated neurons to fire.
3. (slow) The full network learns: S1's outgoing weights rise above those of the
   other stimuli and the response to S1 grows relative to the others.
"""
import functools
import os

import numpy as np
import pytest

from helpers import spike_sources_at_times



@pytest.fixture(scope="module")
def pav():
    from pygenn_cl.bench.common import example_module
    return example_module("izhikevich_pavlovian")


DT = 1.0
# Spike times given to SpikeSourceArray (ms); a spike given at time s is emitted in step s
# and processed by the synapses at t = s + dt.
PRE_SPIKES = [[10.0, 200.0, 205.0, 600.0, 1200.0], [50.0, 400.0, 401.0, 900.0], [700.0]]
POST_SPIKES = [[15.0, 198.0, 410.0, 650.0, 1000.0], [55.0, 210.0, 395.0, 900.0, 1300.0]]
# Rewards: one before any spike, two inside one inter-event interval, one at an event time
# (701 = pre 2's processing time), several between events.
REWARDS = np.array([5.0, 220.0, 230.0, 411.0, 701.0, 950.0, 1100.0, 1250.0])
NUM_STEPS = 1500
G0 = 2.0


def _brute_force(p, pre_times, post_times, t_end, h=0.01):
    """Eligibility bumps of one synapse, then w(s) by the midpoint rule on a fine grid.

    Returns (grid end points, w at each grid end point, c(s) function, last event time).
    """
    bumps = []
    for tp in pre_times:            # depression: most recent post spike at or before tp
        earlier = [q for q in post_times if q <= tp]
        if earlier and tp - max(earlier) > 0:
            bumps.append((tp, -p["Aminus"] * np.exp(-(tp - max(earlier)) / p["tauMinus"])))
    for tq in post_times:           # potentiation: most recent pre spike at or before tq
        earlier = [q for q in pre_times if q <= tq]
        if earlier and tq - max(earlier) > 0:
            bumps.append((tq, p["Aplus"] * np.exp(-(tq - max(earlier)) / p["tauPlus"])))

    def c_at(s):
        s = np.atleast_1d(s)
        out = np.zeros(s.shape)
        for te, b in bumps:
            m = s >= te
            out[m] += b * np.exp(-(s[m] - te) / p["tauC"])
        return out

    n = int(round(t_end / h))
    mid = (np.arange(n) + 0.5) * h
    d = np.zeros(n)
    for r in REWARDS:
        m = mid >= r
        d[m] += p["dopaminePerReward"] * np.exp(-(mid[m] - r) / p["tauD"])
    w = G0 + np.concatenate(([0.0], np.cumsum(c_at(mid) * d) * h))
    ends = np.arange(n + 1) * h
    events = [t for t in list(pre_times) + list(post_times) if t <= t_end]
    return ends, w, c_at, (max(events) if events else 0.0)


def test_dopamine_stdp_matches_brute_force(pav, make_model, build_load, tmp_path):
    # wide bounds: the brute-force reference does not clip (clipping is checked separately)
    p = dict(pav.stdp_params(pav.load_params()), Wmin=-1.0e6, Wmax=1.0e6)
    model = make_model("da_stdp", "double")
    model.dt = DT
    pre = spike_sources_at_times(model, "pre", PRE_SPIKES, DT)
    post = spike_sources_at_times(model, "post", POST_SPIKES, DT)
    sg = model.add_synapse_population(
        "syn", "SPARSE", pre, post,
        init_weight_update_da(pav, p),
        _delta(), _all_to_all())
    dopamine = pav.dopamine_after_rewards(REWARDS, p["tauD"], p["dopaminePerReward"])
    pav.set_reward_egps(sg, REWARDS, dopamine, NUM_STEPS, DT, p["tauD"])
    build_load(model, tmp_path)
    model.run_steps(NUM_STEPS)
    for v in sg.vars.values():
        v.pull_from_device()
    pre_ind, post_ind = sg.get_sparse_pre_inds(), sg.get_sparse_post_inds()
    g, c = sg.vars["g"].values, sg.vars["c"].values
    t_last, r_idx = sg.vars["tLast"].values, sg.vars["rIdx"].values
    t_end = NUM_STEPS * DT
    assert len(g) == len(PRE_SPIKES) * len(POST_SPIKES)
    changes = []
    for k, (i, j) in enumerate(zip(pre_ind, post_ind)):
        pre_t = np.array(PRE_SPIKES[i]) + DT      # processing times
        post_t = np.array(POST_SPIKES[j]) + DT
        ends, w, c_at, last_event = _brute_force(p, pre_t, post_t, t_end)
        # the synapse was last updated at its last event, where it holds w, c and the reward count
        assert t_last[k] == last_event
        assert r_idx[k] == np.sum(REWARDS <= last_event)
        np.testing.assert_allclose(c[k], c_at(last_event)[0], rtol=1e-12, atol=1e-15)
        w_event = np.interp(last_event, ends, w)
        np.testing.assert_allclose(g[k], w_event, rtol=1e-9, atol=1e-10)
        # bringing it to the end of the run with the NumPy catch-up matches too
        w_end = pav.advance_weights(g[k:k + 1], c[k:k + 1], t_last[k:k + 1], r_idx[k:k + 1], t_end,
                                    REWARDS, dopamine, p)[0]
        np.testing.assert_allclose(w_end, w[-1], rtol=1e-9, atol=1e-10)
        changes.append(w[-1] - G0)
    # the protocol exercises both signs of learning and no weight hits a bound
    changes = np.array(changes)
    assert changes.min() < -1e-3 and changes.max() > 1e-3


def test_dopamine_stdp_weights_are_clipped(pav, make_model, build_load, tmp_path):
    """With the model's bounds [0, 4] the same protocol drives weights onto both bounds."""
    p = pav.stdp_params(pav.load_params())
    model = make_model("da_stdp_clip", "double")
    model.dt = DT
    pre = spike_sources_at_times(model, "pre", PRE_SPIKES, DT)
    post = spike_sources_at_times(model, "post", POST_SPIKES, DT)
    sg = model.add_synapse_population("syn", "SPARSE", pre, post, init_weight_update_da(pav, p),
                                      _delta(), _all_to_all())
    pav.set_reward_egps(sg, REWARDS, pav.dopamine_after_rewards(REWARDS, p["tauD"], p["dopaminePerReward"]),
                        NUM_STEPS, DT, p["tauD"])
    build_load(model, tmp_path)
    model.run_steps(NUM_STEPS)
    sg.vars["g"].pull_from_device()
    g = sg.vars["g"].values
    assert np.all((g >= p["Wmin"]) & (g <= p["Wmax"]))
    assert np.any(g == p["Wmin"]) and np.any(g == p["Wmax"])


def init_weight_update_da(pav, p):
    from pygenn_cl import init_weight_update
    return init_weight_update(pav.dopamine_stdp_model(), p, {"g": G0, "c": 0.0, "tLast": 0.0, "dLast": 0.0,
                                                          "rIdx": 0})


def _delta():
    from pygenn_cl import init_postsynaptic
    return init_postsynaptic("DeltaCurr")


def _all_to_all():
    from pygenn_cl import init_sparse_connectivity
    return init_sparse_connectivity("FixedProbability", {"prob": 1.0})


def test_dopamine_helpers(pav):
    """Precomputed dopamine after each reward, and at every step, equals the brute-force sum."""
    rewards = np.array([3.0, 10.0, 11.0, 500.0])
    after = pav.dopamine_after_rewards(rewards, 200.0, 0.5)
    np.testing.assert_allclose(after, pav.dopamine_at(rewards, rewards, 200.0, 0.5), rtol=1e-14)
    table = pav.dopamine_table(rewards, after, 800, 1.0, 200.0)
    assert len(table) == 801 and np.all(table[:3] == 0.0) and table[3] == 0.5
    np.testing.assert_allclose(table, pav.dopamine_at(np.arange(801.0), rewards, 200.0, 0.5), rtol=1e-13)
    sched = pav.make_schedule(pav.load_params(), 60000.0, seed=3)
    assert np.all(np.diff(sched["onsets"]) >= 100) and np.all(np.diff(sched["onsets"]) <= 300)
    s1 = sched["onsets"][sched["stims"] == 0]
    # at most one reward per S1 onset, and one for every S1 onset at least 1 s before the end
    assert np.sum(s1 + 1000 < 60000.0) <= len(sched["rewards"]) <= len(s1)
    for r in sched["rewards"]:   # each reward follows an S1 onset by 0-1 s
        assert np.any((r - s1 >= 0) & (r - s1 <= 1000))


def test_stimuli_drive_their_neurons(pav, backend, tmp_path, monkeypatch):
    """Every onset makes (nearly) all neurons of the presented stimulus fire within 2 ms."""
    # build_model() takes no backend preferences: the GeNNModel it calls gets the case's
    monkeypatch.setattr(pav, "GeNNModel", functools.partial(pav.GeNNModel, **backend.preferences))
    model, info = pav.build_model(backend.name, duration_s=3.0, seed=7, precision="float",
                                  build_dir=str(tmp_path), model_name="pavlovian_smoke")
    result = pav.simulate(model, info, progress=False)
    times, ids = result["spikes"]
    sched = info["schedule"]
    assert len(sched["onsets"]) >= 10
    fractions = []
    for onset, s in zip(sched["onsets"], sched["stims"]):
        members = sched["stim_sets"][s]
        m = (times >= onset) & (times <= onset + 2.0)
        fractions.append(np.isin(members, ids[m]).mean())
    assert np.mean(fractions) > 0.9
    rate = len(times) / (model.num_neurons * 3.0)
    assert 0.2 < rate < 20.0
    model.unload()


@pytest.mark.slow
def test_pavlovian_learning(pav):
    """Full network, fixed seed: S1's synapses strengthen and its response grows."""
    duration_s = float(os.environ.get("PAVLOVIAN_TEST_DURATION_S", "900"))
    summary = pav.run("single_threaded_cpu", duration_s=duration_s, seed=1234, progress=False,
                      verbose=True)
    print({k: v for k, v in summary.items() if not k.startswith("_")})
    assert summary["mean_weight_S1_out"] > summary["mean_weight_other_stimuli_out"] + 1.0
    assert summary["mean_weight_S1_out"] > summary["max_weight_other_stimuli_out"] + 0.5
    assert summary["response_ratio_late"] > 1.5 * summary["response_ratio_early"]

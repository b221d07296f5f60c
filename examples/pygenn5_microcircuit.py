#!/usr/bin/env python
"""The Potjans & Diesmann (2014) cortical microcircuit, written for PyGeNN 5.

This script uses ``import pygenn`` and nothing else of pygenn_cl: it is a PyGeNN 5 script,
in the style of PyGeNN's own microcircuit example, with populations named "23E", "23I",
"4E" ... .  Run it on pygenn_cl, unchanged, with::

    python -m pygenn_cl.compat examples/pygenn5_microcircuit.py --duration 1000

(or on PyGeNN itself with ``python examples/pygenn5_microcircuit.py``).  At neuron and
connectivity scale 0.1 (the defaults) the network has 7,717 neurons and about 3 million
synapses; down-scaling follows van Albada, Helias & Diesmann (2015): in-degrees scaled by
k, weights by 1/sqrt(k) and a DC input per population restoring the full-scale mean input.
"""
import json
import math
from argparse import ArgumentParser
from time import perf_counter

import numpy as np

from pygenn import GeNNModel, init_postsynaptic, init_sparse_connectivity, init_var, init_weight_update

# ----------------------------------------------------------------------------
# Parameters
# ----------------------------------------------------------------------------
DT_MS = 0.1
LAYER_NAMES = ["23", "4", "5", "6"]
POPULATION_NAMES = ["E", "I"]

# Neurons per population at full scale
NUM_NEURONS = {"23": {"E": 20683, "I": 5834}, "4": {"E": 21915, "I": 5479},
               "5": {"E": 4850, "I": 1065}, "6": {"E": 14395, "I": 2948}}

# Probability of at least one connection, CONNECTION_PROBABILITY[target][source]
CONNECTION_PROBABILITY = {
    "23E": {"23E": 0.1009, "23I": 0.1689, "4E": 0.0437, "4I": 0.0818, "5E": 0.0323, "5I": 0.0, "6E": 0.0076, "6I": 0.0},
    "23I": {"23E": 0.1346, "23I": 0.1371, "4E": 0.0316, "4I": 0.0515, "5E": 0.0755, "5I": 0.0, "6E": 0.0042, "6I": 0.0},
    "4E": {"23E": 0.0077, "23I": 0.0059, "4E": 0.0497, "4I": 0.135, "5E": 0.0067, "5I": 0.0003, "6E": 0.0453,
           "6I": 0.0},
    "4I": {"23E": 0.0691, "23I": 0.0029, "4E": 0.0794, "4I": 0.1597, "5E": 0.0033, "5I": 0.0, "6E": 0.1057, "6I": 0.0},
    "5E": {"23E": 0.1004, "23I": 0.0622, "4E": 0.0505, "4I": 0.0057, "5E": 0.0831, "5I": 0.3726, "6E": 0.0204,
           "6I": 0.0},
    "5I": {"23E": 0.0548, "23I": 0.0269, "4E": 0.0257, "4I": 0.0022, "5E": 0.06, "5I": 0.3158, "6E": 0.0086, "6I": 0.0},
    "6E": {"23E": 0.0156, "23I": 0.0066, "4E": 0.0211, "4I": 0.0166, "5E": 0.0572, "5I": 0.0197, "6E": 0.0396,
           "6I": 0.2252},
    "6I": {"23E": 0.0364, "23I": 0.001, "4E": 0.0034, "4I": 0.0005, "5E": 0.0277, "5I": 0.008, "6E": 0.0658,
           "6I": 0.1443}}

# External (Poisson background) in-degree of each population, and the background rate
EXTERNAL_INDEGREE = {"23E": 1600, "23I": 1500, "4E": 2100, "4I": 1900, "5E": 2000, "5I": 1900, "6E": 2900,
                     "6I": 2100}
BACKGROUND_RATE_HZ = 8.0

# Full-scale mean rates (Hz), used to compute the DC input that compensates down-scaling
MEAN_FIRING_RATES_HZ = {"23E": 0.971, "23I": 2.868, "4E": 4.746, "4I": 5.396, "5E": 8.142, "5I": 9.078,
                        "6E": 0.991, "6I": 7.523}

# Neurons (LIF, exponential current synapses)
NEURON_PARAMS = {"C": 0.25, "TauM": 10.0, "Vrest": -65.0, "Vreset": -65.0, "Vthresh": -50.0, "TauRefrac": 2.0}
TAU_SYN_MS = 0.5
V_INIT_MEAN_MV, V_INIT_SD_MV = -58.0, 5.0

# Synapses
MEAN_WEIGHT_NA = 0.0878
EXTERNAL_WEIGHT_NA = 0.0878
RELATIVE_WEIGHT_SD = 0.1
L4E_L23E_WEIGHT_FACTOR, L4E_L23E_RELATIVE_WEIGHT_SD = 2.0, 0.05
INHIBITORY_G = -4.0
DELAY_MEAN_MS = {"E": 1.5, "I": 0.75}
DELAY_SD_MS = {"E": 0.75, "I": 0.375}
NORMAL_QUANTILE_0_9999 = 3.719016485455709  # delays are clipped at mean + this many sd

# Rates are measured after this initial transient (runs longer than twice it)
DISCARD_MS = 200.0


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------
def population_names():
    return [layer + pop for layer in LAYER_NAMES for pop in POPULATION_NAMES]


def full_num_neurons(name):
    return NUM_NEURONS[name[:-1]][name[-1]]


def full_num_synapses(src, trg):
    """Synapses from src to trg (multapses allowed) giving CONNECTION_PROBABILITY of at least one."""
    p = CONNECTION_PROBABILITY[trg][src]
    if p == 0.0:
        return 0
    n_src, n_trg = full_num_neurons(src), full_num_neurons(trg)
    return int(round(math.log(1.0 - p) / math.log(1.0 - 1.0 / (n_src * n_trg))))


def full_indegree(src, trg):
    return full_num_synapses(src, trg) / full_num_neurons(trg)


def mean_weight(src, trg):
    """Full-scale mean weight (nA) and relative standard deviation of src -> trg synapses."""
    if src.endswith("I"):
        return MEAN_WEIGHT_NA * INHIBITORY_G, RELATIVE_WEIGHT_SD
    if src == "4E" and trg == "23E":
        return MEAN_WEIGHT_NA * L4E_L23E_WEIGHT_FACTOR, L4E_L23E_RELATIVE_WEIGHT_SD
    return MEAN_WEIGHT_NA, RELATIVE_WEIGHT_SD


def dc_input(trg, connectivity_scale):
    """DC (nA) restoring the mean input a population loses when in-degrees are scaled by k and
    weights by 1/sqrt(k): (1 - sqrt(k)) of the full-scale mean input."""
    mean_input = sum(full_indegree(src, trg) * mean_weight(src, trg)[0] * MEAN_FIRING_RATES_HZ[src] / 1000.0
                     for src in population_names())
    mean_input += EXTERNAL_INDEGREE[trg] * EXTERNAL_WEIGHT_NA * BACKGROUND_RATE_HZ / 1000.0
    return (1.0 - math.sqrt(connectivity_scale)) * TAU_SYN_MS * mean_input


# ----------------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------------
parser = ArgumentParser(description="Potjans & Diesmann (2014) microcircuit, written for PyGeNN 5")
parser.add_argument("--duration", type=float, default=1000.0, help="biological time to simulate (ms)")
parser.add_argument("--neuron-scale", type=float, default=0.1)
parser.add_argument("--connectivity-scale", type=float, default=0.1)
parser.add_argument("--seed", type=int, default=1234)
parser.add_argument("--backend", default=None, help="GeNN backend (default: the best one present)")
parser.add_argument("--build-dir", default="./", help="where the model's code is generated")
parser.add_argument("--kernel-profiling", action="store_true", help="measure and print kernel times")
parser.add_argument("--save-data", action="store_true", help="write each population's spikes to <pop>_spikes.csv")
parser.add_argument("--rates-json", default=None, help="write the mean rate of each population (Hz) to this file")
args = parser.parse_args()

connectivity_scale = args.connectivity_scale
weight_scale = 1.0 / math.sqrt(connectivity_scale)

# ----------------------------------------------------------------------------
# Network
# ----------------------------------------------------------------------------
model = GeNNModel("float", "potjans_microcircuit", backend=args.backend)
model.dt = DT_MS
model.seed = args.seed
model.fuse_postsynaptic_models = True
model.default_narrow_sparse_ind_enabled = True
model.timing_enabled = args.kernel_profiling

populations = {}
for name in population_names():
    num = max(1, int(round(full_num_neurons(name) * args.neuron_scale)))
    params = dict(NEURON_PARAMS, Ioffset=dc_input(name, connectivity_scale))
    pop = model.add_neuron_population(name, num, "LIF", params,
                                      {"V": init_var("Normal", {"mean": V_INIT_MEAN_MV, "sd": V_INIT_SD_MV}),
                                       "RefracTime": 0.0})
    pop.spike_recording_enabled = True
    populations[name] = pop

    # Poisson background input, delivered as an exponentially filtered current
    model.add_current_source(f"{name}_poisson", "PoissonExp", pop,
                             {"weight": EXTERNAL_WEIGHT_NA * weight_scale, "tauSyn": TAU_SYN_MS,
                              "rate": BACKGROUND_RATE_HZ * EXTERNAL_INDEGREE[name] * connectivity_scale},
                             {"current": 0.0})

max_float = float(np.finfo(np.float32).max)
total_synapses = 0
for trg in population_names():
    for src in population_names():
        num = int(round(connectivity_scale * full_indegree(src, trg) * populations[trg].num_neurons))
        if num == 0:
            continue
        total_synapses += num
        w, rel_sd = mean_weight(src, trg)
        w *= weight_scale
        weight = init_var("NormalClipped", {"mean": w, "sd": abs(w) * rel_sd,
                                            "min": 0.0 if w >= 0.0 else -max_float,
                                            "max": max_float if w >= 0.0 else 0.0})
        kind = src[-1]
        max_delay_ms = DELAY_MEAN_MS[kind] + DELAY_SD_MS[kind] * NORMAL_QUANTILE_0_9999
        delay = init_var("NormalClippedDelay", {"mean": DELAY_MEAN_MS[kind], "sd": DELAY_SD_MS[kind],
                                                "min": DT_MS, "max": max_delay_ms})
        syn = model.add_synapse_population(
            f"{src}_{trg}", "SPARSE", populations[src], populations[trg],
            init_weight_update("StaticPulseDendriticDelay", {}, {"g": weight, "d": delay}),
            init_postsynaptic("ExpCurr", {"tau": TAU_SYN_MS}),
            init_sparse_connectivity("FixedNumberTotalWithReplacement", {"num": num}))
        syn.max_dendritic_delay_timesteps = int(math.ceil(max_delay_ms / DT_MS)) + 1

print(f"{model.num_neurons} neurons, {total_synapses} synapses")

# ----------------------------------------------------------------------------
# Simulation
# ----------------------------------------------------------------------------
duration_timesteps = int(round(args.duration / DT_MS))
start = perf_counter()
model.build(args.build_dir)
model.load(num_recording_timesteps=duration_timesteps)
build_load_s = perf_counter() - start

start = perf_counter()
ten_percent = max(1, duration_timesteps // 10)
while model.timestep < duration_timesteps:
    model.step_time()
    if model.timestep % ten_percent == 0:
        print(f"{100 * model.timestep // duration_timesteps}%")
sim_s = perf_counter() - start
print(f"Build and load {build_load_s:.2f} s, simulation {sim_s:.2f} s")

if args.kernel_profiling:
    print(f"Init: {model.init_time:.3f} s, sparse init: {model.init_sparse_time:.3f} s, "
          f"neuron update: {model.neuron_update_time:.3f} s, "
          f"presynaptic update: {model.presynaptic_update_time:.3f} s")

model.pull_recording_buffers_from_device()
discard = DISCARD_MS if args.duration > 2.0 * DISCARD_MS else 0.0
rates = {}
for name, pop in populations.items():
    spike_times, spike_ids = pop.spike_recording_data[0]
    counted = np.count_nonzero(spike_times >= discard)
    rates[name] = counted / (pop.num_neurons * (args.duration - discard) / 1000.0)
    print(f"{name}: {rates[name]:.2f} Hz")
    if args.save_data:
        np.savetxt(f"{name}_spikes.csv", np.column_stack([spike_times, spike_ids]), delimiter=",",
                   fmt=("%f", "%d"), header="Times [ms], Neuron ID")

if args.rates_json:
    with open(args.rates_json, "w") as f:
        json.dump(rates, f, indent=1)

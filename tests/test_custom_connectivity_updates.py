"""Custom connectivity updates: rows of a SPARSE synapse group changed by ``row_update_code``
(``for_each_synapse``, ``remove_synapse()``, ``add_synapse(...)``) and by host code, with every
per-synapse variable of the group's synapses kept with its synapse, and the column structure of
postsynaptic learning rebuilt, so that spikes propagate and learning goes on over the new
synapses.  Expected numbers come from a Python reimplementation of the network and the rows'
updates; the errors are those of references and code that make no sense."""
import numpy as np
import pytest

from pygenn_cl import (CodeError, CustomUpdateVarAccess, VarAccessMode, create_custom_connectivity_update_model,
                       create_custom_update_model, create_egp_ref, create_neuron_model, create_post_var_ref,
                       create_pre_var_ref, create_var_ref, create_weight_update_model, create_wu_var_ref,
                       init_postsynaptic, init_weight_update)
from pygenn_cl.errors import SimulationError

N_PRE, N_POST, STRIDE = 8, 6, 6
PRE = create_neuron_model("pre", vars=[("c", "int"), ("k", "int")], sim_code="c += 1;",
                          threshold_condition_code="(c % 3) == (id % 3)", extra_global_params=[("limits", "scalar*")])
POST = create_neuron_model("post", vars=[("c", "int"), ("m", "int"), ("acc", "scalar")],
                           sim_code="c += 1; acc += Isyn;", threshold_condition_code="(c % 4) == (id % 4)")
LEARN = create_weight_update_model("learn", vars=[("g", "scalar")], pre_spike_syn_code="addToPost(g);",
                                   post_spike_syn_code="g += 0.25;")
DOUBLE = create_custom_update_model("double", vars=[("c2", "scalar")], var_refs=[("g", "scalar")],
                                    update_code="c2 = g * 2.0;")
REWIRE = create_custom_connectivity_update_model(
    "rewire", params=["offset"], derived_params=[("margin", lambda p, dt: 2.0 * p["offset"])],
    vars=[("a", "scalar")], pre_vars=[("removed", "int")], post_vars=[("mask", "int")],
    var_refs=[("g", "scalar")], pre_var_refs=[("kpre", "int", VarAccessMode.READ_ONLY)],
    post_var_refs=[("mpost", "int", VarAccessMode.READ_ONLY)], extra_global_param_refs=[("limits", "scalar*")],
    row_update_code="""
        for_each_synapse {
            if (g > limits[id_pre] + margin || (mpost == 1 && mask == 1)) {
                removed += 1;
                remove_synapse();
            }
        }
        if (row_length < 4) {
            add_synapse((kpre + 1) % num_post, 0.5 * id_pre, 1.0 + id_pre);
        }
        """)


def _host_fix(ccu):
    """Host code: append a synapse to post 0 with g = 5 to the last row, if it has room (the other
    variables of the group's synapses, the rewiring's "a" and the custom update's "c2", start at 0)."""
    sg = ccu.synapse_group
    ccu.pull_connectivity_from_device()
    row = N_PRE - 1
    length = ccu.get_row_length(row)
    if length < ccu.row_stride:
        ccu.ind[row, length] = 0
        for var, value in ((sg.vars["g"], 5.0), (sg._model.custom_connectivity_updates["rewire"].vars["a"], 0.0),
                           (sg._model.custom_updates["double"].vars["c2"], 0.0)):
            var.pull_from_device()
            var.view.reshape(N_PRE, -1)[row, length] = value
            var.push_to_device()
        ccu.row_length[row] = length + 1
        ccu.push_connectivity_to_device()


HOST = create_custom_connectivity_update_model("host", host_update_code=_host_fix)
FILL = create_custom_connectivity_update_model(
    "fill", row_update_code="for (int n = 0; n < 7; n++) { add_synapse(id_pre % num_post); }")


class Reference:
    """The network in Python: rows of [post, g, c2, a] in the order the device keeps them."""

    def __init__(self, pre, post, g):
        self.rows = [[] for _ in range(N_PRE)]
        for i, j, w in zip(pre, post, g):
            self.rows[i].append([int(j), float(w), 0.0, 1.0])
        self.acc = np.zeros(N_POST)
        self.step = 0
        self.removed = np.zeros(N_PRE, int)

    def run(self, steps):
        for _ in range(steps):
            k = self.step
            isyn = np.zeros(N_POST)
            if k >= 1:
                for i in np.flatnonzero((k % 3) == np.arange(N_PRE) % 3):       # spiked in step k - 1
                    for syn in self.rows[i]:
                        isyn[syn[0]] += syn[1]
                for j in np.flatnonzero((k % 4) == np.arange(N_POST) % 4):
                    for row in self.rows:
                        for syn in row:
                            if syn[0] == j:
                                syn[1] += 0.25
            self.acc += isyn
            self.step += 1

    def rewire(self, limits, mask, m):
        for i, row in enumerate(self.rows):
            j = 0
            while j < len(row):    # remove_synapse(): the last synapse takes this one's place
                if row[j][1] > limits[i] or (m[row[j][0]] == 1 and mask[row[j][0]] == 1):
                    self.removed[i] += 1
                    row[j] = row[-1]
                    row.pop()
                else:
                    j += 1
            if len(row) < 4:
                row.append([(2 * i + 1) % N_POST, 1.0 + i, 0.0, 0.5 * i])


def _check_rows(sg, ccu, cu, ref):
    sg.pull_connectivity_from_device()
    for var in (sg.vars["g"], ccu.vars["a"], cu.vars["c2"]):
        var.pull_from_device()
    pre, post = sg.get_sparse_pre_inds(), sg.get_sparse_post_inds()
    want = [(i, syn) for i, row in enumerate(ref.rows) for syn in row]
    np.testing.assert_array_equal(pre, [i for i, _ in want])
    np.testing.assert_array_equal(post, [syn[0] for _, syn in want])
    np.testing.assert_array_equal(sg.vars["g"].values, [syn[1] for _, syn in want])
    np.testing.assert_array_equal(ccu.vars["a"].values, [syn[3] for _, syn in want])
    # (a custom update's variable over the synapses: moved with them, 0 for new ones)
    np.testing.assert_array_equal(cu.vars["c2"].values.reshape(N_PRE, -1)[sg._synapse_mask()],
                                  [syn[2] for _, syn in want])


def test_rewiring_then_propagation_and_learning(make_model, tmp_path):
    rng = np.random.default_rng(3)
    pre_ind = np.repeat(np.arange(N_PRE), 3)
    post_ind = rng.integers(0, N_POST, pre_ind.size)
    g0 = rng.integers(0, 12, pre_ind.size) * 0.25
    model = make_model("rewire", "double")
    model.dt = 1.0
    pre = model.add_neuron_population("pre", N_PRE, PRE, {}, {"c": 0, "k": 2 * np.arange(N_PRE)})
    m = np.arange(N_POST) % 2
    post = model.add_neuron_population("post", N_POST, POST, {}, {"c": 0, "m": m, "acc": 0.0})
    sg = model.add_synapse_population("syn", "SPARSE", pre, post, init_weight_update(LEARN, {}, {"g": g0}),
                                      init_postsynaptic("DeltaCurr"))
    sg.set_sparse_connections(pre_ind, post_ind)
    sg.max_connections = STRIDE
    sg.max_source_connections = N_PRE * STRIDE
    # in the rewiring's update group: it runs first
    cu = model.add_custom_update("double", "Rewire", DOUBLE, {}, {"c2": 0.0}, {"g": create_wu_var_ref(sg, "g")})
    mask = np.array([1, 1, 0, 1, 0, 0])
    limits = 1.5 + 0.25 * np.arange(N_PRE)
    ccu = model.add_custom_connectivity_update(
        "rewire", "Rewire", sg, REWIRE, {"offset": 0.125}, {"a": 1.0}, {"removed": 0}, {"mask": mask},
        {"g": create_wu_var_ref(sg, "g")}, {"kpre": create_var_ref(pre, "k")}, {"mpost": create_var_ref(post, "m")},
        {"limits": create_egp_ref(pre, "limits")})
    pre.extra_global_params["limits"].set_init_values(limits - 0.25)
    model.add_custom_connectivity_update("host", "Host", sg, HOST)
    model.add_custom_connectivity_update("fill", "Fill", sg, FILL)
    # custom updates of the rewiring's variables: per synapse, and reduced over presynaptic neurons
    scale_a = create_custom_update_model("scale_a", var_refs=[("a", "scalar")], update_code="a *= 2.0;")
    model.add_custom_update("scale_a", "Scale", scale_a, {}, {}, {"a": create_wu_var_ref(ccu, "a")})
    total = model.add_custom_update("total", "Scale", create_custom_update_model(
        "total", vars=[("n", "int", CustomUpdateVarAccess.REDUCE_NEURON_SUM)],
        var_refs=[("r", "int", VarAccessMode.READ_ONLY)], update_code="n = r;"),
        {}, {"n": 0}, {"r": create_pre_var_ref(ccu, "removed")})
    model.build(path_to_model=str(tmp_path))
    model.load()
    ref = Reference(pre_ind, post_ind, g0)

    model.run_steps(10)
    ref.run(10)
    model.custom_update("Rewire")
    for row in ref.rows:
        for syn in row:
            syn[2] = 2.0 * syn[1]
    ref.rewire(limits, mask, m)
    _check_rows(sg, ccu, cu, ref)
    ccu.pre_vars["removed"].pull_from_device()
    np.testing.assert_array_equal(ccu.pre_vars["removed"].values, ref.removed)
    model.custom_update("Scale")
    for row in ref.rows:
        for syn in row:
            syn[3] *= 2.0
    total.vars["n"].pull_from_device()
    assert total.vars["n"].values[0] == ref.removed.sum()
    assert 0 < ref.removed.sum() < pre_ind.size and all(len(row) > 0 for row in ref.rows)

    model.run_steps(9)          # spikes propagate over, and learning changes, the new synapses
    ref.run(9)
    _check_rows(sg, ccu, cu, ref)
    model.custom_update("Host")  # host code adds a synapse; the column structure follows
    ref.rows[-1].append([0, 5.0, 0.0, 0.0])
    model.run_steps(8)
    ref.run(8)
    _check_rows(sg, ccu, cu, ref)
    post.vars["acc"].pull_from_device()
    np.testing.assert_array_equal(post.vars["acc"].values, ref.acc)

    # connectivity given after load(): its column structure is rebuilt too
    new_pre = np.repeat(np.arange(N_PRE), 2)
    new_post = (new_pre * 3 + np.tile([0, 1], N_PRE)) % N_POST
    sg.set_sparse_connections(new_pre, new_post)
    sg.vars["g"].values = np.arange(new_pre.size) * 0.5
    sg.vars["g"].push_to_device()
    ref.rows = [[[int(j), 0.5 * n, 0.0, 0.0] for n, j in zip(np.flatnonzero(new_pre == i), new_post[new_pre == i])]
                for i in range(N_PRE)]
    model.run_steps(8)
    ref.run(8)
    sg.vars["g"].pull_from_device()
    np.testing.assert_array_equal(sg.vars["g"].values, [syn[1] for row in ref.rows for syn in row])
    post.vars["acc"].pull_from_device()
    np.testing.assert_array_equal(post.vars["acc"].values, ref.acc)

    # adding to a full row is an error, not a write past the row
    with pytest.raises(SimulationError, match="add_synapse.*row 0 of synapse population 'syn'.*max_connections = 6"):
        model.custom_update("Fill")
        sg.pull_connectivity_from_device()


@pytest.mark.backend_independent
def test_errors(make_model, tmp_path):
    """References and code that make no sense are refused, naming the group and what is wrong."""
    holder = create_neuron_model("holder", vars=[("V", "scalar")])
    model = make_model("ccu_errors")
    a = model.add_neuron_population("a", 4, holder, {}, {"V": 0.0})
    b = model.add_neuron_population("b", 5, holder, {}, {"V": 0.0})
    sparse = model.add_synapse_population("sparse", "SPARSE", a, b, init_weight_update("StaticPulse", {}, {"g": 1.0}),
                                          init_postsynaptic("DeltaCurr"))
    dense = model.add_synapse_population("dense", "DENSE", a, b, init_weight_update("StaticPulse", {}, {"g": 1.0}),
                                         init_postsynaptic("DeltaCurr"))
    refs = create_custom_connectivity_update_model("refs", var_refs=[("g", "scalar")],
                                                   pre_var_refs=[("v", "scalar")], row_update_code="")
    with pytest.raises(ValueError, match="custom connectivity update 'c1'.*SPARSE.*'dense' is DENSE"):
        model.add_custom_connectivity_update("c1", "G", dense, refs, var_refs={"g": create_wu_var_ref(dense, "g")},
                                             pre_var_refs={"v": create_var_ref(a, "V")})
    with pytest.raises(ValueError, match="variable reference 'g' must point at a variable of one value per element "
                                         "of the synapses of synapse population 'sparse'"):
        model.add_custom_connectivity_update("c2", "G", sparse, refs, var_refs={"g": create_wu_var_ref(dense, "g")},
                                             pre_var_refs={"v": create_var_ref(a, "V")})
    with pytest.raises(ValueError, match="presynaptic variable reference 'v'.*the 4 neurons of neuron population 'a'"):
        model.add_custom_connectivity_update("c3", "G", sparse, refs, var_refs={"g": create_wu_var_ref(sparse, "g")},
                                             pre_var_refs={"v": create_var_ref(b, "V")})
    with pytest.raises(NotImplementedError, match="host_update_code is C\\+\\+ in PyGeNN.*Python function"):
        create_custom_connectivity_update_model("host", host_update_code="pushgToDevice();")
    with pytest.raises(TypeError, match="create_pre_var_ref: expected a custom connectivity update"):
        create_pre_var_ref(sparse, "g")
    ccu = model.add_custom_connectivity_update(
        "ok", "G", sparse, create_custom_connectivity_update_model("pv", pre_vars=[("p", "scalar")],
                                                                   post_vars=[("q", "int")], row_update_code=""),
        pre_vars={"p": 0.0}, post_vars={"q": 0})
    assert create_pre_var_ref(ccu, "p").array_name() == "ok.pre.p" and create_post_var_ref(ccu, "q").kind == "ccu_post"
    with pytest.raises(ValueError, match="custom connectivity update 'ok' of update group 'G' already changes "
                                         "synapse population 'sparse'"):
        model.add_custom_connectivity_update("again", "G", sparse, create_custom_connectivity_update_model("e"))
    # weight update models: pre/post references by name, and to the postsynaptic model's variables
    wu = create_weight_update_model("wu", vars=[("g", "scalar")], pre_neuron_var_refs=[("x", "scalar")],
                                    psm_var_refs=[("u", "scalar")], pre_spike_syn_code="addToPost(g * x);")
    with pytest.raises(ValueError, match="variable reference 'x' names 'W', but neuron population 'a' has no such"):
        model.add_synapse_population("s1", "DENSE", a, b,
                                     init_weight_update(wu, {}, {"g": 1.0}, pre_var_refs={"x": "W"},
                                                        psm_var_refs={"u": "u"}),
                                     init_postsynaptic("DeltaCurr"))
    with pytest.raises(ValueError, match="reference 'u' was not given and the postsynaptic model of synapse population "
                                         "'s2' has no variable of that name"):
        model.add_synapse_population("s2", "DENSE", a, b,
                                     init_weight_update(wu, {}, {"g": 1.0}, pre_var_refs={"x": "V"}),
                                     init_postsynaptic("DeltaCurr"))
    # custom updates: neuron reductions only over neurons; one shared value is read, not written, per element
    reduce = create_custom_update_model("reduce", vars=[("s", "scalar", pg_access("REDUCE_NEURON_SUM"))],
                                        var_refs=[("g", "scalar")], update_code="s = g;")
    with pytest.raises(ValueError, match="variable 's' reduces over neurons, but the update runs over the synapses"):
        model.add_custom_update("r1", "R", reduce, {}, {"s": 0.0}, {"g": create_wu_var_ref(dense, "g")})
    total = model.add_custom_update("total", "R", create_custom_update_model(
        "total", vars=[("s", "scalar", pg_access("REDUCE_NEURON_SUM"))], var_refs=[("v", "scalar")],
        update_code="s = v;"), {}, {"s": 0.0}, {"v": create_var_ref(a, "V")})
    writes = create_custom_update_model("writes", var_refs=[("v", "scalar"), ("s", "scalar")], update_code="s = v;")
    with pytest.raises(ValueError, match="'s' points to one value shared by all elements.*VarAccessMode.READ_ONLY"):
        model.add_custom_update("w1", "R", writes, {}, {},
                                {"v": create_var_ref(a, "V"), "s": create_var_ref(total, "s")})
    # code: the loop and its functions exist in row update code only; values from earlier steps are read only
    bad_rows = {"add_synapse(0, 1.0);": "'add_synapse' takes 1 argument",
                "remove_synapse();": "unknown function 'remove_synapse'",
                "for_each_synapse { for_each_synapse { } }": "'for_each_synapse' cannot be nested in another 'for_each_synapse'"}
    for code, message in bad_rows.items():
        broken = make_model("ccu_code")
        x = broken.add_neuron_population("x", 3, holder, {}, {"V": 0.0})
        s = broken.add_synapse_population("s", "SPARSE", x, x, init_weight_update("StaticPulse", {}, {"g": 1.0}),
                                          init_postsynaptic("DeltaCurr"))
        broken.add_custom_connectivity_update("c", "G", s, create_custom_connectivity_update_model(
            "m", row_update_code=code))
        with pytest.raises(CodeError, match=message):
            broken.build(path_to_model=str(tmp_path))


def pg_access(name):
    return getattr(CustomUpdateVarAccess, name)

"""Custom connectivity updates: code run on demand over the rows of a SPARSE synapse group that
removes and adds synapses (``row_update_code``), keeping every per-synapse variable of the
group's synapses with its synapse, and the column structure of postsynaptic learning up to date.

Element-level code for one row (``id_pre``); the templates supply the loop over rows (a thread
per row on SIMT targets, so each row is changed in the same order on every backend) and the
rebuilding of columns.
"""
from __future__ import annotations

from typing import List, Tuple

from .. import description as d
from .. import names, types
from ..ir import CustomConnectivityUpdateCode, GroupCode
from ..transpiler import BlockSpec, Environment, FunctionSpec
from .context import Context, literal, stream_id
from .custom_update import reference_array, reference_index
from .synapse import add_column_arrays, add_sparse_arrays


def per_synapse_arrays(ctx: Context, sg: d.SynapseGroup) -> List[Tuple[str, types.NumericType]]:
    """(array, type) of every per-synapse variable of ``sg``'s synapses: the weight update
    model's, those of custom updates over its synapses, and those of its custom connectivity
    updates."""
    out = [(v.array, v.type) for v in sg.wu.vars]
    out += [(v.array, v.type) for cu in ctx.desc.custom_updates if cu.synapse_group == sg.name
            for v in cu.model.vars if not v.shared]
    out += [(v.array, v.type) for ccu in ctx.desc.custom_connectivity_updates if ccu.synapse_group == sg.name
            for v in ccu.model.vars]
    return out


def custom_connectivity_update(ctx: Context, ccu: d.CustomConnectivityUpdate) -> GroupCode:
    """One row's update: ``row_update_code`` with ``for_each_synapse``, ``remove_synapse()`` and
    ``add_synapse(id_post, values...)``."""
    sg = ctx.desc.synapse_group(ccu.synapse_group)
    model = ccu.model
    code = GroupCode(ccu.name)
    env = Environment(ctx.base_env())
    env.add_variable("t", ctx.time_type, printed="t")
    env.add_variable("id_pre", types.Uint32, printed="id_pre")
    num_pre = code.value("num_pre", sg.num_pre, types.Uint32)
    num_post = code.value("num_post", sg.num_post, types.Uint32)
    stride = code.value("row_stride", sg.max_connections, types.Uint32)
    for name, printed in (("num_pre", num_pre), ("num_post", num_post), ("row_stride", stride),
                          ("row_length", "_rl")):
        env.add_variable(name, types.Uint32, printed=printed)
    ctx.add_model_params(env, code, "p_", model, ccu.name, "ccu")
    ctx.add_egps(env, code, "", model.egps)
    for ref in ccu.egp_refs:
        ctx.add_array(ref.array, ref.type, egp=True)
        env.add_variable(ref.name, types.PointerType(ref.type), read_only=False,
                         printed=code.array(f"egpref_{ref.name}", ref.array, ref.type),
                         index_printer=ctx.egp_index_printer(code, f"egpref_{ref.name}", ref.name, ref.array))
    add_sparse_arrays(ctx, code, sg)

    # presynaptic variables and references: the row's
    for var in ccu.pre_vars:
        ctx.add_array(var.array, var.type, sg.num_pre)
        arr = code.array(f"pv_{var.name}", var.array, var.type)
        env.add_variable(var.name, var.type, read_only=var.read_only, printed=f"{arr}[id_pre]")
    for ref in ccu.pre_refs:
        arr = code.array(f"preref_{ref.name}", reference_array(ctx, ref), ref.type)
        env.add_variable(ref.name, ref.type, read_only=ref.read_only,
                         printed=f"{arr}[{reference_index(ctx, code, ref, 'id_pre', sg.num_pre)}]")

    # per synapse: the update's variables and references, then every other per-synapse
    # variable of the group's synapses (moved with their synapse, 0 for new ones)
    synapse_env = Environment(env)
    synapse_env.add_variable("id_post", types.Uint32, printed="id_post")
    synapse_env.add_variable("id_syn", types.Uint32, printed="id_syn")
    moved: List[Tuple[str, types.NumericType]] = [("ind", sg.index_type)]
    values: List[Tuple[str, types.NumericType]] = []
    for var in model.vars:
        ctx.add_array(var.array, var.type, sg.num_synapses_allocated)
        key = f"v_{var.name}"
        code.array(key, var.array, var.type)
        synapse_env.add_variable(var.name, var.type, read_only=var.read_only, printed=f"_a_{key}[id_syn]")
        values.append((key, var.type))
    for ref in ccu.refs:
        key = f"ref_{ref.name}"
        ctx.add_array(ref.array, ref.type, sg.num_synapses_allocated)
        code.array(key, ref.array, ref.type)
        synapse_env.add_variable(ref.name, ref.type, read_only=ref.read_only, printed=f"_a_{key}[id_syn]")
        values.append((key, ref.type))
    moved += values
    taken = {code.arrays[key][0] for key, _ in values}
    zeroed = []
    for array, ctype in per_synapse_arrays(ctx, sg):
        if array not in taken:
            taken.add(array)
            ctx.add_array(array, ctype, sg.num_synapses_allocated)
            key = f"dep{len(zeroed)}"
            code.array(key, array, ctype)
            zeroed.append((key, ctype))
    moved += zeroed
    # postsynaptic variables and references: read-only here (rows are changed in parallel)
    for var in ccu.post_vars:
        ctx.add_array(var.array, var.type, sg.num_post)
        arr = code.array(f"qv_{var.name}", var.array, var.type)
        synapse_env.add_variable(var.name, var.type, printed=f"{arr}[id_post]")
    for ref in ccu.post_refs:
        arr = code.array(f"postref_{ref.name}", reference_array(ctx, ref), ref.type)
        synapse_env.add_variable(ref.name, ref.type,
                                 printed=f"{arr}[{reference_index(ctx, code, ref, 'id_post', sg.num_post)}]")

    # remove_synapse(): the row's last synapse moves into this one's place, and is visited next
    last = "_rs + _rl - 1u"
    moves = ", ".join(f"_a_{key}[id_syn] = _a_{key}[{last}]" for key, _ in moved)
    synapse_env.add_function("remove_synapse", FunctionSpec([], None, lambda a: f"{moves}, _rl--, _j--"))
    env.add_block("for_each_synapse", BlockSpec(
        synapse_env, "for (uint32_t _j = 0u; _j < _rl; _j++) {\n"
                     "    const uint32_t id_syn = _rs + _j;\n    const uint32_t id_post = _a_ind[id_syn];"))

    # add_synapse(id_post, value of each variable, then of each reference): appended to the row
    target = ctx.runtime_check(code, "add_synapse_check", f"{ccu.describe()}: add_synapse({{detail}}) was called, "
                               f"but {sg.describe()}'s postsynaptic population has {sg.num_post} neurons")
    full = ctx.runtime_check(code, "row_full_check", f"{ccu.describe()}: add_synapse() was called on row {{detail}} "
                             f"of {sg.describe()}, which already has max_connections = {sg.max_connections} "
                             "synapses; set max_connections higher before build()")

    def add_synapse(args) -> str:
        slot = "_rs + _rl"
        writes = [f"_a_ind[{slot}] = ({sg.index_type.name})genn_check_index((uint64_t)({args[0][0]}), {num_post}, "
                  f"GENN_ERRORS, {target})"]
        writes += [f"_a_{key}[{slot}] = {text}" for (key, _), (text, _) in zip(values, args[1:])]
        writes += [f"_a_{key}[{slot}] = {literal(0, ctype)}" for key, ctype in zeroed]
        return (f"(_rl < {stride}) ? (void)({', '.join(writes)}, _rl++) "
                f": genn_report_error(GENN_ERRORS, {full}, id_pre)")
    env.add_function("add_synapse", FunctionSpec([types.Uint32] + [ctype for _, ctype in values], None,
                                                 add_synapse))

    body = ctx.translate(model.section("row_update_code"), env, model.describe(), ccu.describe(), "row_update_code")
    stream = code.value("stream", stream_id(f"{names.group_key(ccu.name)}/update"), types.Uint32) \
        if ctx.uses_rng(body) else ""
    remap = sg.needs_columns
    if remap:
        add_column_arrays(ctx, code, sg)
        ctx.runtime_check(code, "remap_check", f"{sg.describe()}: after {ccu.describe()}, postsynaptic neuron "
                          f"{{detail}} has more synapses than max_source_connections = {sg.max_source_connections}; "
                          "set max_source_connections higher before build()")
    code.kernel = CustomConnectivityUpdateCode(body=body.text, rng_stream=stream, remap=remap)
    return code

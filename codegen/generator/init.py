"""Initialisation: variables from their snippets (per neuron or per synapse) and SPARSE
connectivity from its snippet (per row or per column)."""
from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from .. import description as d
from .. import names, types
from ..ir import ConnectivityInit, GroupCode, VarInit, VarInitialisation
from ..transpiler import Environment, FunctionSpec
from .context import Context, literal, stream_id
from .synapse import add_bitmask_array, add_sparse_arrays, kernel_index

#: (struct key, variable) of a variable to initialise.  Keys are built from positions
#: (``v<i>``, ``psm<i>_v<j>`` ...), never from group or variable names, so no two keys of
#: one group's code can be equal whatever the names.
InitEntry = Tuple[str, d.Var]


class InitGenerator:
    def __init__(self, ctx: Context):
        self.ctx = ctx

    def var_inits(self, code: GroupCode, env: Environment, group: str, entries: Sequence[InitEntry],
                  store: bool = True) -> List[VarInit]:
        """Variables initialised by their snippets (stored in array ``_a_<key>``; with ``store``
        False only computed, for procedural weights)."""
        ctx = self.ctx
        inits = []
        for key, var in entries:
            init = var.init
            if init is None:
                continue
            venv = Environment(env)
            for n, egp in enumerate(init.egps):
                ctx.add_array(egp.array, egp.type, egp=True)
                venv.add_variable(egp.name, types.PointerType(egp.type), read_only=True,
                                  printed=code.array(f"{key}_egp{n}", egp.array, egp.type),
                                  index_printer=ctx.egp_index_printer(code, f"{key}_egp{n}", egp.name, egp.array))
            venv.add_variable("value", var.type, read_only=False, printed="_value")
            for n, p in enumerate(init.params):
                venv.add_variable(p.name, p.type, printed=code.value(f"{key}_p{n}", p.value, p.type))
            t = ctx.translate(init.code, venv, init.describe(), f"{group} variable '{var.name}'", "var_init_code")
            if store:
                code.array(key, var.array, var.type)
            stream = code.value(f"{key}_stream", stream_id(f"{var.array}/init"), types.Uint32) \
                if ctx.uses_rng(t) else ""
            inits.append(VarInit(key, var.type.name, literal(0, var.type), t.text, stream))
        return inits

    def neuron_init(self, ng: d.NeuronGroup) -> Optional[GroupCode]:
        ctx = self.ctx
        code = GroupCode(ng.name)
        env = Environment(ctx.base_env())
        env.add_variable("id", types.Uint32, printed="id")
        env.add_variable("num_neurons", types.Uint32, printed=code.value("num_neurons", ng.size, types.Uint32))
        entries = [(f"v{j}", v) for j, v in enumerate(ng.model.vars)]
        for i, sg in enumerate(ctx.in_syn(ng)):
            entries += [(f"psm{i}_v{j}", v) for j, v in enumerate(sg.ps.vars)]
        for i, cs in enumerate(ctx.current_sources(ng)):
            entries += [(f"cs{i}_v{j}", v) for j, v in enumerate(cs.model.vars)]
        for i, sg in enumerate(ctx.out_syn(ng)):
            entries += [(f"wpre{i}_v{j}", v) for j, v in enumerate(sg.wu_pre_vars)]
        for i, sg in enumerate(ctx.in_syn(ng)):
            entries += [(f"wpost{i}_v{j}", v) for j, v in enumerate(sg.wu_post_vars)]
        for _, var in entries:
            ctx.add_array(var.array, var.type, ng.size)
        inits = self.var_inits(code, env, ng.describe(), entries)
        # spike times, and times of spike-like events this population emits, start at the
        # lowest time: "never" (the lowest finite value, so differences stay finite)
        times = []
        if ctx.needs_spike_times(ng):
            times += [(name, names.group_array(ng.name, name)) for name in ("st", "prev_st")]
        for side, groups in (("pre", ctx.out_syn(ng)), ("post", ctx.in_syn(ng))):
            for k, sg in enumerate(groups):
                if ctx.needs_event_times(sg, side):
                    times += [(f"{side}{k}_{name}", names.group_array(sg.name, f"{side}.{name}"))
                              for name in ("set", "prev_set")]
        for key, array in times:
            ctx.add_array(array, ctx.time_type, ng.size)
            code.array(key, array, ctx.time_type)
        if not inits and not times:
            return None
        delayed = tuple(key for key, (array, _) in code.arrays.items() if array in ctx.delayed)
        slots = row = ""
        if delayed:
            slots = code.value("num_delay_slots", ctx.delay_slots(ng), types.Uint32)
            row = code.value("num_neurons", ng.size, types.Uint32)
        code.kernel = VarInitialisation(tuple(inits), tuple(key for key, _ in times),
                                        literal(-ctx.time_type.max, ctx.time_type), delayed, slots, row)
        return code

    def synapse_init_env(self, code: GroupCode, sg: d.SynapseGroup) -> Environment:
        """Environment of a per-synapse variable's initialisation snippet: ``id_pre``, ``id_post``,
        ``id_syn``, the sizes and, with a kernel, ``id_kernel`` (SPARSE: the position each synapse's
        ``addSynapse`` kept in ``kernelInd``; PROCEDURAL: the one its ``addSynapse`` gives)."""
        env = Environment(self.ctx.base_env())
        for name in ("id_pre", "id_post", "id_syn"):
            env.add_variable(name, types.Uint32, printed=name)
        env.add_variable("num_pre", types.Uint32, printed=code.value("num_pre", sg.num_pre, types.Uint32))
        env.add_variable("num_post", types.Uint32, printed=code.value("num_post", sg.num_post, types.Uint32))
        conn = sg.connectivity
        if sg.connectivity_kind == "PROCEDURAL" and conn.kernel_indices:
            env.add_variable("id_kernel", types.Uint32, printed="id_kernel")
        elif conn is not None and conn.kernel_indices:
            env.add_variable("id_kernel", types.Uint32, printed="_a_kernelInd[id_syn]")
            code.array("kernelInd", names.group_array(sg.name, "kernelInd"), types.Uint32)
        return env

    def kernel_var_init(self, sg: d.SynapseGroup) -> Optional[GroupCode]:
        """Variables of kernel weights (PROCEDURAL_KERNELG, TOEPLITZ), one element per kernel
        position ``id_kernel`` (random ones on the variable's initialisation stream, element
        ``id_kernel``)."""
        if sg.weights != "KERNEL":
            return None
        ctx = self.ctx
        code = GroupCode(sg.name)
        env = Environment(ctx.base_env())
        env.add_variable("id_kernel", types.Uint32, printed="id_kernel")
        size = sg.connectivity.kernel_elements
        for var in sg.wu.vars:
            ctx.add_array(var.array, var.type, size)
        inits = self.var_inits(code, env, sg.describe(), [(f"v{j}", v) for j, v in enumerate(sg.wu.vars)])
        if not inits:
            return None
        code.value("kernel_size", size, types.Uint32)
        code.kernel = VarInitialisation(tuple(inits))
        return code

    def _per_synapse_init(self, code: GroupCode, sg: d.SynapseGroup, inits: list) -> Optional[GroupCode]:
        """Finish the initialisation of per-synapse variables over ``sg``'s synapses (None if
        none needs initialising): their row stride and, for SPARSE, the rows they follow."""
        if not inits:
            return None
        code.value("row_stride", sg.max_connections, types.Uint32)
        if sg.sparse:
            add_sparse_arrays(self.ctx, code, sg)
        code.kernel = VarInitialisation(tuple(inits))
        return code

    def synapse_var_init(self, sg: d.SynapseGroup) -> Optional[GroupCode]:
        ctx = self.ctx
        code = GroupCode(sg.name)
        env = self.synapse_init_env(code, sg)
        entries = [(f"v{j}", v) for j, v in enumerate(sg.wu.vars)]
        for var in sg.wu.vars:
            ctx.add_array(var.array, var.type, sg.num_synapses_allocated)
        inits = self.var_inits(code, env, sg.describe(), entries)
        return self._per_synapse_init(code, sg, inits)

    def element_var_init(self, group: str, describe: str, variables: Sequence[d.Var], size: int
                         ) -> Optional[GroupCode]:
        """``neuron_init`` of variables that are not a population's (a custom update's, or a custom
        connectivity update's pre- or postsynaptic variables): ``size`` elements."""
        ctx = self.ctx
        code = GroupCode(group)
        env = Environment(ctx.base_env())
        env.add_variable("id", types.Uint32, printed="id")
        env.add_variable("num_neurons", types.Uint32, printed=code.value("num_neurons", size, types.Uint32))
        inits = self.var_inits(code, env, describe, [(f"v{j}", v) for j, v in enumerate(variables)])
        if not inits:
            return None
        code.kernel = VarInitialisation(tuple(inits))
        return code

    def per_synapse_var_init(self, group: str, describe: str, variables: Sequence[d.Var], sg: d.SynapseGroup
                             ) -> Optional[GroupCode]:
        """``dense_init`` or ``sparse_init`` of per-synapse variables that are not the synapse
        group's own (a custom update's over its synapses, a custom connectivity update's)."""
        ctx = self.ctx
        code = GroupCode(group)
        env = Environment(ctx.base_env())
        for name in ("id_pre", "id_post", "id_syn"):
            env.add_variable(name, types.Uint32, printed=name)
        env.add_variable("num_pre", types.Uint32, printed=code.value("num_pre", sg.num_pre, types.Uint32))
        env.add_variable("num_post", types.Uint32, printed=code.value("num_post", sg.num_post, types.Uint32))
        inits = self.var_inits(code, env, describe, [(f"v{j}", v) for j, v in enumerate(variables)])
        return self._per_synapse_init(code, sg, inits)

    def custom_update_var_init(self, cu: d.CustomUpdate) -> List[Tuple[str, GroupCode]]:
        """(family, code) of the initialisation of a custom update's variables: shared ones (one
        value), then those of each element (neuron or synapse)."""
        out = []
        shared = [v for v in cu.model.vars if v.shared]
        element = [v for v in cu.model.vars if not v.shared]
        if shared:
            out.append(("neuron_init", self.element_var_init(cu.name, cu.describe(), shared, 1)))
        if cu.synapse_group is None:
            out.append(("neuron_init", self.element_var_init(cu.name, cu.describe(), element, cu.num_neurons)))
        else:
            sg = self.ctx.desc.synapse_group(cu.synapse_group)
            out.append(("sparse_init" if sg.sparse else "dense_init",
                        self.per_synapse_var_init(cu.name, cu.describe(), element, sg)))
        return [(family, code) for family, code in out if code is not None]

    def custom_connectivity_update_var_init(self, ccu: d.CustomConnectivityUpdate) -> List[Tuple[str, GroupCode]]:
        """(family, code) of the initialisation of a custom connectivity update's variables: per
        presynaptic neuron, per postsynaptic neuron and per synapse."""
        sg = self.ctx.desc.synapse_group(ccu.synapse_group)
        out = [("neuron_init", self.element_var_init(ccu.name, ccu.describe(), ccu.pre_vars, sg.num_pre)),
               ("neuron_init", self.element_var_init(ccu.name, ccu.describe(), ccu.post_vars, sg.num_post)),
               ("sparse_init", self.per_synapse_var_init(ccu.name, ccu.describe(), ccu.model.vars, sg))]
        return [(family, code) for family, code in out if code is not None]

    def connectivity_init(self, sg: d.SynapseGroup) -> Optional[GroupCode]:
        """SPARSE connectivity (rows or columns), BITMASK connectivity (rows), or the multinomial
        row lengths that PROCEDURAL rows read (FixedNumberTotalWithReplacement)."""
        ctx = self.ctx
        conn = sg.connectivity
        if conn is None or not conn.builds or sg.connectivity_kind not in ("SPARSE", "BITMASK", "PROCEDURAL"):
            return None
        if sg.connectivity_kind == "PROCEDURAL":
            return self.multinomial_only(sg)
        code = GroupCode(sg.name)
        by_row = bool(conn.row_build_code)
        env = Environment(ctx.base_env())
        env.add_variable("id_pre" if by_row else "id_post", types.Uint32, printed="id_pre" if by_row else "id_post")
        env.add_variable("num_pre", types.Uint32, printed=code.value("num_pre", sg.num_pre, types.Uint32))
        env.add_variable("num_post", types.Uint32, printed=code.value("num_post", sg.num_post, types.Uint32))
        env.add_variable("id_post_begin", types.Uint32, printed="0u")
        env.add_variable("id_pre_begin", types.Uint32, printed="0u")
        env.add_variable("id_thread", types.Uint32, printed="0u")
        env.add_variable("num_threads", types.Uint32, printed="1u")
        ctx.add_egps(env, code, "c_", conn.egps)
        for p in conn.params:
            env.add_variable(p.name, p.type, printed=code.value(f"c_{p.name}", p.value, p.type))
        bitmask = sg.connectivity_kind == "BITMASK"
        if bitmask:
            words = add_bitmask_array(ctx, code, sg)
        else:
            add_sparse_arrays(ctx, code, sg)
        stride = code.value("row_stride", sg.max_connections, types.Uint32)
        ind_type = sg.index_type.name if not bitmask else "uint32_t"
        # addSynapse() is printed as an expression (it may appear anywhere a call may);
        # its argument is evaluated exactly once, and checked to be a neuron of the population.
        other, size = ("postsynaptic", code.value("num_post", sg.num_post, types.Uint32)) if by_row \
            else ("presynaptic", code.value("num_pre", sg.num_pre, types.Uint32))
        check = ctx.runtime_check(code, "add_synapse_check", f"{sg.describe()}: {conn.describe()} called "
                                  "addSynapse({detail}), but the " + other + " population has "
                                  f"{sg.num_post if by_row else sg.num_pre} neurons", phase="init")

        def index(a):
            return f"genn_check_index((uint64_t)({a[0][0]}), {size}, GENN_ERRORS, {check})"
        if bitmask:
            # addSynapse(j[, k0, ...]) sets bit j % 32 of word j / 32 of the row (kernel positions unused)
            env.add_function("addSynapse", FunctionSpec(None, None, lambda a: (
                "(" + "".join(f"(void)({k}), " for k, _ in a[1:]) + f"_j = (uint32_t){index(a)}, "
                f"(void)(_a_gp[(uint64_t)id_pre * {words} + (_j >> 5)] |= (1u << (_j & 31u))))")))
        elif by_row and conn.kernel_indices:
            # addSynapse(j, k0, k1, ...) also keeps the synapse's position in the kernel,
            # id_kernel = ((k0 * K1 + k1) * K2 + k2) ..., for the variables initialised from it
            ctx.add_array(names.group_array(sg.name, "kernelInd"), types.Uint32, sg.num_synapses_allocated)
            code.array("kernelInd", names.group_array(sg.name, "kernelInd"), types.Uint32)
            sizes = [code.value(f"kernel_size{i}", k, types.Uint32) for i, k in enumerate(conn.kernel_size)]
            env.add_function("addSynapse", FunctionSpec(None, None, lambda a: (
                f"((_rl < {stride}) ? (void)(_a_kernelInd[(uint64_t)id_pre * {stride} + _rl] = "
                f"{kernel_index(a, sizes, conn.describe())}, "
                f"_a_ind[(uint64_t)id_pre * {stride} + _rl++] = ({ind_type}){index(a)}) : (void)(_overflow = 1u))")))
        elif by_row:
            env.add_function("addSynapse", FunctionSpec(None, None, lambda a: (
                f"((_rl < {stride}) ? (void)(_a_ind[(uint64_t)id_pre * {stride} + _rl++] = ({ind_type}){index(a)}) "
                f": (void)(_overflow = 1u))")))
        elif ctx.target.parallel:
            env.add_function("addSynapse", FunctionSpec(None, None, lambda a: (
                f"(_pre = (uint32_t){index(a)}, _r = genn_atomic_inc_u32(&_a_rowLength[_pre]), (_r < {stride}) "
                f"? (void)(_a_ind[(uint64_t)_pre * {stride} + _r] = ({ind_type})id_post) : (void)(_overflow = 1u))")))
        else:
            # sequential targets queue the synapses of columns and add them to their rows in
            # batches (c/init.mako): the same synapses in the same order
            env.add_function("addSynapse", FunctionSpec(None, None, lambda a: f"GENN_COLUMN_ADD((uint32_t){index(a)})"))
        total = multinomial_stream = ""
        if conn.multinomial_param:
            ctx.add_array(names.group_array(sg.name, "preCalcRowLength"), types.Uint32, sg.num_pre)
            code.array("preCalcRowLength", names.group_array(sg.name, "preCalcRowLength"), types.Uint32)
            env.add_variable("row_length", types.Uint32, printed="_a_preCalcRowLength[id_pre]")
            total = code.value("c_total", conn.param_values()[conn.multinomial_param], types.Uint32)
            multinomial_stream = code.value("multinomial_stream",
                                            stream_id(f"{names.group_key(sg.name)}/row_lengths"), types.Uint32)
        section = "row_build_code" if by_row else "col_build_code"
        t = ctx.translate(conn.row_build_code if by_row else conn.col_build_code, env, conn.describe(),
                          sg.describe(), section)
        stream = code.value("stream", stream_id(f"{names.group_key(sg.name)}/connectivity"), types.Uint32) \
            if ctx.uses_rng(t) else ""
        ctx.error_slot(code, sg.name, f"{sg.describe()}: {conn.describe()} made more synapses in a row than "
                                      f"max_connections = {sg.max_connections}; set max_connections higher "
                                      "before build()")
        code.kernel = ConnectivityInit(body=t.text, rng_stream=stream, by_row=by_row, multinomial_total=total,
                                       multinomial_stream=multinomial_stream, index_type=ind_type, bitmask=bitmask)
        return code

    def multinomial_only(self, sg: d.SynapseGroup) -> Optional[GroupCode]:
        """The row lengths of FixedNumberTotalWithReplacement for PROCEDURAL rows, drawn as SPARSE
        initialisation draws them (so the regenerated rows are SPARSE's)."""
        conn = sg.connectivity
        if not conn.multinomial_param:
            return None
        ctx = self.ctx
        code = GroupCode(sg.name)
        code.value("num_pre", sg.num_pre, types.Uint32)
        ctx.add_array(names.group_array(sg.name, "preCalcRowLength"), types.Uint32, sg.num_pre)
        code.array("preCalcRowLength", names.group_array(sg.name, "preCalcRowLength"), types.Uint32)
        total = code.value("c_total", conn.param_values()[conn.multinomial_param], types.Uint32)
        stream = code.value("multinomial_stream", stream_id(f"{names.group_key(sg.name)}/row_lengths"),
                            types.Uint32)
        code.kernel = ConnectivityInit(multinomial_total=total, multinomial_stream=stream, builds=False)
        return code

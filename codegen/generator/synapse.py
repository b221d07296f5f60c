"""Synapse updates: spike and spike-like event propagation (presynaptic update), learning on
postsynaptic spikes and events (postsynaptic update) and synapse dynamics.

Element-level code for one synapse (``id_pre``, ``id_post``, ``id_syn``); the templates
supply the loops over spikes, rows and columns.
"""
from __future__ import annotations

from typing import Optional

from .. import description as d
from .. import names, types
from ..arena import words_per_step
from ..ir import ConnectivityRemap, GroupCode, SynapseUpdate
from ..transpiler import BlockSpec, Environment, FunctionSpec, Translation
from .context import DELAYED_READ_CHECK, DENDRITIC_DELAY_CHECK, Context, literal, stream_id


def strategy(sg: d.SynapseGroup) -> str:
    """How spikes of ``sg`` are propagated on SIMT targets.

    ``dense_post``, ``bitmask_post``: a thread per postsynaptic neuron loops over spikes;
    ``sparse_post``: a thread per row position loops over spikes;
    ``bitmask_word`` (WORD_PACKED_BITMASK): a thread per 32-neuron word of the rows loops over spikes;
    ``*_pre``: ``num_threads_per_spike`` threads per spike loop over its row;
    ``procedural``: ``num_threads_per_spike`` threads per spike each regenerate the whole row (so
    every thread draws what one would) and run the code of every ``num_threads_per_spike``-th
    synapse;
    ``toeplitz``: a thread per diagonal loops over spikes.
    """
    kind = sg.connectivity_kind
    if kind == "PROCEDURAL":
        return "procedural"
    if kind == "TOEPLITZ":
        return "toeplitz"
    if kind == "BITMASK" and sg.parallelism == "WORD_PACKED_BITMASK":
        return "bitmask_word"
    kind = kind.lower()
    return f"{kind}_pre" if sg.parallelism == "PRESYNAPTIC" else f"{kind}_post"


def bitmask_words(num_post: int) -> int:
    """Words of a row of BITMASK connectivity."""
    return (num_post + 31) // 32


def add_bitmask_array(ctx: Context, code: GroupCode, sg: d.SynapseGroup) -> str:
    """BITMASK connectivity: ``num_pre`` rows of ``bitmask_words`` words (value key of their number)."""
    words = bitmask_words(sg.num_post)
    ctx.add_array(names.bitmask_array(sg.name), types.Uint32, sg.num_pre * words)
    code.array("gp", names.bitmask_array(sg.name), types.Uint32)
    return code.value("bitmask_words", words, types.Uint32)


def has_kernel_index(sg: d.SynapseGroup) -> bool:
    """Whether synapse code sees ``id_kernel``: kernel weights, or PROCEDURAL rows built with kernel
    positions (``addSynapse(j, k0, k1, ...)`` for variables initialised from a kernel)."""
    return sg.weights == "KERNEL" or (sg.connectivity_kind == "PROCEDURAL" and sg.connectivity.kernel_indices)


def kernel_index(args, sizes, snippet: str) -> str:
    """The flat kernel position of ``addSynapse(j, k0, k1, ...)``'s kernel indices:
    ``((k0 * K1 + k1) * K2 + k2) ...``, row-major as numpy flattens a kernel of shape ``(K0, K1, ...)``."""
    indices = [text for text, _ in args[1:]]
    if len(indices) != len(sizes):
        raise ValueError(f"{snippet}: addSynapse() gives {len(indices)} kernel indices for a kernel of "
                         f"{len(sizes)} dimensions (calc_kernel_size_func)")
    flat = f"(uint32_t)({indices[0]})"
    for index, size in zip(indices[1:], sizes[1:]):
        flat = f"({flat} * {size} + (uint32_t)({index}))"
    return flat



def add_sparse_arrays(ctx: Context, code: GroupCode, sg: d.SynapseGroup) -> None:
    from ..names import ind_array, row_length_array
    ctx.add_array(row_length_array(sg.name), types.Uint32, sg.num_pre)
    ctx.add_array(ind_array(sg.name), sg.index_type, sg.num_pre * sg.max_connections)
    code.array("rowLength", row_length_array(sg.name), types.Uint32)
    code.array("ind", ind_array(sg.name), sg.index_type)


def add_column_arrays(ctx: Context, code: GroupCode, sg: d.SynapseGroup) -> None:
    """Column structure of SPARSE connectivity: per postsynaptic neuron, its synapses' indices."""
    col_stride = sg.max_source_connections
    ctx.add_array(names.group_array(sg.name, "colLength"), types.Uint32, sg.num_post)
    ctx.add_array(names.group_array(sg.name, "remap"), types.Uint32, sg.num_post * col_stride)
    code.array("colLength", names.group_array(sg.name, "colLength"), types.Uint32)
    code.array("remap", names.group_array(sg.name, "remap"), types.Uint32)
    code.value("col_stride", col_stride, types.Uint32)


class SynapseUpdateGenerator:
    def __init__(self, ctx: Context):
        self.ctx = ctx

    def delay_offset(self, code: GroupCode, sg: d.SynapseGroup, side: str, delay: str = "") -> str:
        """Text of the offset of the delay slot that ``sg``'s code reads ``side``'s values from: the
        slot of the step ``1 + delay`` steps back (``delay`` the axonal or back-propagation
        delay, or ``delay`` more: a read ``name[d]``), times the population's size."""
        pop = self.ctx.src(sg) if side == "pre" else self.ctx.trg(sg)
        slots = code.value(f"{side}_slots", self.ctx.delay_slots(pop), types.Uint32)
        steps = code.value("axonal_delay", sg.axonal_delay, types.Uint32) if side == "pre" else \
            code.value("back_prop_delay", sg.back_prop_delay, types.Uint32)
        size = code.value("num_pre" if side == "pre" else "num_post", pop.size, types.Uint32)
        return f"(uint64_t)((timestep + {slots} - ((1u + {steps}{delay}) % {slots})) % {slots}) * {size}"

    @staticmethod
    def offsets(offsets, *translations: Optional[Translation]):
        """(local, text) of the delay-slot offsets ``offsets`` (name -> (local, text)) that the
        translations use."""
        used = set().union(*(t.referenced for t in translations if t is not None))
        return tuple(sorted({offsets[name] for name in used if name in offsets}))

    def weight_update_env(self, code: GroupCode, sg: d.SynapseGroup, exclusive: bool,
                          register_sum: bool = True, offsets=None) -> Environment:
        """Environment of per-synapse weight update code (spikes, events, learning, dynamics).

        ``exclusive``: each thread handles its own postsynaptic neurons: with ``register_sum``
        one, and ``addToPost`` sums into a register (``_lacc``) instead of using atomics;
        without, 32 of them (``bitmask_word``), and it adds to their input directly.  The thread
        owns those neurons' input (and dendritic-delay) elements only if no fused group shares them.

        Variables are ``[id_syn]`` of their arrays (INDIVIDUAL weights), ``[id_kernel]`` of
        kernel-sized ones (KERNEL weights, read-only), or locals that
        :meth:`procedural_vars` regenerates for each synapse (PROCEDURAL weights, read-only).

        ``offsets`` receives, for each name whose values are kept in delay slots, the local
        holding the offset of the slot it is read from and that local's text.
        """
        offsets = {} if offsets is None else offsets
        ctx = self.ctx
        owned = exclusive and not ctx.shares_input(sg)
        env = Environment(ctx.base_env())
        num_pre = code.value("num_pre", sg.num_pre, types.Uint32)
        num_post = code.value("num_post", sg.num_post, types.Uint32)
        code.value("row_stride", sg.max_connections, types.Uint32)
        ids = ("id_pre", "id_post") if sg.connectivity_kind == "TOEPLITZ" else ("id_pre", "id_post", "id_syn")
        for name, printed in tuple((i, i) for i in ids) + (("num_pre", num_pre), ("num_post", num_post)):
            env.add_variable(name, types.Uint32, printed=printed)
        if has_kernel_index(sg):
            env.add_variable("id_kernel", types.Uint32, printed="id_kernel")
        env.add_variable("t", ctx.time_type, printed="t")
        for j, var in enumerate(sg.wu.vars):
            if sg.weights == "PROCEDURAL":
                env.add_variable(var.name, var.type, read_only=True, printed=f"_pw_v{j}")
                continue
            ctx.add_array(var.array, var.type, sg.num_synapses_allocated)
            arr = code.array(f"v_{var.name}", var.array, var.type)
            if sg.weights == "KERNEL":   # one kernel element is every synapse's that shares it
                env.add_variable(var.name, var.type, read_only=True, printed=f"{arr}[id_kernel]")
            else:
                env.add_variable(var.name, var.type, read_only=var.read_only, printed=f"{arr}[id_syn]")
        ctx.add_model_params(env, code, "p_", sg.wu, sg.name, "wu")
        ctx.add_egps(env, code, "", sg.wu.egps)
        hetero = ctx.heterogeneous.get(sg.name, frozenset())
        local = {"pre": "_preOff", "post": "_postOff"}

        def value(name: str, ctype, array: str, key: str, side: str, read_only: bool, time: bool = False) -> None:
            """A pre- or postsynaptic value: read where the side's delay puts it (a value kept
            in delay slots), and at a delay of its own (``name[d]``) where the code does that."""
            arr = code.array(key, array, ctype)
            index = "id_pre" if side == "pre" else "id_post"
            if array not in ctx.delayed:
                env.add_variable(name, ctype, read_only=read_only, printed=f"{arr}[{index}]")
                return
            offsets[name] = (local[side], self.delay_offset(code, sg, side))
            printed = f"{arr}[{local[side]} + {index}]"
            steps = sg.axonal_delay if side == "pre" else sg.back_prop_delay
            if time and steps:  # spike (event) times arrive with the spikes: delayed, as they are
                printed = f"({printed} + {literal(steps * ctx.desc.dt, ctx.time_type)})"
            delay_printer = None
            if side == "post" and name in hetero:
                limit = code.value("max_dendritic_delay", sg.max_dendritic_delay, types.Uint32)
                slots = code.value("post_slots", ctx.delay_slots(ctx.trg(sg)), types.Uint32)
                b = code.value("back_prop_delay", sg.back_prop_delay, types.Uint32)
                n = code.value("num_post", sg.num_post, types.Uint32)
                delay_printer = (lambda d, arr=arr, limit=limit, slots=slots, b=b, n=n: (
                    f"{arr}[(uint64_t)genn_delay_slot(timestep, 1u + {b}, (uint32_t)({d}), {limit}, {slots}, "
                    f"GENN_ERRORS, {DELAYED_READ_CHECK}) * {n} + id_post]"))
            env.add_variable(name, ctype, read_only=True if delay_printer else read_only, printed=printed,
                             delay_printer=delay_printer)

        for refs, pop, side in ((sg.pre_refs, sg.src, "pre"), (sg.post_refs, sg.trg, "post")):
            for ref in refs:
                array = names.group_array(pop, ref.target)
                # (a value kept in delay slots is written by its neuron's update only)
                value(ref.name, ref.type, array, f"{side}ref_{ref.name}", side,
                      ref.read_only or array in ctx.delayed)
        # Pre/postsynaptic weight update variables are written by their neurons' code only.
        for variables, side, size in ((sg.wu_pre_vars, "pre", sg.num_pre), (sg.wu_post_vars, "post", sg.num_post)):
            for var in variables:
                ctx.add_array(var.array, var.type, size)
                value(var.name, var.type, var.array, f"w{side}_{var.name}", side, True)
        # the postsynaptic model's variables the weight update model references (psm_var_refs)
        for ref in sg.psm_refs:
            arr = code.array(f"psmref_{ref.name}", names.var_array(sg.name, ref.target, "psm."), ref.type)
            env.add_variable(ref.name, ref.type, read_only=ref.read_only, printed=f"{arr}[id_post]")
        for pop, suffix in ((ctx.src(sg), "pre"), (ctx.trg(sg), "post")):
            if ctx.needs_spike_times(pop):
                for name in ("st", "prev_st"):
                    value(f"{name}_{suffix}", ctx.time_type, names.group_array(pop.name, name), f"{name}_{suffix}",
                          suffix, True, time=True)
        for side, pop in (("pre", ctx.src(sg)), ("post", ctx.trg(sg))):
            if ctx.needs_event_times(sg, side):
                for suffix in ("set", "prev_set"):
                    array = names.group_array(sg.name, f"{side}.{suffix}")
                    ctx.add_array(array, ctx.time_type, pop.size)
                    key = "Set" if suffix == "set" else "PrevSet"
                    value(f"{suffix}_{side}", ctx.time_type, array, f"{side}{key}", side, True, time=True)
        scalar = ctx.scalar
        psm = ctx.psm_owner[sg.name]  # fused postsynaptic models share their owner's buffers
        ctx.add_array(names.group_array(psm, "outPost"), scalar, sg.num_post)
        out = code.array("outPost", names.group_array(psm, "outPost"), scalar)
        post_target = "_lacc" if exclusive and register_sum and ctx.target.parallel else f"{out}[id_post]"
        post_owned = exclusive if register_sum else owned
        env.add_function("addToPost", FunctionSpec(
            [scalar], None, lambda a: ctx.target.accumulate(post_target, a[0][0], scalar, post_owned).rstrip(";")))
        if ctx.uses_add_to_pre(sg):
            ctx.add_array(names.group_array(sg.name, "outPre"), scalar, sg.num_pre)
            out_pre = code.array("outPre", names.group_array(sg.name, "outPre"), scalar)
            env.add_function("addToPre", FunctionSpec(
                [scalar], None, lambda a: ctx.target.accumulate(f"{out_pre}[id_pre]", a[0][0], scalar).rstrip(";")))
        if ctx.uses_dendritic_delay(sg):
            ring = ctx.dendritic_ring_length(sg)
            max_d = code.value("max_dendritic_delay", ring, types.Uint32)
            ctx.add_array(names.group_array(psm, "denDelay"), scalar, ring * sg.num_post)
            dd = code.array("denDelay", names.group_array(psm, "denDelay"), scalar)
            # (a delay beyond the ring is reported: DENDRITIC_DELAY_CHECK, see Context.translate)
            env.add_function("addToPostDelay", FunctionSpec(
                [scalar, types.Uint32], None,
                lambda a: ctx.target.accumulate(
                    f"{dd}[genn_dendritic_row(timestep, {a[1][0]}, {max_d}, GENN_ERRORS, {DENDRITIC_DELAY_CHECK}) "
                    f"* {num_post} + id_post]", a[0][0], scalar, owned).rstrip(";")))
        if sg.sparse:
            add_sparse_arrays(ctx, code, sg)
        return env

    def synapse_rng(self, code: GroupCode, sg: d.SynapseGroup, purpose: str, *translations: Translation) -> str:
        """The RNG stream of per-synapse code that draws (element ``id_syn``), else ""."""
        return code.value("stream", stream_id(f"{names.group_key(sg.name)}/{purpose}"), types.Uint32) \
            if self.ctx.uses_rng(*translations) else ""

    def event_record_zeroing(self, code: GroupCode, sg: d.SynapseGroup, side: str) -> bool:
        """SIMT neuron kernels OR event bits into global memory, so the step's recording row is
        cleared earlier in the step, by the kernel that propagates those events."""
        from ..names import event_record_array
        pop = self.ctx.src(sg) if side == "pre" else self.ctx.trg(sg)
        record = bool(pop.spike_event_recording and sg.wu.section(f"{side}_event_syn_code"))
        if record:
            code.array("evRec", event_record_array(sg.name, side), types.Uint32)
            code.value("ev_words", words_per_step(pop.size), types.Uint32)
        return record

    def propagation(self, sg: d.SynapseGroup, side: str, exclusive: bool, purpose: str, strategy_name: str = ""
                    ) -> GroupCode:
        """Code run per spike and per spike-like event of one side of a synapse group:
        ``pre_spike_syn_code``/``pre_event_syn_code`` (side "pre", by row) or
        ``post_spike_syn_code``/``post_event_syn_code`` (side "post", by column)."""
        ctx, wu = self.ctx, sg.wu
        code = GroupCode(sg.name)
        offsets = {}
        register_sum = strategy_name != "bitmask_word"
        env = self.weight_update_env(code, sg, exclusive=exclusive, register_sum=register_sum,
                                     offsets=offsets)
        body = ctx.translate(wu.section(f"{side}_spike_syn_code"), env, wu.describe(), sg.describe(),
                             f"{side}_spike_syn_code")
        event_body = ctx.translate(wu.section(f"{side}_event_syn_code"), env, wu.describe(), sg.describe(),
                                   f"{side}_event_syn_code")
        queue = "src" if side == "pre" else "trg"
        pop = ctx.src(sg) if side == "pre" else ctx.trg(sg)
        if wu.section(f"{side}_event_syn_code"):
            code.array(f"{queue}EvCnt", names.group_array(sg.name, f"{side}.spkCntEvnt"), types.Uint32)
            code.array(f"{queue}EvSpk", names.group_array(sg.name, f"{side}.spkEvnt"), types.Uint32)
        event_record = self.event_record_zeroing(code, sg, side)
        rng = self.synapse_rng(code, sg, purpose, body, event_body)
        code.value("delay_slots", ctx.delay_slots(pop), types.Uint32)
        code.array(f"{queue}SpkCnt", names.group_array(pop.name, "spkCnt"), types.Uint32)
        code.array(f"{queue}Spk", names.group_array(pop.name, "spk"), types.Uint32)
        flush = ""
        if exclusive and register_sum and ctx.target.parallel:
            flush = ctx.target.accumulate("_a_outPost[id_post]", "_lacc", ctx.scalar,
                                          not ctx.shares_input(sg))
        kind = sg.connectivity_kind
        rows = {}
        if kind == "BITMASK":
            add_bitmask_array(ctx, code, sg)
        elif kind in ("PROCEDURAL", "TOEPLITZ") and side == "pre":
            rows = self.generated_rows(code, sg, bool(body.text), bool(event_body.text))
        code.kernel = SynapseUpdate(body=body.text, event_body=event_body.text, rng_stream=rng, sparse=sg.sparse,
                                    strategy=strategy_name, event_record=event_record, flush=flush,
                                    connectivity="" if kind in ("DENSE", "SPARSE") else kind.lower(),
                                    procedural=self.procedural_vars(code, sg, body, event_body),
                                    offsets=self.offsets(offsets, body, event_body), **rows)
        return code

    def procedural_vars(self, code: GroupCode, sg: d.SynapseGroup, *translations: Translation) -> tuple:
        """Variables with PROCEDURAL weights that ``translations`` read, regenerated for each synapse
        from their snippets as initialisation would store them: element ``id_syn``, on the stream
        of the variable's initialisation (DENSE_PROCEDURALG gives DENSE's weights; PROCEDURAL gives
        SPARSE's, the rows being the same)."""
        if sg.weights != "PROCEDURAL":
            return ()
        used = set().union(*(t.referenced for t in translations))
        entries = [(f"v{j}", v) for j, v in enumerate(sg.wu.vars) if v.name in used]
        if not entries:
            return ()
        from .init import InitGenerator   # (init imports this module)
        init = InitGenerator(self.ctx)
        return tuple(init.var_inits(code, init.synapse_init_env(code, sg), sg.describe(), entries, store=False))

    def generated_rows(self, code: GroupCode, sg: d.SynapseGroup, spikes: bool, events: bool) -> dict:
        """PROCEDURAL rows (``row_build_code``) or TOEPLITZ diagonals (``diagonal_build_code``)
        regenerated at each spike, for each queue that has code: each ``addSynapse`` runs the
        synapse's code through ``genn_syn_<spike|event>_<merged group>``, a function the templates
        define around it (so the row's and the synapse's code each keep their own scope).

        The row's random numbers are those SPARSE initialisation draws: stream
        ``<sg>/connectivity``, element ``id_pre``, step ``CONNECTIVITY_STEP`` (and the multinomial
        row lengths of ``connectivity_init``), so a PROCEDURAL row is the SPARSE row, synapse for
        synapse, and ``id_syn = id_pre * max_connections + <position in the row>`` is too."""
        ctx = self.ctx
        conn = sg.connectivity
        toeplitz = sg.connectivity_kind == "TOEPLITZ"
        env = Environment(ctx.base_env())
        num_pre = code.value("num_pre", sg.num_pre, types.Uint32)
        num_post = code.value("num_post", sg.num_post, types.Uint32)
        env.add_variable("num_pre", types.Uint32, printed=num_pre)
        env.add_variable("num_post", types.Uint32, printed=num_post)
        ctx.add_egps(env, code, "c_", conn.egps)
        for p in conn.params:
            env.add_variable(p.name, p.type, printed=code.value(f"c_{p.name}", p.value, p.type))
        stride = code.value("row_stride", sg.max_connections, types.Uint32)
        check = ctx.runtime_check(code, "add_synapse_check", f"{sg.describe()}: {conn.describe()} called "
                                  "addSynapse({detail}), but the postsynaptic population has "
                                  f"{sg.num_post} neurons")
        sizes = [code.value(f"kernel_size{i}", k, types.Uint32) for i, k in enumerate(conn.kernel_size)]
        kernel = has_kernel_index(sg)
        if toeplitz:
            env.add_variable("id_diag", types.Uint32, printed="id_diag")
            inner = Environment(env)
            inner.add_variable("id_pre", types.Uint32, printed="id_pre")
            row_env = inner
            env.add_block("for_each_synapse", BlockSpec(
                inner, "for (uint32_t _s = 0u; _s < _numSpikes; _s++) { const uint32_t id_pre = _spikes[_s];"))
        else:
            env.add_variable("id_pre", types.Uint32, printed="id_pre")
            for name, printed in (("id_post_begin", "0u"), ("id_pre_begin", "0u"), ("id_thread", "0u"),
                                  ("num_threads", "1u")):
                env.add_variable(name, types.Uint32, printed=printed)
            if conn.multinomial_param:
                ctx.add_array(names.group_array(sg.name, "preCalcRowLength"), types.Uint32, sg.num_pre)
                code.array("preCalcRowLength", names.group_array(sg.name, "preCalcRowLength"), types.Uint32)
                env.add_variable("row_length", types.Uint32, printed="_a_preCalcRowLength[id_pre]")
            row_env = env
            overflow = ctx.runtime_check(code, "row_check", f"{sg.describe()}: {conn.describe()} made more "
                                         "synapses in row {detail} than max_connections = "
                                         f"{sg.max_connections}; set max_connections higher before build()")
        threads = code.value("threads_per_spike", sg.threads_per_spike, types.Uint32) \
            if ctx.target.parallel and not toeplitz else ""

        def add_synapse(function: str):
            def printer(args):
                lines = [f"const uint32_t _post = (uint32_t)genn_check_index((uint64_t)({args[0][0]}), {num_post}, "
                         f"GENN_ERRORS, {check});"]
                lines.append(f"const uint32_t _kern = {kernel_index(args, sizes, conn.describe())};" if kernel
                             else "".join(f"(void)({a});" for a, _ in args[1:]))
                call = f"{function}_@@mg@@(genn_arena GENN_SEGMENT_ARGS, grp, timestep, t, id_pre, _post, "
                kern = "_kern" if kernel else "0u"
                if toeplitz:   # no id_syn: the RNG of the synapse's code uses the pair's dense index
                    lines.append(f"{call}(uint32_t)((uint64_t)id_pre * {num_post} + _post), {kern});")
                else:
                    own = f"if (_rl % {threads} == _thread) " if threads else ""
                    lines += [f"if (_rl < {stride}) {{",
                              f"    {own}{call}id_pre * {stride} + _rl, {kern});",
                              "    _rl++;",
                              "}",
                              "else {",
                              f"    genn_report_error(GENN_ERRORS, {overflow}, id_pre);",
                              "}"]
                return "{\n" + "".join(f"    {line}\n" for line in lines if line) + "}"
            return FunctionSpec(None, None, printer, statement=True)

        section = "diagonal_build_code" if toeplitz else "row_build_code"
        source = conn.diagonal_build_code if toeplitz else conn.row_build_code
        out = {}
        for key, which, wanted in (("row", "spike", spikes), ("event_row", "event", events)):
            if not wanted:
                continue
            row_env.add_function("addSynapse", add_synapse(f"genn_syn_{which}"))
            t = ctx.translate(source, env, conn.describe(), sg.describe(), section)
            out[key] = t.text
            if ctx.uses_rng(t):
                out["row_rng_stream"] = code.value(
                    "row_stream", stream_id(f"{names.group_key(sg.name)}/connectivity"), types.Uint32)
        return out

    def presynaptic_update(self, sg: d.SynapseGroup) -> Optional[GroupCode]:
        """Spike and presynaptic spike-like event propagation, by row."""
        wu = sg.wu
        if not (wu.section("pre_spike_syn_code") or wu.section("pre_event_syn_code")):
            return None
        name = strategy(sg)
        code = self.propagation(sg, "pre", name in ("dense_post", "bitmask_post", "bitmask_word"), "update", name)
        if name.endswith("_pre") or name == "procedural":
            code.value("threads_per_spike", sg.threads_per_spike, types.Uint32)
        code.value("axonal_delay", sg.axonal_delay, types.Uint32)
        return code

    def postsynaptic_update(self, sg: d.SynapseGroup) -> Optional[GroupCode]:
        """Learning on postsynaptic spikes (``post_spike_syn_code``) and postsynaptic spike-like
        events (``post_event_syn_code``), by column."""
        if not sg.needs_columns:
            return None
        code = self.propagation(sg, "post", False, "learn_post")
        code.value("back_prop_delay", sg.back_prop_delay, types.Uint32)
        if sg.sparse:
            add_column_arrays(self.ctx, code, sg)
        return code

    def synapse_dynamics(self, sg: d.SynapseGroup) -> Optional[GroupCode]:
        """Time-driven update of every synapse (``synapse_dynamics_code``)."""
        section = sg.wu.section("synapse_dynamics_code")
        if not section:
            return None
        code = GroupCode(sg.name)
        offsets = {}
        env = self.weight_update_env(code, sg, exclusive=False, offsets=offsets)
        body = self.ctx.translate(section, env, sg.wu.describe(), sg.describe(), "synapse_dynamics_code")
        code.kernel = SynapseUpdate(body=body.text, rng_stream=self.synapse_rng(code, sg, "dynamics", body),
                                    sparse=sg.sparse, offsets=self.offsets(offsets, body))
        return code

    def connectivity_remap(self, sg: d.SynapseGroup) -> Optional[GroupCode]:
        """Builds the column structure after connectivity initialisation."""
        if not sg.sparse or not sg.needs_columns:
            return None
        ctx = self.ctx
        code = GroupCode(sg.name, ConnectivityRemap())
        code.value("num_pre", sg.num_pre, types.Uint32)
        code.value("num_post", sg.num_post, types.Uint32)
        code.value("row_stride", sg.max_connections, types.Uint32)
        add_sparse_arrays(ctx, code, sg)
        add_column_arrays(ctx, code, sg)
        ctx.error_slot(code, sg.name, f"{sg.describe()}: a postsynaptic neuron has more synapses than "
                                      f"max_source_connections = {sg.max_source_connections}; set "
                                      "max_source_connections higher before build()")
        return code

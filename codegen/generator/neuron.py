"""The neuron update: postsynaptic models, current sources, the neuron model, spike-like
event conditions and the weight-update code that runs per pre- or postsynaptic neuron.

Element-level code for one neuron.  Arrays are indexed by ``_nid``, the neuron's index as
the template's loop holds it (a 64-bit counter where that lets a C compiler vectorise),
while user code sees ``id``.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Set, Tuple

from .. import description as d
from .. import names, types
from ..arena import words_per_step
from ..ir import EventCondition, GroupCode, NeuronUpdate, Piece, PostsynapticInput, PresynapticOutput, Register
from ..transpiler import Environment, FunctionSpec, Translation, local_scope
from .context import RNG_FUNCTIONS, Context, literal, stream_id

#: Name of the neuron index in array subscripts of neuron-update code.
NEURON_INDEX = "_nid"
Registers = Dict[str, Tuple[str, types.NumericType]]  # variable -> (array key, type)


class NeuronUpdateGenerator:
    def __init__(self, ctx: Context):
        self.ctx = ctx

    # -- pieces ----------------------------------------------------------------------------
    def model_var_block(self, code: GroupCode, env: Environment, prefix: str, variables, size: int) -> Registers:
        """Variables of a model that runs per neuron, as registers ``_l<prefix><name>``."""
        regs = {}
        for var in variables:
            self.ctx.add_array(var.array, var.type, size)
            key = f"{prefix}v_{var.name}"
            code.array(key, var.array, var.type)
            regs[var.name] = (key, var.type)
            env.add_variable(var.name, var.type, read_only=var.read_only, printed=f"_l{prefix}{var.name}")
        return regs

    @staticmethod
    def registers(prefix: str, regs: Registers, translations, used=None, delayed=()) -> Tuple[Register, ...]:
        """The registers code uses (``used``: names used through references as well;
        ``delayed``: names kept in delay slots)."""
        referenced = set().union(*(t.referenced for t in translations)) | set(used or ())
        assigned = set().union(*(t.assigned for t in translations))
        return tuple(Register(f"_l{prefix}{v}", ctype.name, key, v in assigned, v in delayed)
                     for v, (key, ctype) in regs.items() if v in referenced)

    @staticmethod
    def neuron_ref_env(env: Environment, refs, neuron_regs: Registers) -> None:
        for ref in refs:
            env.add_variable(ref.name, neuron_regs[ref.target][1], read_only=ref.read_only,
                             printed=f"_l{ref.target}")

    def injecting_env(self, code: GroupCode, neuron_env: Environment, prefix: str, group: str, role: str,
                      model: d.Model, refs, neuron_regs: Registers, target_var: str, size: int):
        """Environment of a model that injects current into a neuron (postsynaptic model or
        current source): its variables in registers, parameters, EGPs, neuron variable
        references and ``injectCurrent``."""
        env = Environment(neuron_env)
        regs = self.model_var_block(code, env, prefix, model.vars, size)
        self.ctx.add_model_params(env, code, prefix + "p_", model, group, role)
        self.ctx.add_egps(env, code, prefix, model.egps)
        self.neuron_ref_env(env, refs, neuron_regs)
        target = f"_in_{target_var}"
        env.add_function("injectCurrent", FunctionSpec([self.ctx.scalar], None,
                                                       lambda a: f"{target} += {a[0][0]}"))
        return env, regs

    def postsynaptic_input(self, code: GroupCode, neuron_env: Environment, sg: d.SynapseGroup, i: int,
                           neuron_regs: Registers, dendritic: bool, size: int
                           ) -> Tuple[PostsynapticInput, Translation]:
        ctx, scalar = self.ctx, self.ctx.scalar
        prefix = f"ps{i}_"
        env, regs = self.injecting_env(code, neuron_env, prefix, sg.name, "ps", sg.ps, sg.ps_refs, neuron_regs,
                                       sg.post_target_var, size)
        env.add_variable("inSyn", scalar, read_only=False, printed="_inSyn")
        t = ctx.translate(sg.ps.section("sim_code"), env, sg.ps.describe(), sg.describe(), "sim_code")
        ctx.add_array(names.group_array(sg.name, "outPost"), scalar, sg.num_post)
        code.array(prefix + "outPost", names.group_array(sg.name, "outPost"), scalar)
        if dendritic:
            ring = ctx.dendritic_ring_length(sg)
            code.value(prefix + "max_dendritic_delay", ring, types.Uint32)
            ctx.add_array(names.group_array(sg.name, "denDelay"), scalar, ring * sg.num_post)
            code.array(prefix + "denDelay", names.group_array(sg.name, "denDelay"), scalar)
        return PostsynapticInput(prefix, t.text, literal(0, scalar), self.registers(prefix, regs, [t]),
                                 dendritic), t

    def current_source(self, code: GroupCode, neuron_env: Environment, cs: d.CurrentSource, j: int,
                       neuron_regs: Registers, size: int) -> Tuple[Piece, Translation]:
        prefix = f"cs{j}_"
        env, regs = self.injecting_env(code, neuron_env, prefix, cs.name, "cs", cs.model, cs.refs, neuron_regs,
                                       cs.target_var, size)
        t = self.ctx.translate(cs.model.section("injection_code"), env, cs.model.describe(), cs.describe(),
                               "injection_code")
        return Piece(t.text, self.registers(prefix, regs, [t])), t

    def wu_neuron_pieces(self, code: GroupCode, neuron_env: Environment, sg: d.SynapseGroup, role: str, k: int,
                         neuron_regs: Registers):
        """Weight update code that runs per pre- or postsynaptic neuron, in that neuron's update:
        ``<role>_dynamics_code`` every step and ``<role>_spike_code`` when it spikes.

        Returns (dynamics piece, spike piece, translations, keys of the variables kept in delay
        slots), or None if there is none.
        """
        wu = sg.wu
        dyn_code = wu.section(f"{role}_dynamics_code")
        spike_code = wu.section(f"{role}_spike_code")
        variables = sg.wu_pre_vars if role == "pre" else sg.wu_post_vars
        delayed = {v.name for v in variables if v.array in self.ctx.delayed}
        if not (dyn_code or spike_code or delayed):
            return None
        prefix = f"w{role}{k}_"
        env = Environment(neuron_env)
        regs = self.model_var_block(code, env, prefix, variables, sg.num_pre if role == "pre" else sg.num_post)
        out: List = [None, None, [], tuple(regs[v][0] for v in sorted(delayed))]
        if not (dyn_code or spike_code):
            return tuple(out)   # only copied from slot to slot
        self.ctx.add_model_params(env, code, prefix + "p_", wu, sg.name, "wu")
        self.neuron_ref_env(env, sg.pre_refs if role == "pre" else sg.post_refs, neuron_regs)
        if role == "post":  # the postsynaptic model's variables (psm_var_refs), which its block stored
            for ref in sg.psm_refs:
                arr = code.array(f"{prefix}psmref_{ref.name}", names.var_array(sg.name, ref.target, "psm."), ref.type)
                env.add_variable(ref.name, ref.type, read_only=ref.read_only, printed=f"{arr}[{NEURON_INDEX}]")
        for i, (section, text) in enumerate(((f"{role}_dynamics_code", dyn_code), (f"{role}_spike_code", spike_code))):
            if text:
                t = self.ctx.translate(text, env, wu.describe(), sg.describe(), section)
                out[i] = Piece(t.text, self.registers(prefix, regs, [t], delayed=delayed))
                out[2].append(t)
        return tuple(out)

    def event_arrays(self, sg: d.SynapseGroup, side: str, slots: int):
        """(key, array suffix, length, type) of an event queue, declaring the arrays."""
        pop = self.ctx.src(sg) if side == "pre" else self.ctx.trg(sg)
        out = [("Cnt", "spkCntEvnt", slots, types.Uint32), ("Spk", "spkEvnt", slots * pop.size, types.Uint32)]
        if self.ctx.needs_event_times(sg, side):
            out += [("Set", "set", pop.size, self.ctx.time_type), ("PrevSet", "prev_set", pop.size, self.ctx.time_type)]
        for _, suffix, length, ctype in out:
            self.ctx.add_array(names.group_array(sg.name, f"{side}.{suffix}"), ctype, length)
        return out

    def event_condition(self, code: GroupCode, neuron_env: Environment, sg: d.SynapseGroup, side: str, k: int,
                        neuron_regs: Registers, slots: int, recording: bool) -> Tuple[EventCondition, Translation]:
        """Translate a spike-like event condition of a synapse group on ``side`` ("pre": evaluated
        by the source population, "post": by the target), after the neuron's sim code, and
        declare the event queue (and event times and recording buffer where needed)."""
        ctx, wu = self.ctx, sg.wu
        env = Environment(neuron_env)
        ctx.add_model_params(env, code, f"ev{k}_p_", wu, sg.name, "wu")
        self.neuron_ref_env(env, sg.pre_refs if side == "pre" else sg.post_refs, neuron_regs)
        env.add_variable(f"id_{side}", types.Uint32, printed="id")
        pop = ctx.src(sg) if side == "pre" else ctx.trg(sg)
        for key, suffix, _, ctype in self.event_arrays(sg, side, slots):
            code.array(f"ev{k}{key}", names.group_array(sg.name, f"{side}.{suffix}"), ctype)
        times_delayed = names.group_array(sg.name, f"{side}.set") in ctx.delayed
        if pop.spike_event_recording:
            record = names.event_record_array(sg.name, side)
            ctx.add_array(record, types.Uint32, words_per_recording_step=words_per_step(pop.size))
            code.array(f"ev{k}Rec", record, types.Uint32)
        t = ctx.translate(wu.section(f"{side}_event_threshold_condition_code"), env, wu.describe(),
                          sg.describe(), f"{side}_event_threshold_condition_code", expression=True)
        words = ""
        if recording:
            code.value(f"ev{k}_words", words_per_step(pop.size), types.Uint32)
            words = f"ev{k}_words"
        return EventCondition(k, t.text, ctx.needs_event_times(sg, side), words, times_delayed), t

    # -- the update ------------------------------------------------------------------------
    def generate(self, ng: d.NeuronGroup) -> GroupCode:
        ctx = self.ctx
        model = ng.model
        code = GroupCode(ng.name)
        n = code.value("num_neurons", ng.size, types.Uint32)
        env = Environment(ctx.base_env())
        env.add_variable("id", types.Uint32, printed="id")
        env.add_variable("num_neurons", types.Uint32, printed=n)
        env.add_variable("t", ctx.time_type, printed="t")
        regs: Registers = {}
        for var in model.vars:
            ctx.add_array(var.array, var.type, ng.size)
            code.array(f"v_{var.name}", var.array, var.type)
            regs[var.name] = (f"v_{var.name}", var.type)
            env.add_variable(var.name, var.type, read_only=var.read_only, printed=f"_l{var.name}")
        ctx.add_model_params(env, code, "p_", model, ng.name, "neuron")
        ctx.add_egps(env, code, "", model.egps)
        spike_times = ctx.needs_spike_times(ng)
        spike_times_delayed = spike_times and names.group_array(ng.name, "st") in ctx.delayed
        if spike_times:
            offset = "_wrOff + " if spike_times_delayed else ""
            for name in ("st", "prev_st"):
                env.add_variable(name, ctx.time_type, printed=f"_a_{name}[{offset}{NEURON_INDEX}]")
        inputs = [("Isyn", ctx.scalar, 0.0)] + [(v.name, v.type, v.init_value) for v in ng.additional_inputs]
        for name, ctype, _ in inputs:
            env.add_variable(name, ctype, read_only=False, printed=f"_in_{name}")

        used_regs: Set[str] = set()
        translations: List[Translation] = []
        every_step: List[Translation] = []      # code that runs in every step of every neuron
        written_by_refs: Set[str] = set()

        def note_refs(refs, t: Translation) -> None:
            by_name = {r.name: r.target for r in refs}
            used_regs.update(by_name[n] for n in t.referenced if n in by_name)
            written_by_refs.update(by_name[n] for n in t.assigned if n in by_name)

        postsynaptic, current_sources = [], []
        for i, (sg, dendritic) in enumerate(ctx.fused_inputs(ng)):
            piece, t = self.postsynaptic_input(code, env, sg, i, regs, dendritic, ng.size)
            postsynaptic.append(piece)
            translations.append(t)
            every_step.append(t)
            note_refs(sg.ps_refs, t)
        for j, cs in enumerate(ctx.current_sources(ng)):
            piece, t = self.current_source(code, env, cs, j, regs, ng.size)
            current_sources.append(piece)
            translations.append(t)
            every_step.append(t)
            note_refs(cs.refs, t)
        owner, group = model.describe(), ng.describe()
        sim = ctx.translate(model.section("sim_code"), env, owner, group, "sim_code")
        # As in PyGeNN, sim code, threshold condition and reset code share one scope: the
        # templates place them in the same C block, so the threshold and reset see the locals
        # the sim code declares at its top level.
        own_env = local_scope(env, sim)
        threshold_code = model.section("threshold_condition_code")
        threshold = ctx.translate(threshold_code, own_env, owner, group, "threshold_condition_code",
                                  expression=True) if threshold_code.strip() else None
        reset = ctx.translate(model.section("reset_code"), own_env, owner, group, "reset_code")
        if threshold and ng.auto_refractory and threshold.referenced & set(sim.locals):
            raise ValueError(f"{group} ({owner}): threshold_condition_code uses "
                             f"{', '.join(sorted(threshold.referenced & set(sim.locals)))}, declared in "
                             "sim_code; with auto_refractory_required the threshold is also tested before "
                             "sim_code runs, where they do not exist")
        own = [sim, reset] + ([threshold] if threshold else [])
        translations += own
        every_step += [sim] + ([threshold] if threshold else [])
        spike_code, dynamics = [], []
        spike_code_reads_state = False
        # arrays kept in delay slots, copied into this step's slot first
        copies = [f"v_{v.name}" for v in model.vars if v.array in ctx.delayed]
        copies += ["st", "prev_st"] if spike_times_delayed else []
        if spike_times:
            for name in ("st", "prev_st"):
                ctx.add_array(names.group_array(ng.name, name), ctx.time_type, ng.size)
                code.array(name, names.group_array(ng.name, name), ctx.time_type)
        for role, groups in (("pre", ctx.out_syn(ng)), ("post", ctx.in_syn(ng))):
            for k, sg in enumerate(groups):
                pieces_k = self.wu_neuron_pieces(code, env, sg, role, k, regs)
                if pieces_k is None:
                    continue
                dyn, spike, t_list, delayed_keys = pieces_k
                copies += delayed_keys
                translations += t_list
                if dyn:
                    every_step.append(t_list[0])
                refs = sg.pre_refs if role == "pre" else sg.post_refs
                for t in t_list:
                    note_refs(refs, t)
                if spike:
                    # names that live in registers of the update's first pass
                    state = set(regs) | {name for name, _, _ in inputs} | {r.name for r in refs} | set(RNG_FUNCTIONS)
                    spike_code_reads_state |= bool(t_list[-1].referenced & state)
                dynamics += [dyn] if dyn else []
                spike_code += [spike] if spike else []
        outputs = []
        for k, sg in enumerate(ctx.out_syn(ng)):
            if ctx.uses_add_to_pre(sg):
                ctx.add_array(names.group_array(sg.name, "outPre"), ctx.scalar, ng.size)
                code.array(f"outPre{k}", names.group_array(sg.name, "outPre"), ctx.scalar)
                outputs.insert(0, PresynapticOutput(f"outPre{k}", sg.pre_target_var, literal(0, ctx.scalar)))
        slots = ctx.delay_slots(ng)
        events = []
        queues = [(sg, "pre") for sg in ctx.out_syn(ng) if sg.wu.section("pre_event_threshold_condition_code")] + \
                 [(sg, "post") for sg in ctx.in_syn(ng) if sg.wu.section("post_event_threshold_condition_code")]
        for k, (sg, side) in enumerate(queues):
            event, condition = self.event_condition(code, env, sg, side, k, regs, slots, ng.spike_event_recording)
            copies += [f"ev{k}Set", f"ev{k}PrevSet"] if event.times_delayed else []
            events.append(event)
            translations.append(condition)
            every_step.append(condition)
            note_refs(sg.pre_refs if side == "pre" else sg.post_refs, condition)

        stream = code.value("stream", stream_id(f"{names.group_key(ng.name)}/update"), types.Uint32)
        uses_rng = ctx.uses_rng(*translations)
        code.value("num_delay_slots", slots, types.Uint32)
        ctx.add_array(names.group_array(ng.name, "spkCnt"), types.Uint32, slots)
        ctx.add_array(names.group_array(ng.name, "spk"), types.Uint32, slots * ng.size)
        code.array("spkCnt", names.group_array(ng.name, "spkCnt"), types.Uint32)
        code.array("spk", names.group_array(ng.name, "spk"), types.Uint32)
        if ng.spike_recording:
            words = words_per_step(ng.size)
            record = names.spike_record_array(ng.name)
            ctx.add_array(record, types.Uint32, words_per_recording_step=words)
            code.array("recordSpk", record, types.Uint32)
            code.value("record_words", words, types.Uint32)
        registers = tuple(Register(f"_l{v}", ctype.name, key, v in written_by_refs or any(v in t.assigned for t in own),
                                   key in copies)
                          for v, (key, ctype) in regs.items()
                          if v in used_regs or any(v in t.referenced for t in own))
        code.kernel = NeuronUpdate(
            registers=registers,
            inputs=tuple((name, ctype.name, literal(init, ctype)) for name, ctype, init in inputs),
            rng_stream=stream if uses_rng else "",
            rng_prefetch=uses_rng and any(name in t.always_called for t in every_step for name in RNG_FUNCTIONS),
            outputs=tuple(outputs), postsynaptic=tuple(postsynaptic), current_sources=tuple(current_sources),
            sim=sim.text, dynamics=tuple(dynamics), events=tuple(events),
            threshold=threshold.text if threshold else "", reset=reset.text,
            spike_times=spike_times, spike_code=tuple(spike_code), dt=literal(ctx.desc.dt, ctx.time_type),
            auto_refractory=bool(ng.auto_refractory and threshold),
            recording=ng.spike_recording,
            spike_code_reads_state=spike_code_reads_state,
            spike_times_delayed=spike_times_delayed, copies=tuple(copies))
        return code


def neuron_update(ctx: Context, ng: d.NeuronGroup) -> Optional[GroupCode]:
    return NeuronUpdateGenerator(ctx).generate(ng)

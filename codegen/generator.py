"""Turn a :class:`~pygenn_cl.GeNNModel` into a backend-neutral :class:`~codegen.ir.ModelIR`.

For each user group this module transpiles the model's code sections into
element-level code (one neuron, one synapse, one row) with placeholders for
parameters and sizes, then merges groups whose code is the same.  Loop
structure, spike emission and recording are left to each backend's templates.
"""
from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from pygenn_cl import types
from pygenn_cl.enums import SynapseMatrixType
from pygenn_cl.model_spec import ModelBase, VarSpec
from pygenn_cl.recording import words_per_step
from pygenn_cl.values import VarValue, param_types

from .ir import ArraySpec, GroupCode, ModelIR, merge
from .targets import CodeTarget
from .transpiler import (Environment, ErrorContext, FunctionSpec, translate_expression,
                         translate_statements)

if TYPE_CHECKING:
    from pygenn_cl.genn_groups import CurrentSource, NeuronGroup, SynapseGroup
    from pygenn_cl.genn_model import GeNNModel

INIT_STEP = "0xFFFFFFFFu"
CONNECTIVITY_STEP = "0xFFFFFFFEu"
MULTINOMIAL_STEP = "0xFFFFFFFDu"
RNG_FUNCTIONS = ("gennrand", "gennrand_uniform", "gennrand_normal", "gennrand_exponential",
                 "gennrand_log_normal", "gennrand_gamma", "gennrand_binomial")


def stream_id(name: str) -> int:
    """A stable 32-bit random stream number for a group and purpose."""
    return zlib.crc32(name.encode())


class Generator:
    """Generates the IR of one model for one code target."""

    def __init__(self, model: "GeNNModel", target: CodeTarget):
        self.model = model
        self.target = target
        self.scalar = model._scalar
        self.time_type = model._time_type
        self.arrays: Dict[str, ArraySpec] = {}
        self.error_slots: List[str] = []
        # synapse group name -> the group whose postsynaptic model (input buffer) it uses
        self.psm_owner: Dict[str, "SynapseGroup"] = self.fuse_postsynaptic_models()

    def fuse_postsynaptic_models(self) -> Dict[str, "SynapseGroup"]:
        """With ``model.fuse_postsynaptic_models``, incoming synapse groups of a population whose
        postsynaptic models are the same (code, parameters, target variable, no state
        variables) share one input buffer and one postsynaptic update.

        Their dendritic-delay ring is as long as the longest member's
        ``max_dendritic_delay_timesteps`` (see :meth:`dendritic_ring_length`): a
        longer ring delivers every delay exactly as a shorter one would.
        """
        owners: Dict[str, "SynapseGroup"] = {}
        self._ring_length: Dict[str, int] = {}
        for ng in self.model.neuron_populations.values():
            seen: Dict[Tuple, "SynapseGroup"] = {}
            for sg in ng.in_syn:
                ps = sg.ps_model
                fusable = self.model.fuse_postsynaptic_models and not ps.vars and not ps.extra_global_params
                key = (ps.class_name, ps.sim_code, tuple(sorted(sg.ps_resolved_params().items())),
                       sg.post_target_var, tuple(sorted(sg.psm_var_refs.items())),
                       tuple(sorted(sg.dynamic_params("ps")))) \
                    if fusable else (sg.name,)
                owner = owners[sg.name] = seen.setdefault(key, sg)
                self._ring_length[owner.name] = max(self._ring_length.get(owner.name, 1),
                                                    sg.max_dendritic_delay_timesteps)
        return owners

    def dendritic_ring_length(self, sg: "SynapseGroup") -> int:
        """Slots of the dendritic-delay ring that ``sg``'s (possibly fused) input buffer uses."""
        return self._ring_length[self.psm_owner[sg.name].name]

    def fused_inputs(self, ng: "NeuronGroup") -> List[Tuple["SynapseGroup", bool]]:
        """(owner synapse group, any member uses dendritic delays) per postsynaptic input of ``ng``."""
        out: Dict[str, List] = {}
        for sg in ng.in_syn:
            owner = self.psm_owner[sg.name]
            entry = out.setdefault(owner.name, [owner, False])
            entry[1] = entry[1] or sg.uses_dendritic_delay
        return [tuple(e) for e in out.values()]

    # -- helpers ---------------------------------------------------------------
    def add_array(self, name: str, ctype: types.NumericType, length: int = 0,
                  words_per_recording_step: int = 0) -> str:
        self.arrays[name] = ArraySpec(name, ctype, length, words_per_recording_step)
        return name

    def ctype(self, spec_type: str) -> types.NumericType:
        return types.parse_numeric_type(spec_type, self.scalar)

    def base_env(self) -> Environment:
        env = Environment()
        env.add_variable("dt", self.time_type, read_only=True,
                         printed=_literal(self.model.dt, self.time_type))
        s = "f" if self.scalar == types.Float else "d"
        scalar = self.scalar
        rng_specs = {
            "gennrand": ([], types.Uint32, lambda a: "genn_rand(&_rng)"),
            "gennrand_uniform": ([], scalar, lambda a: f"genn_uniform_{s}(&_rng)"),
            "gennrand_normal": ([], scalar, lambda a: f"genn_normal_{s}(&_rng)"),
            "gennrand_exponential": ([], scalar, lambda a: f"genn_exponential_{s}(&_rng)"),
            "gennrand_log_normal": ([scalar, scalar], scalar,
                                    lambda a: f"genn_log_normal_{s}(&_rng, {a[0][0]}, {a[1][0]})"),
            "gennrand_gamma": ([scalar], scalar, lambda a: f"genn_gamma_{s}(&_rng, {a[0][0]})"),
            "gennrand_binomial": ([types.Uint32, scalar], types.Uint32,
                                  lambda a: f"genn_binomial_{s}(&_rng, {a[0][0]}, {a[1][0]})"),
        }
        for name, (params, returns, printer) in rng_specs.items():
            env.add_function(name, FunctionSpec(params, returns, printer))
        return env

    def add_params(self, env: Environment, code: GroupCode, prefix: str, model: ModelBase,
                   values: Dict[str, Any], owner: Optional[Tuple[Any, str]] = None) -> None:
        """Parameters and derived parameters as placeholders; ``owner`` = (group, role)
        whose dynamic parameters must stay struct fields so they can change after load."""
        dynamic = owner[0].dynamic_params(owner[1]) if owner else set()
        for name, ctype in param_types(model, self.scalar).items():
            env.add_variable(name, ctype, read_only=True,
                             printed=code.value(prefix + name, values[name], ctype))
            if name in dynamic:
                code.dynamic[prefix + name] = (f"{owner[0].name}/{owner[1]}", name)

    def add_egps(self, env: Environment, code: GroupCode, prefix: str, group, egps) -> None:
        for name, egp in egps.items():
            self.add_array(egp.array_name, egp.type, 0)
            env.add_variable(name, types.PointerType(egp.type), read_only=False,
                             printed=code.array(prefix + "egp_" + name, egp.array_name, egp.type))

    def translate(self, code: str, env: Environment, owner: str, section: str, expression: bool = False):
        context = ErrorContext(owner, section)
        fn = translate_expression if expression else translate_statements
        result = fn(code, env, scalar=self.scalar, dialect=self.target.dialect, context=context)
        if not expression and result.text.strip():
            # Marks where user code starts, so compiler errors can name its origin.
            model = owner.split(" of ")[0].replace("*/", "")
            result.text = f"/* user code: {model}, {section} */\n" + result.text
        return result

    @staticmethod
    def uses_rng(*translations) -> bool:
        return any(name in t.referenced for t in translations for name in RNG_FUNCTIONS)

    @staticmethod
    def rng_init(stream: str, element: str, step: str) -> str:
        # A macro, so that a template can start streams from prefetched blocks.
        return f"GENN_RNG_INIT({stream}, (uint32_t)({element}), {step});"

    # -- neuron update -----------------------------------------------------------
    def neuron_update(self, ng: "NeuronGroup") -> GroupCode:
        code = GroupCode(ng)
        owner = f"{ng.model.describe()} of {ng.describe()}"
        n = code.value("num_neurons", ng.size, types.Uint32)
        env = Environment(self.base_env())
        env.add_variable("id", types.Uint32, printed="id")
        env.add_variable("num_neurons", types.Uint32, printed=n)
        env.add_variable("t", self.time_type, printed="t")
        regs: Dict[str, Tuple[str, types.NumericType]] = {}
        for spec in ng.model.vars:
            ctype = self.ctype(spec.type)
            self.add_array(f"{ng.name}.{spec.name}", ctype, ng.size)
            regs[spec.name] = (code.array(f"v_{spec.name}", f"{ng.name}.{spec.name}", ctype), ctype)
            env.add_variable(spec.name, ctype, read_only=spec.read_only, printed=f"_l{spec.name}")
        self.add_params(env, code, "p_", ng.model, ng.resolved_params(), (ng, "neuron"))
        self.add_egps(env, code, "", ng, ng.extra_global_params)
        if self.needs_spike_times(ng):
            for name in ("st", "prev_st"):
                env.add_variable(name, self.time_type, printed=f"_a_{name}[id]")
        inputs = [("Isyn", self.scalar, 0.0)] + [(v.name, self.ctype(v.type), v.init_value)
                                                for v in ng.model.additional_input_vars]
        for name, ctype, _ in inputs:
            env.add_variable(name, ctype, read_only=False, printed=f"_in_{name}")

        pieces: List[str] = []
        used_regs: set = set()
        written_regs: set = set()
        translations = []
        for i, (sg, dendritic) in enumerate(self.fused_inputs(ng)):
            text, t = self.postsynaptic_piece(code, env, sg, i, regs, dendritic)
            pieces.append(text)
            translations.append(t)
            used_regs |= {sg.psm_var_refs[n] for n in t.referenced if n in sg.psm_var_refs}
            written_regs |= {sg.psm_var_refs[n] for n in t.assigned if n in sg.psm_var_refs}
        for j, cs in enumerate(ng.current_sources):
            text, t = self.current_source_piece(code, env, cs, j, regs)
            pieces.append(text)
            translations.append(t)
            used_regs |= {cs.var_refs[n] for n in t.referenced if n in cs.var_refs}
            written_regs |= {cs.var_refs[n] for n in t.assigned if n in cs.var_refs}
        sim = self.translate(ng.model.sim_code, env, owner, "sim_code")
        threshold = (self.translate(ng.model.threshold_condition_code, env, owner,
                                    "threshold_condition_code", expression=True)
                     if ng.model.threshold_condition_code.strip() else None)
        reset = self.translate(ng.model.reset_code, env, owner, "reset_code")
        translations += [sim, reset] + ([threshold] if threshold else [])
        for t in [sim, reset] + ([threshold] if threshold else []):
            used_regs |= {name for name in t.referenced if name in regs}
            written_regs |= {name for name in t.assigned if name in regs}
        on_spike, dynamics = [], []
        spike_times = self.needs_spike_times(ng)
        if spike_times:
            for name in ("st", "prev_st"):
                self.add_array(f"{ng.name}.{name}", self.time_type, ng.size)
                code.array(name, f"{ng.name}.{name}", self.time_type)
            # The time of a spike is the end of the step that emits it, which is the
            # time ``t`` of the step in which synapses process it.
            on_spike.append(f"_a_prev_st[id] = _a_st[id];\n_a_st[id] = t + {_literal(self.model.dt, self.time_type)};")
        for role, groups in (("pre", ng.out_syn), ("post", ng.in_syn)):
            for k, sg in enumerate(groups):
                pieces_k = self.wu_neuron_pieces(code, env, sg, role, k, regs)
                if pieces_k is None:
                    continue
                dyn, spike, t_list = pieces_k
                translations += t_list
                refs = sg.pre_var_refs if role == "pre" else sg.post_var_refs
                for t in t_list:
                    used_regs |= {refs[n] for n in t.referenced if n in refs}
                dynamics += [dyn] if dyn else []
                on_spike += [spike] if spike else []
        for k, sg in enumerate(ng.out_syn):
            if sg.uses_add_to_pre:
                self.add_array(f"{sg.name}.outPre", self.scalar, ng.size)
                out_pre = code.array(f"outPre{k}", f"{sg.name}.outPre", self.scalar)
                pieces.insert(0, f"_in_{sg.pre_target_var} += {out_pre}[id];\n"
                                 f"{out_pre}[id] = {_literal(0, self.scalar)};")
        slots = self.target.delay_slots(ng.max_axonal_delay)
        events, event_counts, event_records = [], [], []
        queues = [(sg, "pre") for sg in ng.out_syn if sg.wu_model.pre_event_threshold_condition_code] + \
                 [(sg, "post") for sg in ng.in_syn if sg.wu_model.post_event_threshold_condition_code]
        for k, (sg, side) in enumerate(queues):
            condition = self.event_condition(code, env, sg, side, k, regs, slots)
            translations.append(condition)
            refs = sg.pre_var_refs if side == "pre" else sg.post_var_refs
            used_regs |= {refs[n] for n in condition.referenced if n in refs}
            emit = [f"GENN_APPEND_EVENT(_a_ev{k}Cnt, _a_ev{k}Spk, @@num_neurons@@, id);"]
            if self.needs_event_times(sg, side):
                emit.append(f"_a_ev{k}PrevSet[id] = _a_ev{k}Set[id];\n"
                            f"_a_ev{k}Set[id] = t + {_literal(self.model.dt, self.time_type)};")
            if ng.spike_event_recording_enabled:
                words = code.value(f"ev{k}_words", words_per_step(ng.size), types.Uint32)
                emit.append(f"GENN_RECORD_EVENT(_a_ev{k}Rec, {words}, id);")
                event_records.append((f"ev{k}Rec", f"ev{k}_words"))
            events.append(f"if ({condition.text}) {{\n" + _indent("\n".join(emit)) + "\n}")
            event_counts.append(f"ev{k}Cnt")
        code.sections["events"] = "\n".join(events)
        code.meta["event_counts"] = tuple(event_counts)
        code.meta["event_records"] = tuple(event_records)

        code.sections["load"] = "\n".join(
            f"{regs[v][1].name} _l{v} = {regs[v][0]}[id];" for v in regs if v in used_regs)
        code.sections["inputs"] = "\n".join(
            f"{ctype.name} _in_{name} = {_literal(init, ctype)};" for name, ctype, init in inputs)
        stream = code.value("stream", stream_id(f"{ng.name}/update"), types.Uint32)
        uses_rng = self.uses_rng(*translations)
        code.sections["rng"] = self.rng_init(stream, "id", "(uint32_t)timestep") if uses_rng else ""
        code.sections["rng_stream"] = stream if uses_rng else ""
        code.sections["pre_sim"] = "\n".join(pieces)
        code.sections["sim"] = sim.text + "\n".join(dynamics)
        code.sections["on_spike"] = "\n".join(on_spike)
        code.sections["threshold"] = threshold.text if threshold else ""
        code.sections["reset"] = reset.text
        code.sections["store"] = "\n".join(f"{regs[v][0]}[id] = _l{v};" for v in regs if v in written_regs)
        code.meta["auto_refractory"] = bool(ng.model.auto_refractory_required and threshold)
        code.meta["recording"] = bool(ng.spike_recording_enabled)
        code.value("num_delay_slots", slots, types.Uint32)
        self.add_array(f"{ng.name}.spkCnt", types.Uint32, slots)
        self.add_array(f"{ng.name}.spk", types.Uint32, slots * ng.size)
        code.array("spkCnt", f"{ng.name}.spkCnt", types.Uint32)
        code.array("spk", f"{ng.name}.spk", types.Uint32)
        if ng.spike_recording_enabled:
            words = words_per_step(ng.size)
            self.add_array(ng._record_array(), types.Uint32, words_per_recording_step=words)
            code.array("recordSpk", ng._record_array(), types.Uint32)
            code.value("record_words", words, types.Uint32)
        return code

    def wu_neuron_pieces(self, code: GroupCode, neuron_env: Environment, sg: "SynapseGroup", role: str,
                         k: int, neuron_regs):
        """Weight update code that runs per pre- or postsynaptic neuron, in that neuron's update:
        ``<role>_dynamics_code`` every step and ``<role>_spike_code`` when it spikes.

        Returns (dynamics text, spike text, translations), or None if there is none.
        """
        wu = sg.wu_model
        specs = wu.pre_vars if role == "pre" else wu.post_vars
        dyn_code = getattr(wu, f"{role}_dynamics_code")
        spike_code = getattr(wu, f"{role}_spike_code")
        if not (dyn_code or spike_code):
            return None
        prefix = f"w{role}{k}_"
        env = Environment(neuron_env)
        regs = self._model_var_block(code, env, prefix, f"{sg.name}.{role}.", specs,
                                     sg.src.size if role == "pre" else sg.trg.size)
        self.add_params(env, code, prefix + "p_", wu, sg.wu_resolved_params(), (sg, "wu"))
        refs = sg.pre_var_refs if role == "pre" else sg.post_var_refs
        self._neuron_ref_env(env, refs, wu.pre_neuron_var_refs if role == "pre" else wu.post_neuron_var_refs,
                             neuron_regs)
        owner = f"{wu.describe()} of {sg.describe()}"
        out = [None, None, []]
        for i, (section, text) in enumerate(((f"{role}_dynamics_code", dyn_code),
                                             (f"{role}_spike_code", spike_code))):
            if text:
                t = self.translate(text, env, owner, section)
                out[i] = self._wrap_piece(prefix, regs, t)
                out[2].append(t)
        return tuple(out)

    def event_condition(self, code: GroupCode, neuron_env: Environment, sg: "SynapseGroup", side: str, k: int,
                        neuron_regs, slots: int):
        """Translate a spike-like event condition of a synapse group on ``side`` ("pre": evaluated
        by the source population, "post": by the target), after the neuron's sim code, and
        declare the event queue (and event times and recording buffer where needed)."""
        wu = sg.wu_model
        env = Environment(neuron_env)
        self.add_params(env, code, f"ev{k}_p_", wu, sg.wu_resolved_params(), (sg, "wu"))
        refs, ref_specs = (sg.pre_var_refs, wu.pre_neuron_var_refs) if side == "pre" else \
            (sg.post_var_refs, wu.post_neuron_var_refs)
        self._neuron_ref_env(env, refs, ref_specs, neuron_regs)
        env.add_variable(f"id_{side}", types.Uint32, printed="id")
        pop = sg.src if side == "pre" else sg.trg
        for key, suffix, length, ctype in self.event_arrays(sg, side, slots):
            code.array(f"ev{k}{key}", f"{sg.name}.{side}.{suffix}", ctype)
        if pop.spike_event_recording_enabled:
            self.add_array(f"{sg.name}.{side}.recordSpkEvnt", types.Uint32,
                           words_per_recording_step=words_per_step(pop.size))
            code.array(f"ev{k}Rec", f"{sg.name}.{side}.recordSpkEvnt", types.Uint32)
        return self.translate(getattr(wu, f"{side}_event_threshold_condition_code"), env,
                              f"{wu.describe()} of {sg.describe()}", f"{side}_event_threshold_condition_code",
                              expression=True)

    def event_arrays(self, sg: "SynapseGroup", side: str, slots: int):
        """(key, array suffix, length, type) of an event queue, declaring the arrays."""
        pop = sg.src if side == "pre" else sg.trg
        out = [("Cnt", "spkCntEvnt", slots, types.Uint32), ("Spk", "spkEvnt", slots * pop.size, types.Uint32)]
        if self.needs_event_times(sg, side):
            out += [("Set", "set", pop.size, self.time_type), ("PrevSet", "prev_set", pop.size, self.time_type)]
        for _, suffix, length, ctype in out:
            self.add_array(f"{sg.name}.{side}.{suffix}", ctype, length)
        return out

    @staticmethod
    def needs_event_times(sg: "SynapseGroup", side: str) -> bool:
        import re
        pattern = re.compile(rf"\b(set_{side}|prev_set_{side})\b")
        return any(pattern.search(c) for c in sg.wu_model.code_sections().values())

    def _model_var_block(self, code: GroupCode, env: Environment, prefix: str, array_prefix: str,
                         specs, size: int) -> Dict[str, Tuple[str, types.NumericType]]:
        regs = {}
        for spec in specs:
            ctype = self.ctype(spec.type)
            self.add_array(f"{array_prefix}{spec.name}", ctype, size)
            regs[spec.name] = (code.array(f"{prefix}v_{spec.name}", f"{array_prefix}{spec.name}", ctype), ctype)
            env.add_variable(spec.name, ctype, read_only=spec.read_only, printed=f"_l{prefix}{spec.name}")
        return regs

    def _wrap_piece(self, prefix: str, regs, translation, before: str = "", after: str = "") -> str:
        used = {v for v in regs if v in translation.referenced}
        loads = [f"{regs[v][1].name} _l{prefix}{v} = {regs[v][0]}[id];" for v in used]
        stores = [f"{regs[v][0]}[id] = _l{prefix}{v};" for v in used if v in translation.assigned]
        body = "\n".join([before] + loads + [translation.text] + stores + [after])
        return "{\n" + _indent(body.strip()) + "\n}"

    def _neuron_ref_env(self, env: Environment, refs: Dict[str, str], specs, regs) -> None:
        for spec in specs:
            var = refs[spec.name]
            env.add_variable(spec.name, regs[var][1], read_only=spec.read_only, printed=f"_l{var}")

    def _injecting_env(self, code: GroupCode, neuron_env: Environment, prefix: str, group, role: str, model,
                       params: Dict[str, Any], egps, var_array_prefix: str, refs: Dict[str, str], ref_specs,
                       neuron_regs, target_var: str):
        """Environment of a model that injects current into a neuron (postsynaptic model or
        current source): its variables in registers, parameters, EGPs, neuron variable
        references and ``injectCurrent``."""
        env = Environment(neuron_env)
        regs = self._model_var_block(code, env, prefix, var_array_prefix, model.vars, neuron_env_size(code))
        self.add_params(env, code, prefix + "p_", model, params, (group, role))
        self.add_egps(env, code, prefix, group, egps)
        self._neuron_ref_env(env, refs, ref_specs, neuron_regs)
        target = f"_in_{target_var}"
        env.add_function("injectCurrent", FunctionSpec([self.scalar], None,
                                                       lambda a: f"{target} += {a[0][0]}"))
        return env, regs

    def postsynaptic_piece(self, code: GroupCode, neuron_env: Environment, sg: "SynapseGroup", i: int,
                           neuron_regs, dendritic: bool) -> Tuple[str, Any]:
        prefix = f"ps{i}_"
        env, regs = self._injecting_env(code, neuron_env, prefix, sg, "ps", sg.ps_model, sg.ps_resolved_params(),
                                        sg.psm_extra_global_params, f"{sg.name}.psm.", sg.psm_var_refs,
                                        sg.ps_model.neuron_var_refs, neuron_regs, sg.post_target_var)
        env.add_variable("inSyn", self.scalar, read_only=False, printed="_inSyn")
        t = self.translate(sg.ps_model.sim_code, env, f"{sg.ps_model.describe()} of {sg.describe()}",
                           "sim_code")
        self.add_array(f"{sg.name}.outPost", self.scalar, sg.trg.size)
        out = code.array(prefix + "outPost", f"{sg.name}.outPost", self.scalar)
        before = f"{self.scalar.name} _inSyn = {out}[id];"
        if dendritic:
            ring = self.dendritic_ring_length(sg)
            max_d = code.value(prefix + "max_dendritic_delay", ring, types.Uint32)
            self.add_array(f"{sg.name}.denDelay", self.scalar, ring * sg.trg.size)
            dd = code.array(prefix + "denDelay", f"{sg.name}.denDelay", self.scalar)
            # the ring row of this step through a pointer, so the neuron's own slot is still
            # indexed by [id]: the C backend's loops then see a unit-stride access and vectorise
            before += (f"\nGENN_GLOBAL {self.scalar.name}* const _ddRow = {dd} + (uint64_t)(timestep % {max_d}) * @@num_neurons@@;"
                       f"\n_inSyn += _ddRow[id];\n_ddRow[id] = {_literal(0, self.scalar)};")
        return self._wrap_piece(prefix, regs, t, before, f"{out}[id] = _inSyn;"), t

    def current_source_piece(self, code: GroupCode, neuron_env: Environment, cs: "CurrentSource", j: int,
                             neuron_regs) -> Tuple[str, Any]:
        prefix = f"cs{j}_"
        env, regs = self._injecting_env(code, neuron_env, prefix, cs, "cs", cs.model, cs.resolved_params(),
                                        cs.extra_global_params, f"{cs.name}.", cs.var_refs,
                                        cs.model.neuron_var_refs, neuron_regs, cs.target_var)
        t = self.translate(cs.model.injection_code, env, f"{cs.model.describe()} of {cs.describe()}",
                           "injection_code")
        return self._wrap_piece(prefix, regs, t), t

    # -- synapse update ------------------------------------------------------------
    def weight_update_env(self, code: GroupCode, sg: "SynapseGroup", exclusive: bool) -> Environment:
        """Environment of per-synapse weight update code (spikes, events, learning, dynamics).

        ``exclusive``: each thread owns one postsynaptic neuron, so ``addToPost``
        sums into a register (``_lacc``) instead of using atomics.
        """
        env = Environment(self.base_env())
        sparse = sg.matrix_type == SynapseMatrixType.SPARSE
        num_pre = code.value("num_pre", sg.src.size, types.Uint32)
        num_post = code.value("num_post", sg.trg.size, types.Uint32)
        code.value("row_stride", sg.max_connections, types.Uint32)
        for name, printed in (("id_pre", "id_pre"), ("id_post", "id_post"), ("id_syn", "id_syn"),
                              ("num_pre", num_pre), ("num_post", num_post)):
            env.add_variable(name, types.Uint32, printed=printed)
        env.add_variable("t", self.time_type, printed="t")
        syn_size = sg.src.size * (sg.max_connections if sparse else sg.trg.size)
        for spec in sg.wu_model.vars:
            ctype = self.ctype(spec.type)
            self.add_array(f"{sg.name}.{spec.name}", ctype, syn_size)
            arr = code.array(f"v_{spec.name}", f"{sg.name}.{spec.name}", ctype)
            env.add_variable(spec.name, ctype, read_only=spec.read_only, printed=f"{arr}[id_syn]")
        self.add_params(env, code, "p_", sg.wu_model, sg.wu_resolved_params(), (sg, "wu"))
        self.add_egps(env, code, "", sg, sg.extra_global_params)
        for refs, specs, pop, index, key in ((sg.pre_var_refs, sg.wu_model.pre_neuron_var_refs, sg.src,
                                              "id_pre", "pre"),
                                             (sg.post_var_refs, sg.wu_model.post_neuron_var_refs, sg.trg,
                                              "id_post", "post")):
            for spec in specs:
                ctype = self.ctype(spec.type)
                arr = code.array(f"{key}ref_{spec.name}", f"{pop.name}.{refs[spec.name]}", ctype)
                env.add_variable(spec.name, ctype, read_only=spec.read_only, printed=f"{arr}[{index}]")
        # Pre/postsynaptic weight update variables are written by their neurons' code only.
        for specs, prefix, index, size in ((sg.wu_model.pre_vars, "pre", "id_pre", sg.src.size),
                                           (sg.wu_model.post_vars, "post", "id_post", sg.trg.size)):
            for spec in specs:
                ctype = self.ctype(spec.type)
                self.add_array(f"{sg.name}.{prefix}.{spec.name}", ctype, size)
                arr = code.array(f"w{prefix}_{spec.name}", f"{sg.name}.{prefix}.{spec.name}", ctype)
                env.add_variable(spec.name, ctype, read_only=True, printed=f"{arr}[{index}]")
        for pop, suffix, index in ((sg.src, "pre", "id_pre"), (sg.trg, "post", "id_post")):
            if self.needs_spike_times(pop):
                for name in ("st", "prev_st"):
                    arr = code.array(f"{name}_{suffix}", f"{pop.name}.{name}", self.time_type)
                    env.add_variable(f"{name}_{suffix}", self.time_type, printed=f"{arr}[{index}]")
        for side, pop, index in (("pre", sg.src, "id_pre"), ("post", sg.trg, "id_post")):
            if self.needs_event_times(sg, side):
                slots = self.target.delay_slots(pop.max_axonal_delay)
                for key, suffix, _, ctype in self.event_arrays(sg, side, slots)[2:]:
                    arr = code.array(f"{side}{key}", f"{sg.name}.{side}.{suffix}", ctype)
                    env.add_variable(f"{suffix}_{side}", ctype, printed=f"{arr}[{index}]")
        scalar = self.scalar
        psm = self.psm_owner[sg.name]  # fused postsynaptic models share their owner's buffers
        self.add_array(f"{psm.name}.outPost", scalar, sg.trg.size)
        out = code.array("outPost", f"{psm.name}.outPost", scalar)
        post_target = "_lacc" if exclusive and self.target.parallel else f"{out}[id_post]"
        env.add_function("addToPost", FunctionSpec(
            [scalar], None,
            lambda a: self.target.accumulate(post_target, a[0][0], scalar, exclusive).rstrip(";")))
        if sg.uses_add_to_pre:
            self.add_array(f"{sg.name}.outPre", scalar, sg.src.size)
            out_pre = code.array("outPre", f"{sg.name}.outPre", scalar)
            env.add_function("addToPre", FunctionSpec(
                [scalar], None, lambda a: self.target.accumulate(f"{out_pre}[id_pre]", a[0][0], scalar).rstrip(";")))
        if sg.uses_dendritic_delay:
            ring = self.dendritic_ring_length(sg)
            max_d = code.value("max_dendritic_delay", ring, types.Uint32)
            self.add_array(f"{psm.name}.denDelay", scalar, ring * sg.trg.size)
            dd = code.array("denDelay", f"{psm.name}.denDelay", scalar)
            env.add_function("addToPostDelay", FunctionSpec(
                [scalar, types.Uint32], None,
                lambda a: self.target.accumulate(
                    f"{dd}[(uint32_t)((timestep + (uint64_t)({a[1][0]})) % {max_d}) * {num_post} + id_post]",
                    a[0][0], scalar, exclusive).rstrip(";")))
        if sparse:
            self.add_sparse_arrays(code, sg)
        code.meta["sparse"] = sparse
        return env

    def synapse_rng(self, code: GroupCode, sg: "SynapseGroup", purpose: str, *translations) -> str:
        return self.rng_init(code.value("stream", stream_id(f"{sg.name}/{purpose}"), types.Uint32),
                             "id_syn", "(uint32_t)timestep") if self.uses_rng(*translations) else ""

    def propagation(self, sg: "SynapseGroup", side: str, exclusive: bool, purpose: str) -> GroupCode:
        """Code run per spike and per spike-like event of one side of a synapse group:
        ``pre_spike_syn_code``/``pre_event_syn_code`` (side "pre", by row) or
        ``post_spike_syn_code``/``post_event_syn_code`` (side "post", by column)."""
        wu = sg.wu_model
        code = GroupCode(sg)
        env = self.weight_update_env(code, sg, exclusive=exclusive)
        owner = f"{wu.describe()} of {sg.describe()}"
        body = self.translate(getattr(wu, f"{side}_spike_syn_code"), env, owner, f"{side}_spike_syn_code")
        event_body = self.translate(getattr(wu, f"{side}_event_syn_code"), env, owner, f"{side}_event_syn_code")
        code.sections["body"] = body.text
        code.sections["event_body"] = event_body.text
        queue = "src" if side == "pre" else "trg"
        pop = sg.src if side == "pre" else sg.trg
        if getattr(wu, f"{side}_event_syn_code"):
            code.array(f"{queue}EvCnt", f"{sg.name}.{side}.spkCntEvnt", types.Uint32)
            code.array(f"{queue}EvSpk", f"{sg.name}.{side}.spkEvnt", types.Uint32)
        self.event_record_zeroing(code, sg, side)
        code.sections["rng"] = self.synapse_rng(code, sg, purpose, body, event_body)
        code.value("delay_slots", self.target.delay_slots(pop.max_axonal_delay), types.Uint32)
        code.array(f"{queue}SpkCnt", f"{pop.name}.spkCnt", types.Uint32)
        code.array(f"{queue}Spk", f"{pop.name}.spk", types.Uint32)
        return code

    def presynaptic_update(self, sg: "SynapseGroup") -> Optional[GroupCode]:
        """Spike and presynaptic spike-like event propagation, by row."""
        wu = sg.wu_model
        if not (wu.pre_spike_syn_code or wu.pre_event_syn_code):
            return None
        strategy = self.strategy(sg)
        code = self.propagation(sg, "pre", strategy == "dense_post", "update")
        code.meta["strategy"] = strategy
        if strategy.endswith("_pre"):
            code.value("threads_per_spike", max(1, int(sg.num_threads_per_spike)), types.Uint32)
        code.value("axonal_delay", sg.axonal_delay_steps, types.Uint32)
        return code

    def event_record_zeroing(self, code: GroupCode, sg: "SynapseGroup", side: str) -> None:
        """SIMT neuron kernels OR event bits into global memory, so the step's recording row is
        cleared earlier in the step, by the kernel that propagates those events."""
        pop = sg.src if side == "pre" else sg.trg
        code.meta["event_record"] = bool(pop.spike_event_recording_enabled
                                         and getattr(sg.wu_model, f"{side}_event_syn_code"))
        if code.meta["event_record"]:
            code.array("evRec", f"{sg.name}.{side}.recordSpkEvnt", types.Uint32)
            code.value("ev_words", words_per_step(pop.size), types.Uint32)

    def postsynaptic_update(self, sg: "SynapseGroup") -> Optional[GroupCode]:
        """Learning on postsynaptic spikes (``post_spike_syn_code``) and postsynaptic spike-like
        events (``post_event_syn_code``), by column."""
        if not sg.needs_columns:
            return None
        code = self.propagation(sg, "post", False, "learn_post")
        code.value("back_prop_delay", sg.back_prop_delay_steps, types.Uint32)
        if code.meta["sparse"]:
            self.add_column_arrays(code, sg)
        return code

    def synapse_dynamics(self, sg: "SynapseGroup") -> Optional[GroupCode]:
        """Time-driven update of every synapse (``synapse_dynamics_code``)."""
        if not sg.wu_model.synapse_dynamics_code:
            return None
        code = GroupCode(sg)
        env = self.weight_update_env(code, sg, exclusive=False)
        body = self.translate(sg.wu_model.synapse_dynamics_code, env, f"{sg.wu_model.describe()} of "
                              f"{sg.describe()}", "synapse_dynamics_code")
        code.sections["body"] = body.text
        code.sections["rng"] = self.synapse_rng(code, sg, "dynamics", body)
        return code

    def add_column_arrays(self, code: GroupCode, sg: "SynapseGroup") -> None:
        """Column structure of SPARSE connectivity: per postsynaptic neuron, its synapses' indices."""
        col_stride = sg.max_source_connections
        self.add_array(f"{sg.name}.colLength", types.Uint32, sg.trg.size)
        self.add_array(f"{sg.name}.remap", types.Uint32, sg.trg.size * col_stride)
        code.array("colLength", f"{sg.name}.colLength", types.Uint32)
        code.array("remap", f"{sg.name}.remap", types.Uint32)
        code.value("col_stride", col_stride, types.Uint32)

    def connectivity_remap(self, sg: "SynapseGroup") -> Optional[GroupCode]:
        """Builds the column structure after connectivity initialisation."""
        if sg.matrix_type != SynapseMatrixType.SPARSE or not sg.needs_columns:
            return None
        code = GroupCode(sg)
        code.value("num_pre", sg.src.size, types.Uint32)
        code.value("num_post", sg.trg.size, types.Uint32)
        code.value("row_stride", sg.max_connections, types.Uint32)
        self.add_sparse_arrays(code, sg)
        self.add_column_arrays(code, sg)
        self.error_slots.append(sg.name + "/columns")
        self.add_array("errors", types.Uint32, 0)
        code.array("errors", "errors", types.Uint32)
        code.value("error_slot", len(self.error_slots) - 1, types.Uint32)
        code.sections["body"] = ""
        return code

    def custom_update(self, cu) -> GroupCode:
        """An on-demand update over the elements its variable references point at.

        Reduction variables (REDUCE_NEURON_SUM/MAX) are accumulated over the
        elements in order, by one thread per group on SIMT targets, so every
        backend sums in the same order.
        """
        code = GroupCode(cu)
        owner = f"{cu.model.describe()} of {cu.describe()}"
        env = Environment(self.base_env())
        env.add_variable("t", self.time_type, printed="t")
        neuron_shaped = cu.shape[0] == "neuron"
        if neuron_shaped:
            index = "id"
            env.add_variable("id", types.Uint32, printed="id")
            env.add_variable("num_neurons", types.Uint32,
                             printed=code.value("num_neurons", cu.shape[1], types.Uint32))
        else:
            index = "id_syn"
            sg = cu.shape[1]
            for name in ("id_pre", "id_post", "id_syn"):
                env.add_variable(name, types.Uint32, printed=name)
            env.add_variable("num_pre", types.Uint32, printed=code.value("num_pre", sg.src.size, types.Uint32))
            env.add_variable("num_post", types.Uint32, printed=code.value("num_post", sg.trg.size, types.Uint32))
            code.value("row_stride", sg.max_connections, types.Uint32)
            if sg.matrix_type == SynapseMatrixType.SPARSE:
                self.add_sparse_arrays(code, sg)
        code.meta["shape"] = "neuron" if neuron_shaped else (
            "sparse" if cu.shape[1].matrix_type == SynapseMatrixType.SPARSE else "dense")
        self.add_params(env, code, "p_", cu.model, cu.resolved_params(), (cu, "cu"))
        self.add_egps(env, code, "", cu, cu.extra_global_params)
        for name, ref in cu.egp_refs.items():
            self.add_array(ref.array_name, ref.egp.type, 0)
            env.add_variable(name, types.PointerType(ref.egp.type), read_only=False,
                             printed=code.array(f"egpref_{name}", ref.array_name, ref.egp.type))
        loads, stores, reductions = [], [], []
        for spec in cu.model.vars:
            ctype = self.ctype(spec.type)
            self.add_array(f"{cu.name}.{spec.name}", ctype, 1 if spec.shared else cu.size)
            arr = code.array(f"v_{spec.name}", f"{cu.name}.{spec.name}", ctype)
            if spec.reduction:
                env.add_variable(spec.name, ctype, read_only=False, printed=f"_lred_{spec.name}")
                loads.append(f"{ctype.name} _lred_{spec.name} = {_literal(0, ctype)};")
                reductions.append((spec.name, spec.reduction, ctype, arr))
            elif spec.shared:
                env.add_variable(spec.name, ctype, read_only=True, printed=f"{arr}[0]")
            else:
                env.add_variable(spec.name, ctype, read_only=spec.read_only, printed=f"_l{spec.name}")
                loads.append(f"{ctype.name} _l{spec.name} = {arr}[{index}];")
                if not spec.read_only:
                    stores.append(f"{arr}[{index}] = _l{spec.name};")
        transposes = []
        for spec in cu.model.var_refs:
            ref = cu.var_refs[spec.name]
            ctype = self.ctype(spec.type)
            arr = code.array(f"ref_{spec.name}", ref.array_name(), ctype)
            # The reference's access mode decides: a model's READ_ONLY variables are read-only to
            # that model's own code, but custom updates (e.g. weight clipping) may write them.
            env.add_variable(spec.name, ctype, read_only=spec.read_only, printed=f"{arr}[{index}]")
            if ref.transpose_group is not None:
                target = code.array(f"tp_{spec.name}", f"{ref.transpose_group.name}.{ref.transpose_var}", ctype)
                transposes.append(f"{target}[id_post * @@num_pre@@ + id_pre] = {arr}[id_syn];")
        body = self.translate(cu.model.update_code, env, owner, "update_code")
        code.sections["body"] = "\n".join(loads + [body.text] + stores + transposes)
        code.sections["rng"] = self.rng_init(code.value("stream", stream_id(f"{cu.name}/update"), types.Uint32),
                                             index, "(uint32_t)timestep") if self.uses_rng(body) else ""
        code.sections["reduce_init"] = "\n".join(
            f"{ctype.name} _racc_{name} = {_literal(float('-inf') if op == 'max' else 0, ctype)};"
            for name, op, ctype, _ in reductions)
        code.sections["reduce"] = "\n".join(
            f"_racc_{name} += _lred_{name};" if op == "sum" else
            f"_racc_{name} = (_lred_{name} > _racc_{name}) ? _lred_{name} : _racc_{name};"
            for name, op, _, _ in reductions)
        code.sections["reduce_write"] = "\n".join(f"{arr}[0] = _racc_{name};" for name, _, _, arr in reductions)
        code.meta["reduction"] = bool(reductions)
        return code

    def needs_spike_times(self, pop: "NeuronGroup") -> bool:
        """Whether any code reads the spike times of ``pop``."""
        import re
        own = re.compile(r"\b(st|prev_st)\b")
        if any(own.search(c) for c in pop.model.code_sections().values()):
            return True
        pre = re.compile(r"\b(st_pre|prev_st_pre)\b")
        post = re.compile(r"\b(st_post|prev_st_post)\b")
        return any(pre.search(c) for sg in pop.out_syn for c in sg.wu_model.code_sections().values()) or \
            any(post.search(c) for sg in pop.in_syn for c in sg.wu_model.code_sections().values())

    def strategy(self, sg: "SynapseGroup") -> str:
        """How spikes of ``sg`` are propagated on SIMT targets.

        ``dense_post``: a thread per postsynaptic neuron loops over spikes;
        ``sparse_post``: a thread per row position loops over spikes;
        ``*_pre``: ``num_threads_per_spike`` threads per spike loop over its row.
        """
        from pygenn_cl.enums import ParallelismHint
        kind = "sparse" if sg.matrix_type == SynapseMatrixType.SPARSE else "dense"
        return f"{kind}_pre" if sg.parallelism_hint == ParallelismHint.PRESYNAPTIC else f"{kind}_post"

    def add_sparse_arrays(self, code: GroupCode, sg: "SynapseGroup") -> None:
        self.add_array(f"{sg.name}.rowLength", types.Uint32, sg.src.size)
        self.add_array(f"{sg.name}.ind", sg.sparse_index_type, sg.src.size * sg.max_connections)
        code.array("rowLength", f"{sg.name}.rowLength", types.Uint32)
        code.array("ind", f"{sg.name}.ind", sg.sparse_index_type)
        code.meta["index_type"] = sg.sparse_index_type.name

    # -- initialisation ------------------------------------------------------------
    def var_init_blocks(self, code: GroupCode, env: Environment, owner: str, entries, element: str,
                        index: str) -> List[str]:
        """Blocks initialising variables from their snippets; ``entries`` = (key, array name, VarValue, type)."""
        blocks = []
        for key, array_name, value, ctype in entries:
            if value.init is None or value.init.snippet.class_name == "Uninitialised":
                continue
            snippet = value.init.snippet
            venv = Environment(env)
            for spec in snippet.extra_global_params:
                egp_type = types.parse_type(spec.type, self.scalar).value_type
                group_name, var_path = array_name.split(".", 1)  # as GroupBase._make_vars names them
                egp_array = f"{group_name}.egp.{var_path}.init.{spec.name}"
                self.add_array(egp_array, egp_type, 0)
                venv.add_variable(spec.name, types.PointerType(egp_type), read_only=True,
                                  printed=code.array(f"{key}_egp_{spec.name}", egp_array, egp_type))
            venv.add_variable("value", ctype, read_only=False, printed="_value")
            for name, ptype in param_types(snippet, self.scalar).items():
                venv.add_variable(name, ptype, printed=code.value(f"{key}_{name}", value.params[name], ptype))
            t = self.translate(snippet.var_init_code, venv, f"{snippet.describe()} of {owner} variable "
                               f"'{array_name.rsplit('.', 1)[-1]}'", "var_init_code")
            arr = code.array(key, array_name, ctype)
            rng = self.rng_init(code.value(f"{key}_stream", stream_id(f"{array_name}/init"), types.Uint32),
                                element, INIT_STEP) if self.uses_rng(t) else ""
            body = "\n".join(x for x in (rng, f"{ctype.name} _value = {_literal(0, ctype)};", t.text,
                                         f"{arr}[{index}] = _value;") if x)
            blocks.append("{\n" + _indent(body) + "\n}")
        return blocks

    def neuron_init(self, ng: "NeuronGroup") -> Optional[GroupCode]:
        code = GroupCode(ng)
        env = Environment(self.base_env())
        env.add_variable("id", types.Uint32, printed="id")
        env.add_variable("num_neurons", types.Uint32, printed=code.value("num_neurons", ng.size, types.Uint32))
        entries = [(f"v_{n}", v.array_name, v.init, v.type) for n, v in ng.vars.items()]
        for sg in ng.in_syn:
            entries += [(f"{sg.name}_psm_{n}", v.array_name, v.init, v.type) for n, v in sg.psm_vars.items()]
        for cs in ng.current_sources:
            entries += [(f"{cs.name}_cs_{n}", v.array_name, v.init, v.type) for n, v in cs.vars.items()]
        for sg in ng.out_syn:
            entries += [(f"{sg.name}_wpre_{n}", v.array_name, v.init, v.type) for n, v in sg.pre_vars.items()]
        for sg in ng.in_syn:
            entries += [(f"{sg.name}_wpost_{n}", v.array_name, v.init, v.type) for n, v in sg.post_vars.items()]
        blocks = self.var_init_blocks(code, env, ng.describe(), [(_key(k), a, v, t) for k, a, v, t in entries],
                                      "id", "id")
        if self.needs_spike_times(ng):
            lowest = _literal(-self.time_type.max, self.time_type)
            for name in ("st", "prev_st"):
                arr = code.array(name, f"{ng.name}.{name}", self.time_type)
                blocks.append(f"{arr}[id] = {lowest};")
        if not blocks:
            return None
        code.sections["body"] = "\n".join(blocks)
        return code

    def synapse_env(self, code: GroupCode, sg: "SynapseGroup",
                    indices=("id_pre", "id_post", "id_syn")) -> Environment:
        env = Environment(self.base_env())
        for name in indices:
            env.add_variable(name, types.Uint32, printed=name)
        env.add_variable("num_pre", types.Uint32, printed=code.value("num_pre", sg.src.size, types.Uint32))
        env.add_variable("num_post", types.Uint32, printed=code.value("num_post", sg.trg.size, types.Uint32))
        return env

    def synapse_var_init(self, sg: "SynapseGroup", kind: str) -> Optional[GroupCode]:
        code = GroupCode(sg)
        env = self.synapse_env(code, sg)
        entries = [(_key(f"v_{n}"), v.array_name, v.init, v.type) for n, v in sg.vars.items()]
        blocks = self.var_init_blocks(code, env, sg.describe(), entries, "id_syn", "id_syn")
        if not blocks:
            return None
        code.sections["body"] = "\n".join(blocks)
        code.value("row_stride", sg.max_connections, types.Uint32)
        if kind == "sparse":
            self.add_sparse_arrays(code, sg)
        return code

    def connectivity_init(self, sg: "SynapseGroup") -> Optional[GroupCode]:
        snippet = sg.connectivity_init.snippet
        if snippet.class_name == "Uninitialised" and not (snippet.row_build_code or snippet.col_build_code):
            return None
        code = GroupCode(sg)
        owner = f"{snippet.describe()} of {sg.describe()}"
        by_row = bool(snippet.row_build_code)
        env = self.synapse_env(code, sg, ("id_pre",) if by_row else ("id_post",))
        env.add_variable("id_post_begin", types.Uint32, printed="0u")
        env.add_variable("id_pre_begin", types.Uint32, printed="0u")
        env.add_variable("id_thread", types.Uint32, printed="0u")
        env.add_variable("num_threads", types.Uint32, printed="1u")
        params = sg._conn_params()
        self.add_egps(env, code, "c_", sg, sg.connectivity_extra_global_params)
        for name, ptype in param_types(snippet, self.scalar).items():
            env.add_variable(name, ptype, printed=code.value(f"c_{name}", params[name], ptype))
        self.add_sparse_arrays(code, sg)
        stride = code.value("row_stride", sg.max_connections, types.Uint32)
        ind_type = sg.sparse_index_type.name
        # addSynapse() is printed as an expression (it may appear anywhere a call may);
        # its argument is evaluated exactly once.
        if by_row:
            env.add_function("addSynapse", FunctionSpec(None, None, lambda a: (
                f"((_rl < {stride}) ? (void)(_a_ind[(uint64_t)id_pre * {stride} + _rl++] = ({ind_type})({a[0][0]})) "
                f": (void)(_overflow = 1u))")))
        else:
            increment = "_a_rowLength[_pre]++" if not self.target.parallel \
                else "genn_atomic_inc_u32(&_a_rowLength[_pre])"
            env.add_function("addSynapse", FunctionSpec(None, None, lambda a: (
                f"(_pre = (uint32_t)({a[0][0]}), _r = {increment}, (_r < {stride}) "
                f"? (void)(_a_ind[(uint64_t)_pre * {stride} + _r] = ({ind_type})id_post) : (void)(_overflow = 1u))")))
        multinomial = snippet.row_length_multinomial_param
        if multinomial:
            self.add_array(f"{sg.name}.preCalcRowLength", types.Uint32, sg.src.size)
            code.array("preCalcRowLength", f"{sg.name}.preCalcRowLength", types.Uint32)
            env.add_variable("row_length", types.Uint32, printed="_a_preCalcRowLength[id_pre]")
            code.sections["prelude"] = self.multinomial_prelude(
                code, code.value("c_total", params[multinomial], types.Uint32), sg)
        section = "row_build_code" if by_row else "col_build_code"
        t = self.translate(getattr(snippet, section), env, owner, section)
        element = "id_pre" if by_row else "id_post"
        code.sections["rng"] = self.rng_init(code.value("stream", stream_id(f"{sg.name}/connectivity"),
                                                        types.Uint32), element, CONNECTIVITY_STEP) \
            if self.uses_rng(t) else ""
        code.sections["body"] = t.text
        code.meta["by_row"] = by_row
        code.meta["multinomial"] = bool(multinomial)
        self.error_slots.append(sg.name)
        self.add_array("errors", types.Uint32, 0)
        code.array("errors", "errors", types.Uint32)
        code.value("error_slot", len(self.error_slots) - 1, types.Uint32)
        return code

    def multinomial_prelude(self, code: GroupCode, total: str, sg: "SynapseGroup") -> str:
        s = "f" if self.scalar == types.Float else "d"
        rng = self.rng_init(code.value("multinomial_stream", stream_id(f"{sg.name}/row_lengths"),
                                       types.Uint32), "0", MULTINOMIAL_STEP)
        n = "@@num_pre@@"
        return "\n".join([
            rng,
            f"uint32_t _remaining = {total};",
            f"for (uint32_t _i = 0; _i < {n}; _i++) {{",
            f"    const uint32_t _n = (_i == {n} - 1u) ? _remaining : "
            f"genn_binomial_{s}(&_rng, _remaining, ({self.scalar.name})1 / ({self.scalar.name})({n} - _i));",
            "    _a_preCalcRowLength[_i] = _n;",
            "    _remaining -= _n;",
            "}"])

    # -- whole model ---------------------------------------------------------------
    def generate(self) -> ModelIR:
        model = self.model
        for ng in model.neuron_populations.values():
            self._check_no_egp_conflicts(ng)
        neuron_update = [self.neuron_update(ng) for ng in model.neuron_populations.values()]
        sgs = list(model.synapse_populations.values())
        presynaptic = [c for c in map(self.presynaptic_update, sgs) if c]
        postsynaptic = [c for c in map(self.postsynaptic_update, sgs) if c]
        dynamics = [c for c in map(self.synapse_dynamics, sgs) if c]
        neuron_init = [c for c in (self.neuron_init(ng) for ng in model.neuron_populations.values()) if c]
        dense_init = [c for c in (self.synapse_var_init(sg, "dense") for sg in sgs
                                  if sg.matrix_type == SynapseMatrixType.DENSE) if c]
        conn_init = [c for c in (self.connectivity_init(sg) for sg in sgs
                                 if sg.matrix_type == SynapseMatrixType.SPARSE) if c]
        sparse_init = [c for c in (self.synapse_var_init(sg, "sparse") for sg in sgs
                                   if sg.matrix_type == SynapseMatrixType.SPARSE) if c]
        remap = [c for c in map(self.connectivity_remap, sgs) if c]
        update_groups: Dict[str, List[GroupCode]] = {}
        for cu in model.custom_updates.values():
            update_groups.setdefault(cu.group_name, []).append(self.custom_update(cu))
        if "errors" in self.arrays:
            self.arrays["errors"] = ArraySpec("errors", types.Uint32, len(self.error_slots))
        kernels = {}
        table = 0
        for kind, codes in (("neuron_update", neuron_update), ("synapse_dynamics", dynamics),
                            ("presynaptic_update", presynaptic), ("postsynaptic_update", postsynaptic),
                            ("neuron_init", neuron_init), ("dense_init", dense_init),
                            ("connectivity_init", conn_init), ("connectivity_remap", remap),
                            ("sparse_init", sparse_init)):
            kernels[kind] = merge(kind, codes, table)
            table += len(kernels[kind])
        custom_update_groups = {}
        for index, (name, codes) in enumerate(update_groups.items()):
            kind = f"custom_update{index}_"
            kernels[kind] = merge(kind, codes, table)
            table += len(kernels[kind])
            custom_update_groups[name] = index
        return ModelIR(model.name, self.scalar, self.time_type, model.dt, self.arrays, kernels, table,
                       list(self.error_slots), model.timing_enabled, custom_update_groups)

    def _check_no_egp_conflicts(self, ng: "NeuronGroup") -> None:
        names = {v.name for v in ng.model.vars} | {p.name for p in ng.model.params}
        clash = names & set(ng.extra_global_params)
        if clash:
            raise ValueError(f"{ng.describe()}: names used twice in {ng.model.describe()}: {', '.join(clash)}")


def neuron_env_size(code: GroupCode) -> int:
    """Number of neurons of the neuron group a piece of code belongs to."""
    return code.values["num_neurons"][0]


def _key(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in text)


def _indent(text: str, n: int = 4) -> str:
    return "\n".join((" " * n + line) if line else line for line in text.splitlines())


def _literal(value: Any, ctype: types.NumericType) -> str:
    from .ir import format_literal
    return format_literal(value, ctype)


def generate_model(model: "GeNNModel", target: CodeTarget) -> ModelIR:
    """Generate the backend-neutral IR of ``model`` for ``target``."""
    return Generator(model, target).generate()

"""State and helpers shared by the kernel families of the generator.

A :class:`Context` holds what one generation of one model for one code target accumulates
(the arrays of the model's memory, error slots, the table of user code sections) and the
helpers every family uses: environments, parameters, extra global parameters, the
transpiler, random number set-up and queries on which names code references.
"""
from __future__ import annotations

import re
import zlib
from typing import Dict, Iterable, List, Optional, Tuple

from .. import description as d
from .. import names, types
from ..ir import (ArrayLength, ArraySpec, ErrorSlot, GroupCode, RuntimeCheck, UserCode, after_user_code_file,
                  format_literal, user_code_file)
from ..names import ERRORS_ARRAY
from ..targets import CodeTarget
from ..transpiler import (Environment, ErrorContext, FunctionSpec, Translation, referenced_identifiers,
                          subscripted_identifiers, translate_expression, translate_statements)

RNG_FUNCTIONS = ("gennrand", "gennrand_uniform", "gennrand_normal", "gennrand_exponential",
                 "gennrand_log_normal", "gennrand_gamma", "gennrand_binomial")

#: What the division hook and ``addToPostDelay`` print for their run-time checks' numbers;
#: :meth:`Context.translate` replaces them once the translated text is known, with a check that
#: every group sharing the text shares (literals, so merged groups' code stays the same and
#: hot loops read no struct field for them).
DIVISION_CHECK = "@@division_check@@"
DENDRITIC_DELAY_CHECK = "@@dendritic_delay_check@@"
DELAYED_READ_CHECK = "@@delayed_read_check@@"
_SHARED_CHECKS = {
    DIVISION_CHECK: "{groups}: integer division by zero in {origin}",
    DENDRITIC_DELAY_CHECK: "{groups}: addToPostDelay was given a delay of {detail} steps in {origin}, but "
                           "delays must be less than max_dendritic_delay_timesteps; set it higher before build()",
    DELAYED_READ_CHECK: "{groups}: a postsynaptic variable was read {detail} steps back ('name[delay]') in {origin}, "
                        "but delays must be less than max_dendritic_delay_timesteps; set it higher before build()",
}
#: Sections of weight update code that run per synapse, in the synapse kernels (the others run in
#: the update of the pre- or postsynaptic neuron).
SYNAPSE_SECTIONS = ("pre_spike_syn_code", "pre_event_syn_code", "post_spike_syn_code", "post_event_syn_code",
                    "synapse_dynamics_code")
_INT_SUFFIX = {"int32_t": "i32", "uint32_t": "u32", "int64_t": "i64", "uint64_t": "u64"}
#: Code sections that run while the model is initialised (their checks are looked at after it).
INIT_SECTIONS = ("var_init_code", "row_build_code", "col_build_code")


def division(op: str, left: str, right: str, ctype: types.NumericType) -> str:
    """Printer hook: an integer division or remainder whose divisor is checked at run time."""
    return f"genn_{'div' if op == '/' else 'mod'}_{_INT_SUFFIX[ctype.name]}({left}, {right}, GENN_ERRORS, " \
           f"{DIVISION_CHECK})"


# A loop bound the printer saw: an integer literal, or a value placeholder.
_LOOP_BOUND = re.compile(r"\(?\s*(?:(-?\d+)(?:u|l|ul|ll|ull)?|@@([A-Za-z0-9_]+)@@)\s*\)?")


def stream_id(name: str) -> int:
    """A stable 32-bit random stream number for a group and purpose."""
    return zlib.crc32(name.encode())


def literal(value, ctype: types.NumericType) -> str:
    return format_literal(value, ctype)


def unroll_marker(lower: str, upper: str) -> str:
    """Printer hook: a placeholder before ``for`` loops whose bounds are literals or
    parameters, resolved at merge time to ``GENN_UNROLL_HINT`` for short loops (see
    :func:`codegen.ir._unroll_hint`)."""
    parts = []
    for text in (lower, upper):
        match = _LOOP_BOUND.fullmatch(text.strip())
        if not match:
            return ""
        parts.append("=" + match.group(1) if match.group(1) is not None else match.group(2))
    return f"@@unroll:{parts[0]}:{parts[1]}@@"


class Context:
    """One generation of one model for one code target."""

    def __init__(self, desc: d.ModelDescription, target: CodeTarget):
        self.desc = desc
        self.target = target
        self.scalar = desc.precision
        self.time_type = desc.time_precision
        self.arrays: Dict[str, ArraySpec] = {}
        self.error_slots: List[ErrorSlot] = []
        self.runtime_checks: List[RuntimeCheck] = []
        self._shared_checks: Dict[Tuple[str, str, str], int] = {}
        self._shared_check_groups: Dict[int, List[str]] = {}
        self.user_code: List[UserCode] = []
        self.uses_double = False
        self._user_code_index: Dict[Tuple[str, str], int] = {}
        # synapse group name -> the group whose postsynaptic model (input buffer) it uses
        self.psm_owner: Dict[str, str] = {}
        # owner synapse group -> how many synapse groups add into its input buffers
        self._psm_users: Dict[str, int] = {}
        self._ring_length: Dict[str, int] = {}
        self._fuse_postsynaptic_models()
        # array -> population whose delay slots it is kept in (see _find_delayed_arrays)
        self.delayed: Dict[str, str] = {}
        # synapse group -> delay (back-propagation, plus heterogeneous reads) of its postsynaptic reads
        self._post_read_delay: Dict[str, int] = {}
        # synapse group -> names of postsynaptic variables its code reads at a delay (name[d])
        self.heterogeneous: Dict[str, frozenset] = {}
        self._find_delayed_arrays()

    # -- the model's groups ---------------------------------------------------------------
    def in_syn(self, ng: d.NeuronGroup) -> List[d.SynapseGroup]:
        return [self.desc.synapse_group(n) for n in ng.in_syn]

    def out_syn(self, ng: d.NeuronGroup) -> List[d.SynapseGroup]:
        return [self.desc.synapse_group(n) for n in ng.out_syn]

    def current_sources(self, ng: d.NeuronGroup) -> List[d.CurrentSource]:
        return [self.desc.current_source(n) for n in ng.current_sources]

    def src(self, sg: d.SynapseGroup) -> d.NeuronGroup:
        return self.desc.neuron_group(sg.src)

    def trg(self, sg: d.SynapseGroup) -> d.NeuronGroup:
        return self.desc.neuron_group(sg.trg)

    def max_axonal_delay(self, ng: d.NeuronGroup) -> int:
        """Largest delay with which this population's spikes, or values kept in its delay slots,
        are read (axonal, back-propagation, or a postsynaptic read ``name[d]``)."""
        return max([sg.axonal_delay for sg in self.out_syn(ng)]
                   + [sg.back_prop_delay for sg in self.in_syn(ng) if sg.needs_columns]
                   + [self._post_read_delay.get(sg.name, 0) for sg in self.in_syn(ng)], default=0)

    def delay_slots(self, ng: d.NeuronGroup) -> int:
        return self.target.delay_slots(self.max_axonal_delay(ng))

    # -- values kept in delay slots ------------------------------------------------------
    def _find_delayed_arrays(self) -> None:
        """Which arrays are kept in delay slots, like spikes: what a synapse group's per-synapse
        code reads of its presynaptic side (neuron variables through references, presynaptic
        variables, spike and event times) when it has an axonal delay, and of its postsynaptic
        side with a back-propagation delay or at a delay of its own (``name[d]``, up to
        ``max_dendritic_delay_timesteps - 1`` steps).  The code then reads them as they were
        when the spike it processes was emitted.  Such an array has ``slots * size`` elements;
        the population's update writes slot ``timestep % slots`` from the values of the slot
        before."""
        for sg in self.desc.synapse_groups:
            codes = [sg.wu.section(section) for section in SYNAPSE_SECTIONS]
            used = frozenset().union(*(referenced_identifiers(c) for c in codes))
            subscripted = frozenset().union(*(subscripted_identifiers(c) for c in codes))
            post_names = {r.name for r in sg.post_refs} | {v.name for v in sg.wu_post_vars}
            hetero = frozenset(subscripted & post_names)
            self.heterogeneous[sg.name] = hetero
            for side, pop, delay, refs, variables in (
                    ("pre", sg.src, sg.axonal_delay, sg.pre_refs, sg.wu_pre_vars),
                    ("post", sg.trg, sg.back_prop_delay + (sg.max_dendritic_delay - 1 if hetero else 0),
                     sg.post_refs, sg.wu_post_vars)):
                arrays = [names.group_array(pop, r.target) for r in refs if r.name in used]
                arrays += [v.array for v in variables if v.name in used]
                if used & {f"st_{side}", f"prev_st_{side}"}:
                    arrays += [names.group_array(pop, "st"), names.group_array(pop, "prev_st")]
                if used & {f"set_{side}", f"prev_set_{side}"}:
                    arrays += [names.group_array(sg.name, f"{side}.{what}") for what in ("set", "prev_set")]
                if (delay > 0 or (side == "post" and hetero)) and arrays:
                    for array in arrays:
                        self.delayed[array] = pop
                    if side == "post":
                        self._post_read_delay[sg.name] = delay

    def slots_of(self, array: str) -> int:
        """Delay slots an array is kept in (1: not delayed)."""
        pop = self.delayed.get(array)
        return 1 if pop is None else self.delay_slots(self.desc.neuron_group(pop))

    def current_slot_offset(self, code: GroupCode, array: str, key: str, size: int) -> str:
        """Text of the offset of the current slot (the one the last step wrote) of a delayed
        array of ``size`` values per slot: what custom updates act on (values ``<key>_slots``
        and ``<key>_size``)."""
        pop = self.desc.neuron_group(self.delayed[array])
        slots = code.value(f"{key}_slots", self.delay_slots(pop), types.Uint32)
        return f"(uint64_t)((timestep + {slots} - 1u) % {slots}) * {code.value(f'{key}_size', size, types.Uint32)}"

    # -- postsynaptic model fusion --------------------------------------------------------
    def _fuse_postsynaptic_models(self) -> None:
        """With ``fuse_postsynaptic_models``, incoming synapse groups of a population whose
        postsynaptic models are the same (code, parameters, target variable, no state
        variables) share one input buffer and one postsynaptic update.

        Their dendritic-delay ring is as long as the longest member's
        ``max_dendritic_delay_timesteps``: a longer ring delivers every delay exactly as a
        shorter one would.
        """
        for ng in self.desc.neuron_groups:
            seen: Dict[Tuple, str] = {}
            for sg in self.in_syn(ng):
                ps = sg.ps
                fusable = self.desc.fuse_postsynaptic_models and not ps.vars and not ps.egps
                key = (ps.class_name, ps.section("sim_code"), tuple(sorted((p.name, p.value) for p in ps.params)),
                       sg.post_target_var, tuple(sorted((r.name, r.target) for r in sg.ps_refs)),
                       tuple(sorted(ps.dynamic))) if fusable else (sg.name,)
                owner = self.psm_owner[sg.name] = seen.setdefault(key, sg.name)
                self._psm_users[owner] = self._psm_users.get(owner, 0) + 1
                self._ring_length[owner] = max(self._ring_length.get(owner, 1), sg.max_dendritic_delay)

    def shares_input(self, sg: d.SynapseGroup) -> bool:
        """Whether other synapse groups add into ``sg``'s (fused) input buffers too.

        Then no thread owns an element of them: threads of different groups (members or
        merged groups of one launch) reach the same element, so every addition is atomic.
        """
        return self._psm_users[self.psm_owner[sg.name]] > 1

    def dendritic_ring_length(self, sg: d.SynapseGroup) -> int:
        """Slots of the dendritic-delay ring that ``sg``'s (possibly fused) input buffer uses."""
        return self._ring_length[self.psm_owner[sg.name]]

    def fused_inputs(self, ng: d.NeuronGroup) -> List[Tuple[d.SynapseGroup, bool]]:
        """(owner synapse group, any member uses dendritic delays) per postsynaptic input of ``ng``."""
        out: Dict[str, List] = {}
        for sg in self.in_syn(ng):
            owner = self.psm_owner[sg.name]
            entry = out.setdefault(owner, [self.desc.synapse_group(owner), False])
            entry[1] = entry[1] or self.uses_dendritic_delay(sg)
        return [tuple(e) for e in out.values()]

    # -- which names code uses (from the transpiler's scanner, not text searches) ----------
    @staticmethod
    def references(codes: Iterable[str], names: Iterable[str]) -> bool:
        wanted = set(names)
        return any(wanted & referenced_identifiers(code) for code in codes)

    def needs_spike_times(self, ng: d.NeuronGroup) -> bool:
        """Whether any code reads the spike times of ``ng``."""
        if self.references((text for _, text in ng.model.code), ("st", "prev_st")):
            return True
        kept = {names.group_array(ng.name, "st"), names.group_array(ng.name, "prev_st")}
        if any(ref.array in kept for cu in self.desc.custom_updates for ref in cu.refs):
            return True  # a custom update references them (create_spike_time_var_ref)
        return any(self.references((t for _, t in sg.wu.code), ("st_pre", "prev_st_pre")) for sg in self.out_syn(ng)) \
            or any(self.references((t for _, t in sg.wu.code), ("st_post", "prev_st_post")) for sg in self.in_syn(ng))

    def needs_event_times(self, sg: d.SynapseGroup, side: str) -> bool:
        return self.references((t for _, t in sg.wu.code), (f"set_{side}", f"prev_set_{side}"))

    def uses_add_to_pre(self, sg: d.SynapseGroup) -> bool:
        return self.references((t for _, t in sg.wu.code), ("addToPre",))

    def uses_dendritic_delay(self, sg: d.SynapseGroup) -> bool:
        return self.references((t for _, t in sg.wu.code), ("addToPostDelay",))

    # -- arrays and error slots ----------------------------------------------------------
    def add_array(self, name: str, ctype: types.NumericType, length: int = 0,
                  words_per_recording_step: int = 0, egp: bool = False) -> str:
        """Declare an array of ``length`` elements (times its delay slots, if it is kept in them)."""
        slots = self.slots_of(name)
        self.arrays[name] = ArraySpec(name, ctype, length * slots, words_per_recording_step, egp, slots)
        return name

    def error_slot(self, code: GroupCode, group: str, message: str) -> None:
        """Give ``code`` a word of the errors array (``_a_errors[error_slot]``) that device
        code sets when ``message`` applies."""
        self.error_slots.append(ErrorSlot(group, message))
        self.add_array(ERRORS_ARRAY, types.Uint32, 0)
        code.array("errors", ERRORS_ARRAY, types.Uint32)
        code.value("error_slot", len(self.error_slots) - 1, types.Uint32)

    def runtime_check(self, code: GroupCode, key: str, message: str, array: str = "", phase: str = "step") -> str:
        """Register a :class:`RuntimeCheck` of ``code``'s group; returns the placeholder of its
        number (value ``key``), which generated code passes to the checking helper."""
        self.runtime_checks.append(RuntimeCheck(message, array, phase))
        return code.value(key, len(self.runtime_checks), types.Uint32)

    def egp_index_printer(self, code: GroupCode, key: str, name: str, array: str):
        """With bounds checks (``debug_code``), a printer that checks user code's subscripts of
        an extra global parameter against its length (known at load); else None."""
        if not self.target.bounds_checks:
            return None
        length = code.value(f"{key}_len", ArrayLength(array), types.Uint64)
        check = self.runtime_check(code, f"{key}_chk", f"extra global parameter '{name}' of '{code.group}' was "
                                   "indexed at {detail}, but it has {length} elements", array)
        return lambda index: f"genn_check_index((uint64_t)({index}), {length}, GENN_ERRORS, {check})"

    def checks(self) -> List[RuntimeCheck]:
        """The model's run-time checks, with the groups that share each check of user code."""
        out = list(self.runtime_checks)
        for index, groups in self._shared_check_groups.items():
            check = out[index]
            out[index] = RuntimeCheck(check.message.replace("{groups}", ", ".join(groups)), check.array,
                                      check.phase)
        return out

    def _shared_checks_of(self, text: str, origin: str, group: str, section: str) -> str:
        """``text`` with the markers of checks in user code (:data:`_SHARED_CHECKS`) replaced by
        the numbers of checks shared by every group whose code is the same."""
        for marker, message in _SHARED_CHECKS.items():
            if marker not in text:
                continue
            key = (marker, origin, text)
            index = self._shared_checks.get(key)
            if index is None:
                index = self._shared_checks[key] = len(self.runtime_checks)
                self.runtime_checks.append(RuntimeCheck(message.replace("{origin}", origin),
                                                        phase="init" if section in INIT_SECTIONS else "step"))
                self._shared_check_groups[index] = []
            if group not in self._shared_check_groups[index]:
                self._shared_check_groups[index].append(group)
            text = text.replace(marker, f"{index + 1}u")
        return text

    # -- environments ----------------------------------------------------------------------
    def base_env(self) -> Environment:
        env = Environment()
        env.add_variable("dt", self.time_type, read_only=True, printed=literal(self.desc.dt, self.time_type))
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

    def add_params(self, env: Environment, code: GroupCode, prefix: str, params: Iterable[d.Param],
                   dynamic: Tuple[str, str, Iterable[str]] = None) -> None:
        """Parameters and derived parameters as placeholders; ``dynamic`` = (group, role,
        names) of parameters that must stay struct fields so they can change after load."""
        group, role, names = dynamic if dynamic else ("", "", ())
        for p in params:
            env.add_variable(p.name, p.type, read_only=True, printed=code.value(prefix + p.name, p.value, p.type))
            if p.name in names:
                code.dynamic[prefix + p.name] = (group, role, p.name)

    def add_model_params(self, env: Environment, code: GroupCode, prefix: str, model: d.Model, group: str,
                         role: str) -> None:
        self.add_params(env, code, prefix, model.params, (group, role, model.dynamic))

    def add_egps(self, env: Environment, code: GroupCode, prefix: str, egps: Iterable[d.EGP]) -> None:
        for egp in egps:
            self.add_array(egp.array, egp.type, egp=True)
            key = prefix + "egp_" + egp.name
            env.add_variable(egp.name, types.PointerType(egp.type), read_only=False,
                             printed=code.array(key, egp.array, egp.type),
                             index_printer=self.egp_index_printer(code, key, egp.name, egp.array))

    # -- the transpiler ------------------------------------------------------------------
    def translate(self, code: str, env: Environment, model: str, group: str, section: str,
                  expression: bool = False) -> Translation:
        """Translate GeNNCode of ``section`` of ``model`` (a description such as "neuron
        model 'LIF'") used by ``group``.  Statement blocks are framed by ``#line`` directives
        naming an entry of :attr:`user_code` (and the merged group), so compiler errors can
        be traced to them and to the generated code after them."""
        context = ErrorContext(f"{model} of {group}", section)
        origin = f"{model}, {section}"
        if expression:
            result = translate_expression(code, env, scalar=self.scalar, dialect=self.target.dialect,
                                          context=context, division=division)
            self.uses_double |= result.uses_double
            result.text = self._shared_checks_of(result.text, origin, group, section)
            return result
        result = translate_statements(code, env, scalar=self.scalar, dialect=self.target.dialect,
                                      context=context, loop_hint=unroll_marker, division=division)
        self.uses_double |= result.uses_double
        result.text = self._shared_checks_of(result.text, origin, group, section)
        if result.text.strip():
            key = (origin, result.text)
            index = self._user_code_index.get(key)
            if index is None:
                index = self._user_code_index[key] = len(self.user_code)
                self.user_code.append(UserCode(origin))
            result.text = (f'#line 1 "{user_code_file(index)}"\n' + result.text
                           + f'#line 1 "{after_user_code_file(index)}"\n')
        return result

    @staticmethod
    def uses_rng(*translations: Optional[Translation]) -> bool:
        return any(name in t.referenced for t in translations if t is not None for name in RNG_FUNCTIONS)

    def ctype(self, spec_type) -> types.NumericType:
        return types.parse_numeric_type(spec_type, self.scalar) if isinstance(spec_type, str) else spec_type

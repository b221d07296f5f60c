"""Model and snippet descriptions, and PyGeNN 5's ``create_*`` factories.

A model is plain data: names and types of parameters, variables and
references, and GeNNCode strings for each code section.  Built-in models are
instances of these classes, defined in :mod:`pygenn_cl.neuron_models` and
friends; user models come from the ``create_*`` functions.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from .enums import CustomUpdateVarAccess, VarAccess, VarAccessDim, VarAccessMode, VarAccessModeAttribute

DerivedParamFunc = Callable[[Mapping[str, Any], float], Any]


@dataclass(frozen=True)
class ParamSpec:
    """A parameter: homogeneous across a population, inlined where possible."""

    name: str
    type: str = "scalar"


@dataclass(frozen=True)
class DerivedParamSpec:
    """A parameter computed in Python from the others and ``dt`` at build time."""

    name: str
    func: DerivedParamFunc
    type: str = "scalar"


@dataclass(frozen=True)
class VarSpec:
    """A state variable, one value per element (neuron or synapse)."""

    name: str
    type: str = "scalar"
    access: Any = VarAccess.READ_WRITE

    @property
    def read_only(self) -> bool:
        return bool(int(self.access) & VarAccessModeAttribute.READ_ONLY)

    @property
    def reduction(self) -> Optional[str]:
        """"sum" or "max" for custom-update variables reduced over neurons, else None."""
        if isinstance(self.access, CustomUpdateVarAccess):
            return {CustomUpdateVarAccess.REDUCE_NEURON_SUM: "sum",
                    CustomUpdateVarAccess.REDUCE_NEURON_MAX: "max"}.get(self.access)
        return None

    @property
    def batch_reduction(self) -> Optional[str]:
        """"sum" or "max" for custom-update variables reduced over batches, else None."""
        if isinstance(self.access, CustomUpdateVarAccess):
            return {CustomUpdateVarAccess.REDUCE_BATCH_SUM: "sum",
                    CustomUpdateVarAccess.REDUCE_BATCH_MAX: "max"}.get(self.access)
        return None

    @property
    def shared(self) -> bool:
        """One value for the whole group (not one per element): a custom-update variable
        whose access removes the element dimension."""
        return isinstance(self.access, CustomUpdateVarAccess) and bool(int(self.access) & VarAccessDim.ELEMENT)


@dataclass(frozen=True)
class VarRefSpec:
    """A reference to a variable of another group."""

    name: str
    type: str = "scalar"
    access: VarAccessMode = VarAccessMode.READ_WRITE

    @property
    def read_only(self) -> bool:
        return self.access == VarAccessMode.READ_ONLY

    @property
    def reduction(self) -> Optional[str]:
        """"sum" or "max" for a custom update's reference that a reduction over batches writes
        (``VarAccessMode.REDUCE_SUM``/``REDUCE_MAX``), else None."""
        return {VarAccessMode.REDUCE_SUM: "sum", VarAccessMode.REDUCE_MAX: "max"}.get(self.access)


@dataclass(frozen=True)
class EGPSpec:
    """An extra global parameter: an array set by the user before ``load()``."""

    name: str
    type: str


@dataclass(frozen=True)
class AdditionalInputVarSpec:
    """A neuron-local input variable reset every step (like ``Isyn``)."""

    name: str
    type: str
    init_value: float


@dataclass
class ModelBase:
    """Parts shared by all models and snippets."""

    class_name: str = "Model"
    params: List[ParamSpec] = field(default_factory=list)
    derived_params: List[DerivedParamSpec] = field(default_factory=list)
    extra_global_params: List[EGPSpec] = field(default_factory=list)

    family: ClassVar[str] = "model"

    def code_sections(self) -> Dict[str, str]:
        """Name -> GeNNCode text of every non-empty code section."""
        return {name: getattr(self, name) for name in self._code_section_names
                if getattr(self, name)}

    _code_section_names: ClassVar[Tuple[str, ...]] = ()

    def describe(self) -> str:
        return f"{self.family} '{self.class_name}'"


@dataclass
class NeuronModel(ModelBase):
    vars: List[VarSpec] = field(default_factory=list)
    sim_code: str = ""
    threshold_condition_code: str = ""
    reset_code: str = ""
    additional_input_vars: List[AdditionalInputVarSpec] = field(default_factory=list)
    auto_refractory_required: bool = False

    family = "neuron model"
    _code_section_names = ("sim_code", "threshold_condition_code", "reset_code")


@dataclass
class PostsynapticModel(ModelBase):
    vars: List[VarSpec] = field(default_factory=list)
    neuron_var_refs: List[VarRefSpec] = field(default_factory=list)
    sim_code: str = ""

    family = "postsynaptic model"
    _code_section_names = ("sim_code",)


@dataclass
class WeightUpdateModel(ModelBase):
    vars: List[VarSpec] = field(default_factory=list)
    pre_vars: List[VarSpec] = field(default_factory=list)
    post_vars: List[VarSpec] = field(default_factory=list)
    pre_neuron_var_refs: List[VarRefSpec] = field(default_factory=list)
    post_neuron_var_refs: List[VarRefSpec] = field(default_factory=list)
    psm_var_refs: List[VarRefSpec] = field(default_factory=list)
    pre_spike_syn_code: str = ""
    pre_event_syn_code: str = ""
    post_event_syn_code: str = ""
    post_spike_syn_code: str = ""
    synapse_dynamics_code: str = ""
    pre_event_threshold_condition_code: str = ""
    post_event_threshold_condition_code: str = ""
    pre_spike_code: str = ""
    post_spike_code: str = ""
    pre_dynamics_code: str = ""
    post_dynamics_code: str = ""

    family = "weight update model"
    _code_section_names = (
        "pre_spike_syn_code", "pre_event_syn_code", "post_event_syn_code", "post_spike_syn_code",
        "synapse_dynamics_code", "pre_event_threshold_condition_code",
        "post_event_threshold_condition_code", "pre_spike_code", "post_spike_code",
        "pre_dynamics_code", "post_dynamics_code")


@dataclass
class CurrentSourceModel(ModelBase):
    vars: List[VarSpec] = field(default_factory=list)
    neuron_var_refs: List[VarRefSpec] = field(default_factory=list)
    injection_code: str = ""

    family = "current source model"
    _code_section_names = ("injection_code",)


@dataclass
class CustomUpdateModel(ModelBase):
    vars: List[VarSpec] = field(default_factory=list)
    var_refs: List[VarRefSpec] = field(default_factory=list)
    extra_global_param_refs: List[Any] = field(default_factory=list)
    update_code: str = ""

    family: ClassVar[str] = "custom update model"
    _code_section_names = ("update_code",)


@dataclass
class VarInitSnippet(ModelBase):
    var_init_code: str = ""

    family = "variable initialisation snippet"
    _code_section_names = ("var_init_code",)


MaxLenFunc = Callable[[int, int, Mapping[str, Any]], int]


@dataclass
class SparseConnectInitSnippet(ModelBase):
    row_build_code: str = ""
    col_build_code: str = ""
    calc_max_row_len_func: Optional[MaxLenFunc] = None
    calc_max_col_len_func: Optional[MaxLenFunc] = None
    calc_kernel_size_func: Optional[Callable] = None
    # Built-in FixedNumberTotalWithReplacement needs its row lengths drawn
    # sequentially (a multinomial) before rows are built in parallel.
    row_length_multinomial_param: Optional[str] = None

    family = "sparse connectivity initialisation snippet"
    _code_section_names = ("row_build_code", "col_build_code")


@dataclass
class ToeplitzConnectInitSnippet(ModelBase):
    """A Toeplitz connectivity snippet (``create_toeplitz_connect_init_snippet``)."""

    diagonal_build_code: str = ""
    calc_max_row_len_func: Optional[MaxLenFunc] = None
    calc_kernel_size_func: Optional[Callable] = None

    family = "Toeplitz connectivity initialisation snippet"
    _code_section_names = ("diagonal_build_code",)


@dataclass
class CustomConnectivityUpdateModel(ModelBase):
    """A custom connectivity update model (``create_custom_connectivity_update_model``).

    ``row_update_code`` is GeNNCode run per row (presynaptic neuron) of a SPARSE synapse group.
    ``host_update_code`` is, in pygenn_cl, a Python function ``f(ccu)`` run on the host with the
    :class:`~pygenn_cl.CustomConnectivityUpdate` before the row updates (PyGeNN's is C++).
    """

    vars: List[VarSpec] = field(default_factory=list)
    pre_vars: List[VarSpec] = field(default_factory=list)
    post_vars: List[VarSpec] = field(default_factory=list)
    var_refs: List[VarRefSpec] = field(default_factory=list)
    pre_var_refs: List[VarRefSpec] = field(default_factory=list)
    post_var_refs: List[VarRefSpec] = field(default_factory=list)
    extra_global_param_refs: List[Any] = field(default_factory=list)
    row_update_code: str = ""
    host_update_code: Any = None

    family = "custom connectivity update model"
    _code_section_names = ("row_update_code",)


# ---------------------------------------------------------------------------
# Introspection with PyGeNN's method names (``model.get_vars()`` ...)
# ---------------------------------------------------------------------------

def _getter(attr: str, doc: str):
    def get(self):
        value = getattr(self, attr)
        return list(value) if isinstance(value, list) else value
    get.__name__ = f"get_{attr}"
    get.__doc__ = doc
    return get


_GETTERS = {
    ModelBase: ("params", "derived_params", "extra_global_params"),
    NeuronModel: ("vars", "sim_code", "threshold_condition_code", "reset_code", "additional_input_vars"),
    PostsynapticModel: ("vars", "neuron_var_refs", "sim_code"),
    WeightUpdateModel: ("vars", "pre_vars", "post_vars", "pre_neuron_var_refs", "post_neuron_var_refs",
                        "psm_var_refs") + WeightUpdateModel._code_section_names,
    CurrentSourceModel: ("vars", "neuron_var_refs", "injection_code"),
    CustomUpdateModel: ("vars", "var_refs", "extra_global_param_refs", "update_code"),
    VarInitSnippet: (),
    SparseConnectInitSnippet: ("row_build_code", "col_build_code"),
    ToeplitzConnectInitSnippet: ("diagonal_build_code",),
    CustomConnectivityUpdateModel: ("vars", "pre_vars", "post_vars", "var_refs", "pre_var_refs", "post_var_refs",
                                    "extra_global_param_refs", "row_update_code", "host_update_code"),
}
for _cls, _attrs in _GETTERS.items():
    for _attr in _attrs:
        setattr(_cls, f"get_{_attr}", _getter(_attr, f"The model's ``{_attr}`` (PyGeNN's ``get_{_attr}()``)."))
VarInitSnippet.get_code = _getter("var_init_code", "The snippet's ``var_init_code``.")
for _cls in (SparseConnectInitSnippet, ToeplitzConnectInitSnippet):
    _cls.get_calc_max_row_length_func = _getter("calc_max_row_len_func", "The maximum row length function.")
    _cls.get_calc_kernel_size_func = _getter("calc_kernel_size_func", "The kernel size function.")
SparseConnectInitSnippet.get_calc_max_col_length_func = _getter("calc_max_col_len_func",
                                                                "The maximum column length function.")
NeuronModel.is_auto_refractory_required = lambda self: bool(self.auto_refractory_required)


# ---------------------------------------------------------------------------
# Parsing of the user's list specifications
# ---------------------------------------------------------------------------

def _params(specs: Optional[Sequence]) -> List[ParamSpec]:
    out = []
    for spec in specs or []:
        if isinstance(spec, ParamSpec):
            out.append(spec)
        elif isinstance(spec, str):
            out.append(ParamSpec(spec))
        elif isinstance(spec, (tuple, list)) and len(spec) == 2:
            out.append(ParamSpec(spec[0], _type_name(spec[1])))
        else:
            raise ValueError(f"a parameter must be a name or a (name, type) pair, not {spec!r}")
    _check_unique(out, "parameter")
    return out


def _type_name(t: Any) -> str:
    return t if isinstance(t, str) else t.name


def _vars(specs: Optional[Sequence], default_access=VarAccess.READ_WRITE) -> List[VarSpec]:
    out = []
    for spec in specs or []:
        if isinstance(spec, VarSpec):
            out.append(spec)
        elif isinstance(spec, (tuple, list)) and len(spec) in (2, 3):
            access = spec[2] if len(spec) == 3 else default_access
            out.append(VarSpec(spec[0], _type_name(spec[1]), access))
        else:
            raise ValueError(f"a variable must be a (name, type[, access]) tuple, not {spec!r}")
    _check_unique(out, "variable")
    return out


def _var_refs(specs: Optional[Sequence]) -> List[VarRefSpec]:
    out = []
    for spec in specs or []:
        if isinstance(spec, VarRefSpec):
            out.append(spec)
        elif isinstance(spec, (tuple, list)) and len(spec) in (2, 3):
            access = spec[2] if len(spec) == 3 else VarAccessMode.READ_WRITE
            out.append(VarRefSpec(spec[0], _type_name(spec[1]), access))
        else:
            raise ValueError(f"a variable reference must be a (name, type[, access]) tuple, not {spec!r}")
    _check_unique(out, "variable reference")
    return out


def _derived(specs: Optional[Sequence]) -> List[DerivedParamSpec]:
    out = []
    for spec in specs or []:
        if isinstance(spec, DerivedParamSpec):
            out.append(spec)
        elif isinstance(spec, (tuple, list)) and len(spec) in (2, 3) and callable(spec[1]):
            out.append(DerivedParamSpec(spec[0], spec[1], _type_name(spec[2]) if len(spec) == 3 else "scalar"))
        else:
            raise ValueError(f"a derived parameter must be a (name, function[, type]) tuple, not {spec!r}")
    _check_unique(out, "derived parameter")
    return out


def _egps(specs: Optional[Sequence]) -> List[EGPSpec]:
    out = []
    for spec in specs or []:
        if isinstance(spec, EGPSpec):
            out.append(spec)
        elif isinstance(spec, (tuple, list)) and len(spec) == 2:
            out.append(EGPSpec(spec[0], _type_name(spec[1])))
        else:
            raise ValueError(f"an extra global parameter must be a (name, type) pair, not {spec!r}")
    _check_unique(out, "extra global parameter")
    return out


def _check_unique(specs: Sequence, what: str) -> None:
    seen = set()
    for s in specs:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", s.name):
            raise ValueError(f"{what} name {s.name!r} is not a valid identifier")
        if s.name in seen:
            raise ValueError(f"{what} '{s.name}' is declared twice")
        seen.add(s.name)


_LEGACY_DOLLAR = re.compile(r"\$\(")


def _upgrade_code(code: Optional[str], class_name: str, section: str) -> str:
    """Rewrite GeNN 4 ``$(...)`` syntax to GeNNCode, with a FutureWarning, as PyGeNN 5 does."""
    if not code:
        return ""
    if not _LEGACY_DOLLAR.search(code):
        return code
    if "$(endRow)" in code or "$(endCol)" in code:
        raise ValueError(f"{class_name}.{section}: $(endRow) and $(endCol) are no longer supported; "
                         "write the row build code as a plain loop")
    warnings.warn(f"{class_name}.{section} uses GeNN 4 '$(...)' syntax; it has been rewritten "
                  "to GeNNCode but this will not be supported forever", FutureWarning, stacklevel=4)
    rules = [
        (r"\$\(addToInSynDelay\s*,\s*([^,]+?)\s*,\s*([^)]+?)\)", r"addToPostDelay(\1, \2)"),
        (r"\$\(addToInSyn\s*,\s*([^)]+?)\)", r"addToPost(\1)"),
        (r"\$\(addToPre\s*,\s*([^)]+?)\)", r"addToPre(\1)"),
        (r"\$\(injectCurrent\s*,\s*([^)]+?)\)", r"injectCurrent(\1)"),
        (r"\$\(addSynapse\s*,\s*([^)]+?)\)", r"addSynapse(\1)"),
        (r"\$\((gennrand_\w+)\s*,\s*([^)]+?)\)", r"\1(\2)"),
        (r"\$\((gennrand_\w+)\)", r"\1()"),
        (r"\$\(sT_pre\)", "st_pre"), (r"\$\(sT_post\)", "st_post"),
        (r"\$\(prev_sT_pre\)", "prev_st_pre"), (r"\$\(prev_sT_post\)", "prev_st_post"),
        (r"\$\(seT_pre\)", "set_pre"), (r"\$\(prev_seT_pre\)", "prev_set_pre"),
        (r"\$\(sT\)", "st"), (r"\$\(prev_sT\)", "prev_st"),
        (r"\$\((\w+)\)", r"\1"),
    ]
    for pattern, repl in rules:
        code = re.sub(pattern, repl, code)
    return code


def _sections(obj: ModelBase, kwargs: Dict[str, Optional[str]]) -> None:
    for name, code in kwargs.items():
        setattr(obj, name, _upgrade_code(code, obj.class_name, name))


# ---------------------------------------------------------------------------
# Factories (PyGeNN 5 signatures)
# ---------------------------------------------------------------------------

def create_neuron_model(class_name: str, params=None, vars=None, derived_params=None,
                        sim_code=None, threshold_condition_code=None, reset_code=None,
                        extra_global_params=None, additional_input_vars=None,
                        auto_refractory_required: bool = False, **legacy) -> NeuronModel:
    """Create a neuron model (PyGeNN 5 ``create_neuron_model``).

    Parameters
    ----------
    class_name : str
        Name used in error messages.
    params : list of str or (name, type)
    vars : list of (name, type[, VarAccess])
    derived_params : list of (name, func(pars, dt)[, type])
    sim_code, threshold_condition_code, reset_code : str
        GeNNCode sections.
    extra_global_params : list of (name, pointer type)
    additional_input_vars : list of (name, type, initial value)
    auto_refractory_required : bool
        Emit a spike only when the threshold condition becomes true.
    """
    params, vars = _legacy_names(class_name, params, vars, legacy)
    model = NeuronModel(class_name, _params(params), _derived(derived_params), _egps(extra_global_params),
                        vars=_vars(vars),
                        additional_input_vars=[AdditionalInputVarSpec(n, _type_name(t), v)
                                               for n, t, v in (additional_input_vars or [])],
                        auto_refractory_required=auto_refractory_required)
    _sections(model, dict(sim_code=sim_code, threshold_condition_code=threshold_condition_code,
                          reset_code=reset_code))
    return model


def create_postsynaptic_model(class_name: str, params=None, vars=None, neuron_var_refs=None,
                              derived_params=None, sim_code=None, extra_global_params=None,
                              **legacy) -> PostsynapticModel:
    """Create a postsynaptic model; ``sim_code`` calls ``injectCurrent(x)`` and may use ``inSyn``."""
    if "decay_code" in legacy or "apply_input_code" in legacy:
        raise ValueError(f"postsynaptic model '{class_name}': decay_code and apply_input_code were "
                         "replaced by a single sim_code that calls injectCurrent()")
    params, vars = _legacy_names(class_name, params, vars, legacy)
    model = PostsynapticModel(class_name, _params(params), _derived(derived_params),
                              _egps(extra_global_params), vars=_vars(vars),
                              neuron_var_refs=_var_refs(neuron_var_refs))
    _sections(model, dict(sim_code=sim_code))
    return model


_WU_RENAMES = {"sim_code": "pre_spike_syn_code", "event_code": "pre_event_syn_code",
               "learn_post_code": "post_spike_syn_code",
               "event_threshold_condition_code": "pre_event_threshold_condition_code"}


def create_weight_update_model(class_name: str, params=None, vars=None, pre_vars=None, post_vars=None,
                               pre_neuron_var_refs=None, post_neuron_var_refs=None, psm_var_refs=None,
                               derived_params=None, pre_spike_syn_code=None, pre_event_syn_code=None,
                               post_event_syn_code=None, post_spike_syn_code=None,
                               synapse_dynamics_code=None, pre_event_threshold_condition_code=None,
                               post_event_threshold_condition_code=None, pre_spike_code=None,
                               post_spike_code=None, pre_dynamics_code=None, post_dynamics_code=None,
                               extra_global_params=None, **legacy) -> WeightUpdateModel:
    """Create a weight update model (PyGeNN 5 ``create_weight_update_model``)."""
    sections = dict(pre_spike_syn_code=pre_spike_syn_code, pre_event_syn_code=pre_event_syn_code,
                    post_event_syn_code=post_event_syn_code, post_spike_syn_code=post_spike_syn_code,
                    synapse_dynamics_code=synapse_dynamics_code,
                    pre_event_threshold_condition_code=pre_event_threshold_condition_code,
                    post_event_threshold_condition_code=post_event_threshold_condition_code,
                    pre_spike_code=pre_spike_code, post_spike_code=post_spike_code,
                    pre_dynamics_code=pre_dynamics_code, post_dynamics_code=post_dynamics_code)
    for old, new in _WU_RENAMES.items():
        if old in legacy:
            warnings.warn(f"'{old}' is deprecated; use '{new}'", FutureWarning, stacklevel=2)
            sections[new] = legacy.pop(old)
    for key in ("pre_var_name_types", "post_var_name_types"):
        if key in legacy:
            warnings.warn(f"'{key}' is deprecated", FutureWarning, stacklevel=2)
            if key.startswith("pre"):
                pre_vars = legacy.pop(key)
            else:
                post_vars = legacy.pop(key)
    params, vars = _legacy_names(class_name, params, vars, legacy)
    model = WeightUpdateModel(class_name, _params(params), _derived(derived_params),
                              _egps(extra_global_params), vars=_vars(vars), pre_vars=_vars(pre_vars),
                              post_vars=_vars(post_vars),
                              pre_neuron_var_refs=_var_refs(pre_neuron_var_refs),
                              post_neuron_var_refs=_var_refs(post_neuron_var_refs),
                              psm_var_refs=_var_refs(psm_var_refs))
    _sections(model, sections)
    return model


def create_current_source_model(class_name: str, params=None, vars=None, neuron_var_refs=None,
                                derived_params=None, injection_code=None, extra_global_params=None,
                                **legacy) -> CurrentSourceModel:
    """Create a current source model; ``injection_code`` calls ``injectCurrent(x)``."""
    params, vars = _legacy_names(class_name, params, vars, legacy)
    model = CurrentSourceModel(class_name, _params(params), _derived(derived_params),
                               _egps(extra_global_params), vars=_vars(vars),
                               neuron_var_refs=_var_refs(neuron_var_refs))
    _sections(model, dict(injection_code=injection_code))
    return model


def create_var_init_snippet(class_name: str, params=None, derived_params=None, var_init_code=None,
                            extra_global_params=None, **legacy) -> VarInitSnippet:
    """Create a variable initialisation snippet; ``var_init_code`` assigns ``value``."""
    params, _ = _legacy_names(class_name, params, None, legacy)
    snippet = VarInitSnippet(class_name, _params(params), _derived(derived_params), _egps(extra_global_params))
    _sections(snippet, dict(var_init_code=var_init_code))
    return snippet


def create_sparse_connect_init_snippet(class_name: str, params=None, derived_params=None,
                                       row_build_code=None, col_build_code=None,
                                       calc_max_row_len_func=None, calc_max_col_len_func=None,
                                       calc_kernel_size_func=None, extra_global_params=None,
                                       **legacy) -> SparseConnectInitSnippet:
    """Create a sparse connectivity snippet; build code calls ``addSynapse(j)`` in a loop."""
    params, _ = _legacy_names(class_name, params, None, legacy)
    if row_build_code and col_build_code:
        raise ValueError(f"sparse connectivity snippet '{class_name}' has both row_build_code and "
                         "col_build_code; give one")
    snippet = SparseConnectInitSnippet(class_name, _params(params), _derived(derived_params),
                                       _egps(extra_global_params),
                                       calc_max_row_len_func=calc_max_row_len_func,
                                       calc_max_col_len_func=calc_max_col_len_func,
                                       calc_kernel_size_func=calc_kernel_size_func)
    _sections(snippet, dict(row_build_code=row_build_code, col_build_code=col_build_code))
    return snippet


def _legacy_names(class_name: str, params, vars, legacy: Dict[str, Any]):
    """Accept GeNN 4 keyword names (``param_names``, ``var_name_types``) with a FutureWarning."""
    if "param_names" in legacy:
        warnings.warn("'param_names' is deprecated; use 'params'", FutureWarning, stacklevel=3)
        params = legacy.pop("param_names")
    if "var_name_types" in legacy:
        warnings.warn("'var_name_types' is deprecated; use 'vars'", FutureWarning, stacklevel=3)
        vars = legacy.pop("var_name_types")
    if legacy:
        raise TypeError(f"'{class_name}': unexpected keyword argument(s) {', '.join(sorted(legacy))}")
    return params, vars


def create_custom_update_model(class_name: str, params=None, vars=None, derived_params=None, var_refs=None,
                               update_code=None, extra_global_params=None, extra_global_param_refs=None,
                               **legacy) -> CustomUpdateModel:
    """Create a custom update model (PyGeNN 5 ``create_custom_update_model``).

    ``vars`` take :class:`~pygenn_cl.CustomUpdateVarAccess` (``REDUCE_NEURON_SUM`` and
    ``REDUCE_NEURON_MAX`` reduce what the code assigns over all neurons);
    ``var_refs`` are ``(name, type[, VarAccessMode])``.
    """
    params, vars = _legacy_names(class_name, params, vars, legacy)
    model = CustomUpdateModel(class_name, _params(params), _derived(derived_params), _egps(extra_global_params),
                              vars=_vars(vars, CustomUpdateVarAccess.READ_WRITE), var_refs=_var_refs(var_refs),
                              extra_global_param_refs=list(extra_global_param_refs or []))
    _sections(model, dict(update_code=update_code))
    return model


def create_toeplitz_connect_init_snippet(class_name: str, params=None, derived_params=None,
                                         diagonal_build_code=None, calc_max_row_len_func=None,
                                         calc_kernel_size_func=None, extra_global_params=None,
                                         **legacy) -> ToeplitzConnectInitSnippet:
    """Create a Toeplitz connectivity snippet (PyGeNN 5 ``create_toeplitz_connect_init_snippet``).

    ``diagonal_build_code`` runs once per diagonal ``id_diag`` (``calc_max_row_len_func`` of
    them) when the source population spikes; inside it ``for_each_synapse { ... }`` loops over
    the spikes (``id_pre``) and ``addSynapse(id_post, k0, k1, ...)`` runs the weight update
    code of that synapse with ``id_kernel`` the position ``(k0, k1, ...)`` in the kernel
    (``calc_kernel_size_func``)."""
    params, _ = _legacy_names(class_name, params, None, legacy)
    snippet = ToeplitzConnectInitSnippet(class_name, _params(params), _derived(derived_params),
                                         _egps(extra_global_params), calc_max_row_len_func=calc_max_row_len_func,
                                         calc_kernel_size_func=calc_kernel_size_func)
    _sections(snippet, dict(diagonal_build_code=diagonal_build_code))
    return snippet


def create_custom_connectivity_update_model(class_name: str, params=None, vars=None, pre_vars=None,
                                            post_vars=None, derived_params=None, var_refs=None,
                                            pre_var_refs=None, post_var_refs=None, row_update_code=None,
                                            host_update_code=None, extra_global_params=None,
                                            extra_global_param_refs=None,
                                            **legacy) -> CustomConnectivityUpdateModel:
    """Create a custom connectivity update model (PyGeNN 5
    ``create_custom_connectivity_update_model``).

    ``row_update_code`` runs once per row (``id_pre``) of the SPARSE synapse group the update
    is added to: it sees the presynaptic variables and references, ``row_length``, and
    ``for_each_synapse { ... }``, a loop over the row's synapses in which ``id_post``, ``id_syn``,
    the per-synapse and postsynaptic variables and references and ``remove_synapse()`` exist;
    ``add_synapse(id_post, values...)`` appends a synapse with a value for each of ``vars``,
    then each of ``var_refs``, in their order (other variables of the synapse group's synapses
    start at 0). ``remove_synapse()`` moves the row's last synapse into the removed one's place,
    and the loop visits it next; a synapse added inside the loop is visited too.

    ``host_update_code`` must be a Python function (or other callable) taking the
    :class:`~pygenn_cl.CustomConnectivityUpdate`: pygenn_cl cannot run PyGeNN's C++ host code.
    It runs on the host before the row updates, and may pull, change and push variables and
    connectivity (``ccu.synapse_group.pull_connectivity_from_device()``, ``ccu.row_length``,
    ``ccu.ind``, ``push_connectivity_to_device()`` ...).
    """
    params, vars = _legacy_names(class_name, params, vars, legacy)
    if isinstance(host_update_code, str) and not host_update_code.strip():
        host_update_code = None
    if host_update_code is not None and not callable(host_update_code):
        raise NotImplementedError(
            f"custom connectivity update model '{class_name}': host_update_code is C++ in PyGeNN, which "
            "pygenn_cl cannot run; give a Python function f(ccu) instead (it runs on the host, before the row "
            "updates, with the CustomConnectivityUpdate: its variables, ccu.row_length, ccu.ind and the push/pull "
            "methods)")
    model = CustomConnectivityUpdateModel(
        class_name, _params(params), _derived(derived_params), _egps(extra_global_params),
        vars=_vars(vars), pre_vars=_vars(pre_vars), post_vars=_vars(post_vars), var_refs=_var_refs(var_refs),
        pre_var_refs=_var_refs(pre_var_refs), post_var_refs=_var_refs(post_var_refs),
        extra_global_param_refs=list(extra_global_param_refs or []), host_update_code=host_update_code)
    _sections(model, dict(row_update_code=row_update_code))
    return model

"""Initialiser objects: ``init_var``, ``init_sparse_connectivity``,
``init_weight_update``, ``init_postsynaptic`` and variable references."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Union

from pygenn_cl.codegen import names

from . import model_spec as ms


def resolve_model(value: Any, module: Any, cls: type, family: str) -> Any:
    """Turn a built-in model name into its instance, or check a model object's family."""
    if isinstance(value, str):
        factory = getattr(module, value, None)
        if factory is None or not callable(factory) or value.startswith("_"):
            known = ", ".join(sorted(n for n in dir(module) if not n.startswith("_")
                                     and isinstance(getattr(module, n), type(resolve_model))
                                     and n[0].isupper()))
            raise ValueError(f"unknown {family} '{value}'; built-in ones are: {known}")
        value = factory()
    if not isinstance(value, cls):
        raise TypeError(f"expected a {family} (a name or an object from create_...), got {value!r}")
    return value


@dataclass
class VarInit:
    """A variable initialiser: a snippet and its parameter values."""

    snippet: ms.VarInitSnippet
    params: Dict[str, Any] = field(default_factory=dict)


@dataclass
class SparseConnectivityInit:
    """A sparse connectivity initialiser: a snippet and its parameter values."""

    snippet: ms.SparseConnectInitSnippet
    params: Dict[str, Any] = field(default_factory=dict)


@dataclass
class ToeplitzConnectivityInit:
    """A Toeplitz connectivity initialiser: a snippet and its parameter values."""

    snippet: ms.ToeplitzConnectInitSnippet
    params: Dict[str, Any] = field(default_factory=dict)


@dataclass
class WeightUpdateInit:
    snippet: ms.WeightUpdateModel
    params: Dict[str, Any] = field(default_factory=dict)
    vars: Dict[str, Any] = field(default_factory=dict)
    pre_vars: Dict[str, Any] = field(default_factory=dict)
    post_vars: Dict[str, Any] = field(default_factory=dict)
    pre_var_refs: Dict[str, Any] = field(default_factory=dict)
    post_var_refs: Dict[str, Any] = field(default_factory=dict)
    psm_var_refs: Dict[str, Any] = field(default_factory=dict)


@dataclass
class PostsynapticInit:
    snippet: ms.PostsynapticModel
    params: Dict[str, Any] = field(default_factory=dict)
    vars: Dict[str, Any] = field(default_factory=dict)
    var_refs: Dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VarReference:
    """A reference to a variable of a group (``create_var_ref`` and friends).

    Attributes
    ----------
    group : object
        The group that owns the variable.
    var_name : str
        Name of the variable in that group.
    kind : str
        Which of the group's variable sets: ``"neuron"``, ``"current_source"``,
        ``"custom_update"``, ``"psm"``, ``"wu"``, ``"wu_pre"``, ``"wu_post"``, a custom
        connectivity update's ``"ccu"`` (per synapse), ``"ccu_pre"`` or ``"ccu_post"``, or one of
        a group's buffers (``"out_post"``, ``"den_delay"``, ``"spike_time"``,
        ``"prev_spike_time"``, ``"spike_count"``).
    """

    group: Any
    var_name: str
    kind: str
    transpose_group: Any = None
    transpose_var: Optional[str] = None

    def array_name(self) -> str:
        """Name of the referenced array in the model's memory."""
        if self.kind == "spike_count":  # the synapse group's source population's spike counts
            return names.group_array(self.group.src.name, "spkCnt")
        if self.kind in _BUFFER_REFS:
            return names.group_array(self.group.name, _BUFFER_REFS[self.kind][0])
        prefix = {"psm": "psm.", "wu_pre": "pre.", "wu_post": "post.", "ccu_pre": "pre.",
                  "ccu_post": "post."}.get(self.kind, "")
        return names.var_array(self.group.name, self.var_name, prefix)

    def spec(self):
        """The referenced variable's declaration."""
        if self.kind in _BUFFER_REFS:
            what, type_name = _BUFFER_REFS[self.kind][1:]
            return ms.VarSpec(self.var_name, type_name if type_name != "time" else self.group._model._time_type.name)
        sets = {"neuron": "model_vars", "current_source": "model_vars", "custom_update": "model_vars",
                "psm": "psm_model_vars", "wu": "wu_model_vars", "wu_pre": "wu_pre_model_vars",
                "wu_post": "wu_post_model_vars", "ccu": "model_vars", "ccu_pre": "pre_model_vars",
                "ccu_post": "post_model_vars"}[self.kind]
        return next(v for v in getattr(self.group, sets) if v.name == self.var_name)

    @property
    def shared(self) -> bool:
        """Whether the reference is to one value of its group rather than one per element: a
        custom update's shared or neuron-reduced variable, or a spike count."""
        return self.kind == "spike_count" or (self.kind == "custom_update" and self.spec().shared)


def _init_getters(cls, **getters) -> None:
    """PyGeNN's accessors of initialiser objects (``get_snippet()``, ``get_params()`` ...)."""
    for name, attr in {"snippet": "snippet", "params": "params", **getters}.items():
        setattr(cls, f"get_{name}", lambda self, _a=attr: getattr(self, _a))


_init_getters(VarInit)
_init_getters(SparseConnectivityInit)
_init_getters(ToeplitzConnectivityInit)
_init_getters(WeightUpdateInit, var_initialisers="vars", pre_var_initialisers="pre_vars",
              post_var_initialisers="post_vars", pre_neuron_var_references="pre_var_refs",
              post_neuron_var_references="post_var_refs", psm_var_references="psm_var_refs")
_init_getters(PostsynapticInit, var_initialisers="vars", neuron_var_references="var_refs")


def init_var(snippet: Union[str, ms.VarInitSnippet], params: Mapping[str, Any] = {}) -> VarInit:  # noqa: B006
    """Initialise a variable with a snippet, e.g. ``init_var("Uniform", {"min": 0, "max": 1})``."""
    from . import init_var_snippets
    return VarInit(resolve_model(snippet, init_var_snippets, ms.VarInitSnippet,
                                 "variable initialisation snippet"), dict(params or {}))


def init_sparse_connectivity(snippet: Union[str, ms.SparseConnectInitSnippet],
                             params: Mapping[str, Any] = {}) -> SparseConnectivityInit:  # noqa: B006
    """Initialise sparse connectivity, e.g. ``init_sparse_connectivity("FixedProbability", {"prob": 0.1})``."""
    from . import init_sparse_connectivity_snippets
    return SparseConnectivityInit(resolve_model(snippet, init_sparse_connectivity_snippets,
                                                ms.SparseConnectInitSnippet,
                                                "sparse connectivity initialisation snippet"),
                                  dict(params or {}))


init_connectivity = init_sparse_connectivity


def init_toeplitz_connectivity(init_toeplitz_connect_snippet: Union[str, ms.ToeplitzConnectInitSnippet],
                               params: Mapping[str, Any] = {}) -> ToeplitzConnectivityInit:  # noqa: B006
    """Initialise TOEPLITZ connectivity, e.g. ``init_toeplitz_connectivity("Conv2D", {...})``."""
    from . import init_toeplitz_connectivity_snippets
    return ToeplitzConnectivityInit(resolve_model(init_toeplitz_connect_snippet, init_toeplitz_connectivity_snippets,
                                                  ms.ToeplitzConnectInitSnippet,
                                                  "Toeplitz connectivity initialisation snippet"),
                                    dict(params or {}))


def init_weight_update(snippet, params={}, vars={}, pre_vars={}, post_vars={},  # noqa: B006
                       pre_var_refs={}, post_var_refs={}, psm_var_refs={}) -> WeightUpdateInit:  # noqa: B006
    """Choose a weight update model and its parameters, variables and references."""
    from . import weight_update_models
    model = resolve_model(snippet, weight_update_models, ms.WeightUpdateModel, "weight update model")
    return WeightUpdateInit(model, dict(params or {}), dict(vars or {}), dict(pre_vars or {}),
                            dict(post_vars or {}), dict(pre_var_refs or {}), dict(post_var_refs or {}),
                            dict(psm_var_refs or {}))


def init_postsynaptic(snippet, params={}, vars={}, var_refs={}) -> PostsynapticInit:  # noqa: B006
    """Choose a postsynaptic model and its parameters, variables and references."""
    from . import postsynaptic_models
    model = resolve_model(snippet, postsynaptic_models, ms.PostsynapticModel, "postsynaptic model")
    return PostsynapticInit(model, dict(params or {}), dict(vars or {}), dict(var_refs or {}))


def _ref(group: Any, var_name: str, kind: str, sets: str) -> VarReference:
    model_vars = [v.name for v in getattr(group, sets)]
    if var_name not in model_vars:
        raise ValueError(f"{group.describe()} has no variable '{var_name}' to reference; "
                         f"it has: {', '.join(model_vars) or 'none'}")
    return VarReference(group, var_name, kind)


def create_var_ref(group: Any, var_name: str) -> VarReference:
    """Reference a variable of a neuron population, current source or custom update."""
    if getattr(group, "is_custom_connectivity_update", False):
        raise TypeError(f"create_var_ref({group.describe()}, ...): reference a custom connectivity update's "
                        "variables with create_wu_var_ref, create_pre_var_ref or create_post_var_ref")
    kind = "current_source" if getattr(group, "is_current_source", False) else \
        "custom_update" if getattr(group, "is_custom_update", False) else "neuron"
    return _ref(group, var_name, kind, "model_vars")


def create_psm_var_ref(sg: Any, var_name: str) -> VarReference:
    """Reference a postsynaptic-model variable of a synapse group."""
    return _ref(sg, var_name, "psm", "psm_model_vars")


def create_wu_var_ref(sg: Any, var_name: str, transpose_sg: Any = None, transpose_var_name: str = "") -> VarReference:
    """Reference a per-synapse weight update variable; with ``transpose_sg`` and
    ``transpose_var_name``, a custom update also writes its value there, transposed (DENSE only)."""
    if getattr(sg, "is_custom_update", False) or getattr(sg, "is_custom_connectivity_update", False):
        # a CustomUpdateWU's variable, or a custom connectivity update's per-synapse variable
        if transpose_sg is not None:
            raise ValueError(f"create_wu_var_ref({sg.describe()}, ...): only synapse groups' variables can "
                             "be transposed")
        if getattr(sg, "is_custom_connectivity_update", False):
            return _ref(sg, var_name, "ccu", "model_vars")
        return _ref(sg, var_name, "custom_update", "model_vars")
    ref = _ref(sg, var_name, "wu", "wu_model_vars")
    if transpose_sg is None:
        return ref
    target = _ref(transpose_sg, transpose_var_name, "wu", "wu_model_vars")
    return VarReference(sg, var_name, "wu", target.group, target.var_name)


def create_wu_pre_var_ref(sg: Any, var_name: str) -> VarReference:
    return _ref(sg, var_name, "wu_pre", "wu_pre_model_vars")


def create_wu_post_var_ref(sg: Any, var_name: str) -> VarReference:
    return _ref(sg, var_name, "wu_post", "wu_post_model_vars")


#: kind -> (array of the group, what it is, type) of references to a group's buffers rather
#: than to a model's variables
_BUFFER_REFS = {
    "out_post": ("outPost", "postsynaptic input buffer", "scalar"),
    "den_delay": ("denDelay", "dendritic delay buffer", "scalar"),
    "spike_time": ("st", "spike times", "time"),
    "prev_spike_time": ("prev_st", "previous spike times", "time"),
    "spike_count": ("spkCnt", "spike count", "uint32_t"),
}


def create_pre_var_ref(ccu: Any, var_name: str) -> VarReference:
    """Reference a presynaptic variable (one per presynaptic neuron) of a custom connectivity update."""
    _check_group(ccu, "custom connectivity update", "create_pre_var_ref")
    return _ref(ccu, var_name, "ccu_pre", "pre_model_vars")


def create_post_var_ref(ccu: Any, var_name: str) -> VarReference:
    """Reference a postsynaptic variable (one per postsynaptic neuron) of a custom connectivity update."""
    _check_group(ccu, "custom connectivity update", "create_post_var_ref")
    return _ref(ccu, var_name, "ccu_post", "post_model_vars")


def create_out_post_var_ref(sg: Any) -> VarReference:
    """Reference the postsynaptic input buffer (``outPost``, formerly ``inSyn``) of a synapse
    group, one value per postsynaptic neuron (with ``fuse_postsynaptic_models``, the buffer
    the group shares)."""
    _check_group(sg, "synapse population", "create_out_post_var_ref")
    return VarReference(sg, "outPost", "out_post")


def create_den_delay_var_ref(sg: Any) -> VarReference:
    """Reference the dendritic delay buffer of a synapse group (whose weight update code calls
    ``addToPostDelay``): one value per postsynaptic neuron and delay slot.  A custom update acts
    on the slot the next step delivers (what arrives in the postsynaptic neurons' input then)."""
    _check_group(sg, "synapse population", "create_den_delay_var_ref")
    return VarReference(sg, "denDelay", "den_delay")


def create_spike_time_var_ref(ng: Any) -> VarReference:
    """Reference the spike times of a neuron population (the time of each neuron's last spike)."""
    _check_group(ng, "neuron population", "create_spike_time_var_ref")
    return VarReference(ng, "st", "spike_time")


def create_prev_spike_time_var_ref(ng: Any) -> VarReference:
    """Reference the previous spike times of a neuron population."""
    _check_group(ng, "neuron population", "create_prev_spike_time_var_ref")
    return VarReference(ng, "prev_st", "prev_spike_time")


def create_src_spike_count_var_ref(sg: Any) -> VarReference:
    """Reference the spike count of a synapse group's source population: one value, the number
    of spikes its neurons emitted in the last step (the current delay slot's count)."""
    _check_group(sg, "synapse population", "create_src_spike_count_var_ref")
    return VarReference(sg, "spkCnt", "spike_count")


def _check_group(group: Any, kind: str, what: str) -> None:
    if getattr(group, "kind", None) != kind:
        raise TypeError(f"{what}: expected a {kind}, not {group!r}")


@dataclass(frozen=True)
class EGPReference:
    """A reference to an extra global parameter (``create_egp_ref`` and friends)."""

    egp: Any

    @property
    def array_name(self) -> str:
        return self.egp.array_name


def _egp_ref(egps: Dict[str, Any], owner: Any, name: str) -> EGPReference:
    if name not in egps:
        raise ValueError(f"{owner.describe()} has no extra global parameter '{name}'; it has: "
                         f"{', '.join(egps) or 'none'}")
    return EGPReference(egps[name])


def create_egp_ref(group: Any, egp_name: str) -> EGPReference:
    """Reference an extra global parameter of a neuron population, current source or custom update."""
    return _egp_ref(group.extra_global_params, group, egp_name)


def create_psm_egp_ref(sg: Any, egp_name: str) -> EGPReference:
    """Reference an extra global parameter of a synapse group's postsynaptic model."""
    return _egp_ref(sg.psm_extra_global_params, sg, egp_name)


def create_wu_egp_ref(sg: Any, egp_name: str) -> EGPReference:
    """Reference an extra global parameter of a synapse group's weight update model."""
    return _egp_ref(sg.extra_global_params, sg, egp_name)

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
        ``"psm"``, ``"wu"``, ``"wu_pre"`` or ``"wu_post"``.
    """

    group: Any
    var_name: str
    kind: str
    transpose_group: Any = None
    transpose_var: Optional[str] = None

    def array_name(self) -> str:
        """Name of the referenced array in the model's memory."""
        prefix = {"psm": "psm.", "wu_pre": "pre.", "wu_post": "post."}.get(self.kind, "")
        return names.var_array(self.group.name, self.var_name, prefix)

    def spec(self):
        """The referenced variable's declaration."""
        sets = {"neuron": "model_vars", "current_source": "model_vars", "custom_update": "model_vars",
                "psm": "psm_model_vars", "wu": "wu_model_vars", "wu_pre": "wu_pre_model_vars",
                "wu_post": "wu_post_model_vars"}[self.kind]
        return next(v for v in getattr(self.group, sets) if v.name == self.var_name)


def init_var(snippet: Union[str, ms.VarInitSnippet], params: Optional[Mapping[str, Any]] = None) -> VarInit:
    """Initialise a variable with a snippet, e.g. ``init_var("Uniform", {"min": 0, "max": 1})``."""
    from . import init_var_snippets
    return VarInit(resolve_model(snippet, init_var_snippets, ms.VarInitSnippet,
                                 "variable initialisation snippet"), dict(params or {}))


def init_sparse_connectivity(snippet: Union[str, ms.SparseConnectInitSnippet],
                             params: Optional[Mapping[str, Any]] = None) -> SparseConnectivityInit:
    """Initialise sparse connectivity, e.g. ``init_sparse_connectivity("FixedProbability", {"prob": 0.1})``."""
    from . import init_sparse_connectivity_snippets
    return SparseConnectivityInit(resolve_model(snippet, init_sparse_connectivity_snippets,
                                                ms.SparseConnectInitSnippet,
                                                "sparse connectivity initialisation snippet"),
                                  dict(params or {}))


init_connectivity = init_sparse_connectivity


def init_weight_update(snippet, params=None, vars=None, pre_vars=None, post_vars=None,
                       pre_var_refs=None, post_var_refs=None, psm_var_refs=None) -> WeightUpdateInit:
    """Choose a weight update model and its parameters, variables and references."""
    from . import weight_update_models
    model = resolve_model(snippet, weight_update_models, ms.WeightUpdateModel, "weight update model")
    return WeightUpdateInit(model, dict(params or {}), dict(vars or {}), dict(pre_vars or {}),
                            dict(post_vars or {}), dict(pre_var_refs or {}), dict(post_var_refs or {}),
                            dict(psm_var_refs or {}))


def init_postsynaptic(snippet, params=None, vars=None, var_refs=None) -> PostsynapticInit:
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
    kind = "current_source" if getattr(group, "is_current_source", False) else \
        "custom_update" if getattr(group, "is_custom_update", False) else "neuron"
    return _ref(group, var_name, kind, "model_vars")


def create_psm_var_ref(sg: Any, var_name: str) -> VarReference:
    """Reference a postsynaptic-model variable of a synapse group."""
    return _ref(sg, var_name, "psm", "psm_model_vars")


def create_wu_var_ref(sg: Any, var_name: str, transpose_sg: Any = None, transpose_var: Any = None) -> VarReference:
    """Reference a per-synapse weight update variable; with ``transpose_sg`` and
    ``transpose_var``, a custom update also writes its value there, transposed (DENSE only)."""
    ref = _ref(sg, var_name, "wu", "wu_model_vars")
    if transpose_sg is None:
        return ref
    target = _ref(transpose_sg, transpose_var, "wu", "wu_model_vars")
    return VarReference(sg, var_name, "wu", target.group, target.var_name)


def create_wu_pre_var_ref(sg: Any, var_name: str) -> VarReference:
    return _ref(sg, var_name, "wu_pre", "wu_pre_model_vars")


def create_wu_post_var_ref(sg: Any, var_name: str) -> VarReference:
    return _ref(sg, var_name, "wu_post", "wu_post_model_vars")


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

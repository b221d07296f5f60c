"""Neuron populations, synapse groups and current sources, and their arrays."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

import numpy as np

from pygenn_cl.codegen import names
from pygenn_cl.codegen.transpiler import referenced_identifiers

from . import types, validation
from .enums import ParallelismHint, SynapseMatrixConnectivity, SynapseMatrixType, SynapseMatrixWeight, VarLocation
from .init import (SparseConnectivityInit, ToeplitzConnectivityInit, VarReference, init_sparse_connectivity,
                   init_toeplitz_connectivity)
from .model_spec import (CurrentSourceModel, NeuronModel, PostsynapticModel, VarSpec,
                         WeightUpdateModel)
from .recording import RecordingBuffer
from .values import VarValue, check_names, check_param_value, resolve_params, resolve_var_value, resolve_vars

if TYPE_CHECKING:
    from .genn_model import GeNNModel


#: Most neurons of a population (indices are uint32 in generated code).
MAX_NEURONS = 2**32 - 1
#: Largest delay in steps (spike queues are indexed with 32-bit slot numbers).
MAX_DELAY_STEPS = 2**31 - 2


class ArrayBase:
    """An array that lives in the runtime: a host view plus push/pull."""

    def __init__(self, group: "GroupBase", array_name: str, ctype: types.NumericType):
        self.group = group
        self.array_name = array_name
        self.type = ctype
        self.location = VarLocation.HOST_DEVICE

    @property
    def _runtime(self):
        return self.group._model._require_loaded(f"{self.group.describe()}: '{self.array_name}'")

    @property
    def _stored_runtime(self):
        """The runtime, once it is known to hold this array (a clear error if it is not stored)."""
        runtime = self._runtime
        if not runtime.has_array(self.array_name):
            raise RuntimeError(f"{self.group.describe()}: '{self.array_name}' is not stored"
                               + getattr(self.group, "_why_not_stored", lambda: "")())
        return runtime

    @property
    def view(self) -> np.ndarray:
        """Zero-copy numpy view of the host copy of the whole array."""
        return self._stored_runtime.view(self.array_name)

    def pull_from_device(self) -> None:
        self._stored_runtime.pull(self.array_name)

    def push_to_device(self) -> None:
        self._stored_runtime.push(self.array_name)


class Variable(ArrayBase):
    """A state variable (PyGeNN's ``pop.vars["V"]``).

    A variable that synapses read at a delay (an axonal or back-propagation delay, or
    ``name[d]``) is kept in delay slots, like spikes: its ``view`` and ``values`` then have one
    row per slot, and ``current_view``/``current_values`` are the row the last step wrote.
    """

    def __init__(self, group: "GroupBase", name: str, array_name: str, ctype: types.NumericType,
                 value: VarValue, size_fn, read_only: bool = False):
        super().__init__(group, array_name, ctype)
        self.name = name
        self.init = value
        self._size_fn = size_fn
        #: extra global parameters of the variable's initialisation snippet
        self.extra_global_params: Dict[str, ExtraGlobalParameter] = {}

    @property
    def delay_slots(self) -> int:
        """Delay slots the variable is kept in (1: it is not delayed); known once built."""
        ir = self.group._model._ir
        spec = None if ir is None else ir.arrays.get(self.array_name)
        return 1 if spec is None else spec.slots

    @property
    def view(self) -> np.ndarray:
        """Zero-copy numpy view of the host copy (one row per delay slot, if it has them)."""
        view = super().view
        slots = self.delay_slots
        return view.reshape(slots, -1) if slots > 1 else view

    @property
    def _current_slot(self) -> int:
        return (self.group._model.timestep - 1) % self.delay_slots

    @property
    def values(self) -> np.ndarray:
        """Copy of the values (for SPARSE synapse variables, in connection order; for a variable
        kept in delay slots, one row per slot)."""
        return self.group._values_from_view(self, self.view).copy()

    @values.setter
    def values(self, vals: Any) -> None:
        if self.group._model._runtime is None:
            size = self._size_fn()
            self.init = resolve_var_value(f"{self.group.describe()}: variable '{self.name}'", vals,
                                          self.type, size, self.group._model.dt,
                                          self.group._model._scalar)
        else:
            self._write_loaded(vals)

    def _write_loaded(self, vals: Any, view: Optional[np.ndarray] = None) -> None:
        """Write values into the loaded model's host copy: one per element, or one for all (into
        every delay slot, unless a view of one is given)."""
        owner = f"{self.group.describe()}: variable '{self.name}'"
        values = validation.check_integer_values(owner, vals, self.type)
        slots = self.delay_slots if view is None else 1
        view = self._runtime.view(self.array_name) if view is None else view
        if slots > 1:
            view = view.reshape(slots, -1)
            if values.ndim and values.size not in (view.shape[1], view.size):
                raise ValueError(f"{owner}: {values.size} values given, but it needs {view.shape[1]} (one per "
                                 f"element, for every delay slot), {view.size} ({slots} delay slots of "
                                 f"{view.shape[1]}) or a single value for all")
            view[...] = values.reshape(-1 if values.size == view.size else (1, -1)).reshape(
                view.shape if values.size == view.size else (1, -1)) if values.ndim else values
            return
        count = self.group._values_from_view(self, view).size
        if values.ndim == 0:
            values = np.full(count, values, dtype=self.type.dtype)
        elif values.size != count:
            raise ValueError(f"{owner}: {values.size} values given, but it has {count} (one per element, "
                             "or a single value for all)")
        self.group._values_to_view(self, view, values.reshape(-1))

    @property
    def current_view(self) -> np.ndarray:
        """The values of the current delay slot (the one the last step wrote), or all values."""
        view = self.view
        return view[self._current_slot] if self.delay_slots > 1 else view

    @property
    def current_values(self) -> np.ndarray:
        return self.current_view.copy() if self.delay_slots > 1 else self.values

    @current_values.setter
    def current_values(self, vals: Any) -> None:
        if self.group._model._runtime is not None and self.delay_slots > 1:
            self._write_loaded(vals, self.current_view)
        else:
            self.values = vals


class ExtraGlobalParameter(ArrayBase):
    """An extra global parameter array; set with ``set_init_values`` before ``load()``."""

    def __init__(self, group: "GroupBase", name: str, array_name: str, ctype: types.NumericType):
        super().__init__(group, array_name, ctype)
        self.name = name
        self.init_values: Optional[np.ndarray] = None

    def set_init_values(self, values: Any) -> None:
        owner = f"{self.group.describe()}: extra global parameter '{self.name}'"
        arr = np.atleast_1d(validation.check_integer_values(owner, values, self.type)).reshape(-1)
        if self.group._model._runtime is not None:
            raise RuntimeError(f"{self.group.describe()}: extra global parameter '{self.name}' "
                               "can only be given initial values before load()")
        self.init_values = arr

    @property
    def values(self) -> np.ndarray:
        return self.view.copy()

    @values.setter
    def values(self, vals: Any) -> None:
        owner = f"{self.group.describe()}: extra global parameter '{self.name}'"
        values = validation.check_integer_values(owner, vals, self.type).reshape(-1)
        view = self.view
        if values.size != view.size:
            raise ValueError(f"{owner}: {values.size} values given, but it was loaded with {view.size} "
                             "(its size is fixed by set_init_values() before load())")
        view[:] = values


class GroupBase:
    """Parts common to all groups: name, model, parameters, variables, EGPs."""

    kind = "group"

    def __init__(self, model: "GeNNModel", name: str):
        self._model = model
        self.name = name
        self.vars: Dict[str, Variable] = {}
        self.extra_global_params: Dict[str, ExtraGlobalParameter] = {}

    def describe(self) -> str:
        return f"{self.kind} '{self.name}'"

    def _make_vars(self, specs, values: Dict[str, VarValue], prefix: str, size_fn) -> Dict[str, Variable]:
        out = {}
        for spec in specs:
            ctype = types.parse_numeric_type(spec.type, self._model._scalar)
            var = Variable(self, spec.name, names.var_array(self.name, spec.name, prefix), ctype,
                           values[spec.name], size_fn, spec.read_only)
            snippet = values[spec.name].init.snippet if values[spec.name].init is not None else None
            if snippet is not None and snippet.extra_global_params:
                var.extra_global_params = self._make_egps(snippet, f"{prefix}{spec.name}.init.")
            out[spec.name] = var
        what = {"": "variable", "pre.": "presynaptic variable", "post.": "postsynaptic variable",
                "psm.": "postsynaptic model variable"}.get(prefix, "variable")
        return validation.NameDict(out, self.describe(), what)

    def _make_egps(self, model, prefix: str = "") -> Dict[str, ExtraGlobalParameter]:
        out = {}
        for spec in model.extra_global_params:
            ptype = types.parse_type(spec.type, self._model._scalar)
            if not isinstance(ptype, types.PointerType):
                raise ValueError(f"{self.describe()}: extra global parameter '{spec.name}' must have a "
                                 "pointer type such as 'scalar*' (scalar EGPs became dynamic parameters)")
            out[spec.name] = ExtraGlobalParameter(self, spec.name, names.egp_array(self.name, spec.name, prefix),
                                                  ptype.value_type)
        return validation.NameDict(out, self.describe(), "extra global parameter")

    def _values_from_view(self, var: Variable, view: np.ndarray) -> np.ndarray:
        return view

    def _values_to_view(self, var: Variable, view: np.ndarray, vals: np.ndarray) -> None:
        view[:] = vals.reshape(view.shape)

    # -- PyGeNN's introspection --------------------------------------------------------
    @property
    def var_initialisers(self) -> Dict[str, Any]:
        """Variable name -> how it is initialised: an ``init_var`` initialiser, or the array given."""
        return {name: var.init.init if var.init.init is not None else var.init.array
                for name, var in self.vars.items()}

    def get_var_location(self, name: str) -> VarLocation:
        """Where variable ``name`` lives (ignored, as by PyGeNN on one memory space)."""
        return self.__dict__.get("_locations", {}).get(name, VarLocation.HOST_DEVICE)

    def set_var_location(self, name: str, location: VarLocation) -> None:
        self.__dict__.setdefault("_locations", {})[name] = VarLocation(location)

    # -- dynamic parameters ---------------------------------------------------------
    def dynamic_params(self, role: str) -> set:
        """Names of the parameters of ``role`` ("neuron", "cs", "wu", "ps") that may change after load."""
        return self.__dict__.setdefault("_dynamic", {}).setdefault(role, set())

    def _make_dynamic(self, role: str, model, name: str, dynamic: bool) -> None:
        if self._model._built:
            raise RuntimeError(f"{self.describe()}: parameters must be made dynamic before build()")
        names = [p.name for p in model.params]
        if name not in names:
            derived = [p.name for p in model.derived_params]
            why = " (derived parameters cannot be dynamic)" if name in derived else ""
            raise ValueError(f"{self.describe()}: {model.describe()} has no parameter '{name}'{why}; "
                             f"parameters: {', '.join(names) or 'none'}")
        (self.dynamic_params(role).add if dynamic else self.dynamic_params(role).discard)(name)

    def _set_dynamic(self, role: str, model, values: Dict[str, Any], name: str, value: Any) -> None:
        if name not in self.dynamic_params(role):
            raise ValueError(f"{self.describe()}: parameter '{name}' of {model.describe()} is not dynamic; "
                             "call set_param_dynamic() before build()")
        runtime = self._model._require_loaded(f"{self.describe()}: set_dynamic_param_value")
        value = check_param_value(self.describe(), model, name, value, self._model._scalar)
        values[name] = value
        runtime.set_dynamic_param(self.name, role, name, value)


class NeuronGroup(GroupBase):
    """A population of neurons (``model.add_neuron_population``)."""

    kind = "neuron population"

    def __init__(self, model: "GeNNModel", name: str, num_neurons: int, neuron: NeuronModel,
                 params: Dict[str, Any], vars: Dict[str, Any]):
        super().__init__(model, name)
        if not isinstance(num_neurons, (int, np.integer)) or isinstance(num_neurons, bool) or num_neurons <= 0:
            raise ValueError(f"{self.describe()}: num_neurons must be a positive integer, not {num_neurons!r}")
        if num_neurons > MAX_NEURONS:  # neuron indices are 32-bit in generated code
            raise ValueError(f"{self.describe()}: num_neurons must be at most {MAX_NEURONS:,}, not {num_neurons:,}")
        validation.check_model(neuron)
        self.size = int(num_neurons)
        self.num_neurons = self.size
        self.model = neuron
        owner = f"{self.describe()} ({neuron.describe()})"
        self._param_values = dict(params)
        self.vars = self._make_vars(neuron.vars, resolve_vars(owner, neuron.vars, vars, self.size,
                                                              model.dt, model._scalar),
                                    "", lambda: self.size)
        self.extra_global_params = self._make_egps(neuron)
        self.spike_recording_enabled = False
        self.spike_event_recording_enabled = False
        self.recording_zero_copy_enabled = False
        self.in_syn: List[SynapseGroup] = []
        self.out_syn: List[SynapseGroup] = []
        self.current_sources: List[CurrentSource] = []
        self._recording = RecordingBuffer(names.spike_record_array(name), self.size, self.describe(),
                                          lambda: self.spike_recording_enabled, "spike")
        resolve_params(owner, neuron, self._param_values, model.dt, model._scalar)

    @property
    def model_vars(self):
        return self.model.vars

    @property
    def params(self) -> Dict[str, Any]:
        return dict(self._param_values)

    def resolved_params(self) -> Dict[str, Any]:
        return resolve_params(f"{self.describe()} ({self.model.describe()})", self.model,
                              self._param_values, self._model.dt, self._model._scalar)

    def set_param_dynamic(self, param_name: str, dynamic: bool = True) -> None:
        """Let parameter ``param_name`` change after ``load()`` (derived parameters do not follow it)."""
        self._make_dynamic("neuron", self.model, param_name, dynamic)

    def set_dynamic_param_value(self, name: str, value: Any) -> None:
        self._set_dynamic("neuron", self.model, self._param_values, name, value)

    @property
    def max_axonal_delay(self) -> int:
        """Largest delay with which this population's spikes are read (axonal or back-propagation)."""
        return max([sg.axonal_delay_steps for sg in self.out_syn]
                   + [sg.back_prop_delay_steps for sg in self.in_syn if sg.needs_columns], default=0)

    @property
    def spike_recording_data(self) -> List[Tuple[np.ndarray, np.ndarray]]:
        """Recorded spikes: a list with one ``(times, ids)`` per batch."""
        return self._recording.data(self._model._require_loaded(self.describe()), self._model.dt,
                                    self._model.timestep)

    def recording_buffers(self) -> List[RecordingBuffer]:
        """Every recording buffer this population fills."""
        out = [self._recording] if self.spike_recording_enabled else []
        if self.spike_event_recording_enabled:
            out += [sg._event_recording("pre") for sg in self.out_syn if sg.wu_model.pre_event_threshold_condition_code]
            out += [sg._event_recording("post") for sg in self.in_syn if sg.wu_model.post_event_threshold_condition_code]
        return out


class CurrentSource(GroupBase):
    """A current source injecting into a neuron population (``model.add_current_source``)."""

    kind = "current source"
    is_current_source = True

    def __init__(self, model: "GeNNModel", name: str, cs_model: CurrentSourceModel, pop: NeuronGroup,
                 params: Dict[str, Any], vars: Dict[str, Any], var_refs: Dict[str, Any]):
        super().__init__(model, name)
        if not isinstance(pop, NeuronGroup):
            raise TypeError(f"{self.describe()}: target must be a neuron population, not {pop!r}")
        self.model = cs_model
        self.target = pop
        self.target_var = "Isyn"
        owner = f"{self.describe()} ({cs_model.describe()})"
        validation.check_model(cs_model)
        self._param_values = dict(params)
        resolve_params(owner, cs_model, self._param_values, model.dt, model._scalar)
        self.vars = self._make_vars(cs_model.vars, resolve_vars(owner, cs_model.vars, vars, pop.size,
                                                                model.dt, model._scalar),
                                    "", lambda: pop.size)
        self.extra_global_params = self._make_egps(cs_model)
        self.var_refs = resolve_neuron_var_refs(owner, cs_model.neuron_var_refs, var_refs, pop)
        self.size = pop.size

    @property
    def model_vars(self):
        return self.model.vars

    @property
    def params(self) -> Dict[str, Any]:
        return dict(self._param_values)

    def set_param_dynamic(self, param_name: str, dynamic: bool = True) -> None:
        """Let parameter ``param_name`` change after ``load()``."""
        self._make_dynamic("cs", self.model, param_name, dynamic)

    def set_dynamic_param_value(self, name: str, value: Any) -> None:
        self._set_dynamic("cs", self.model, self._param_values, name, value)

    def resolved_params(self) -> Dict[str, Any]:
        return resolve_params(self.describe(), self.model, self._param_values, self._model.dt,
                              self._model._scalar)


def resolve_neuron_var_refs(owner: str, specs, given: Dict[str, Any], pop: NeuronGroup) -> Dict[str, str]:
    """Map each neuron variable reference of a model to a variable of ``pop``.

    A reference is given as ``create_var_ref(pop, "V")`` or as the variable's name (``"V"``);
    one the user did not give is bound to the variable of the same name (or with a
    ``_pre``/``_post`` suffix removed) if ``pop`` has one.
    """
    return _resolve_refs(owner, specs, given, pop, {v.name: v for v in pop.model.vars}, "neuron",
                         "create_var_ref", pop.describe())


def resolve_psm_var_refs(owner: str, specs, given: Dict[str, Any], sg: "SynapseGroup") -> Dict[str, str]:
    """Map each of a weight update model's references to postsynaptic model variables
    (``psm_var_refs``) to a variable of ``sg``'s postsynaptic model: given as the variable's name
    or ``create_psm_var_ref(sg, name)``, or, when not given, the variable of the same name."""
    return _resolve_refs(owner, specs, given, sg, {v.name: v for v in sg.ps_model.vars}, "psm",
                         "create_psm_var_ref", f"the postsynaptic model of {sg.describe()}")


def _resolve_refs(owner: str, specs, given: Dict[str, Any], group, variables: Dict[str, Any], kind: str,
                  constructor: str, where: str) -> Dict[str, str]:
    extra = [n for n in given if n not in [s.name for s in specs]]
    if extra:
        raise ValueError(f"{owner}: unknown variable reference(s) {', '.join(extra)}")
    out = {}
    for spec in specs:
        ref = given.get(spec.name)
        if ref is None:
            for candidate in (spec.name, spec.name.rsplit("_", 1)[0]):
                if candidate in variables:
                    out[spec.name] = candidate
                    break
            else:
                raise ValueError(f"{owner}: variable reference '{spec.name}' was not given and "
                                 f"{where} has no variable of that name; give the name of one of its variables "
                                 f"({', '.join(variables) or 'it has none'})")
            continue
        if isinstance(ref, str):
            if ref not in variables:
                raise ValueError(f"{owner}: variable reference '{spec.name}' names '{ref}', but {where} has no "
                                 f"such variable; it has: {', '.join(variables) or 'none'}")
            out[spec.name] = ref
            continue
        if not isinstance(ref, VarReference) or ref.kind != kind:
            raise ValueError(f"{owner}: variable reference '{spec.name}' must be the name of a variable of {where} "
                             f"or {constructor}() of one")
        if ref.group is not group:
            raise ValueError(f"{owner}: variable reference '{spec.name}' points to {ref.group.describe()}, "
                             f"but must point to {where}")
        out[spec.name] = ref.var_name
    scalar = group._model._scalar
    for spec in specs:
        want = types.parse_numeric_type(spec.type, scalar)
        have = types.parse_numeric_type(variables[out[spec.name]].type, scalar)
        if want != have:
            raise ValueError(f"{owner}: variable reference '{spec.name}' has type {want.name} but "
                             f"{where}'s '{out[spec.name]}' is {have.name}")
    return out


class SynapseGroup(GroupBase):
    """A projection between two populations (``model.add_synapse_population``)."""

    kind = "synapse population"

    def __init__(self, model: "GeNNModel", name: str, matrix_type, source: NeuronGroup,
                 target: NeuronGroup, wu_init, ps_init, connectivity_init):
        super().__init__(model, name)
        self.matrix_type = SynapseMatrixType.resolve(matrix_type)
        for role, pop in (("source", source), ("target", target)):
            if not isinstance(pop, NeuronGroup):
                raise TypeError(f"{self.describe()}: {role} must be a neuron population object, not {pop!r}")
        self.src = source
        self.trg = target
        self.wu_initialiser = wu_init
        self.ps_initialiser = ps_init
        self.wu_model: WeightUpdateModel = wu_init.snippet
        self.ps_model: PostsynapticModel = ps_init.snippet
        validation.check_model(self.wu_model)
        validation.check_model(self.ps_model)
        owner = self.describe()
        wu_owner = f"{owner} ({self.wu_model.describe()})"
        ps_owner = f"{owner} ({self.ps_model.describe()})"
        self._wu_param_values = dict(wu_init.params)
        self._ps_param_values = dict(ps_init.params)
        resolve_params(wu_owner, self.wu_model, self._wu_param_values, model.dt, model._scalar)
        resolve_params(ps_owner, self.ps_model, self._ps_param_values, model.dt, model._scalar)
        self._check_supported(wu_init)

        conn = self.matrix_type.connectivity
        if conn == SynapseMatrixConnectivity.DENSE:
            if connectivity_init is not None:
                raise ValueError(f"{owner}: {self.matrix_type.name} connectivity takes no connectivity initialiser")
            self.connectivity_init: Optional[Any] = None
        else:
            toeplitz = conn == SynapseMatrixConnectivity.TOEPLITZ
            init_class, maker = (ToeplitzConnectivityInit, "init_toeplitz_connectivity()") if toeplitz \
                else (SparseConnectivityInit, "init_sparse_connectivity()")
            self.connectivity_init = connectivity_init or (init_toeplitz_connectivity if toeplitz
                                                           else init_sparse_connectivity)("Uninitialised")
            if not isinstance(self.connectivity_init, init_class):
                raise TypeError(f"{owner}: {self.matrix_type.name} connectivity takes an initialiser from {maker}, "
                                f"not {type(self.connectivity_init).__name__}")
            snippet = self.connectivity_init.snippet
            validation.check_model(snippet)
            resolve_params(f"{owner} ({snippet.describe()})", snippet, self.connectivity_init.params,
                           model.dt, model._scalar)
            self._check_connectivity_snippet(snippet)
        self.connectivity_extra_global_params = {} if self.connectivity_init is None else \
            self._make_egps(self.connectivity_init.snippet, "conn.")
        self._sparse_pre: Optional[np.ndarray] = None
        self._sparse_post: Optional[np.ndarray] = None
        self._user_order: Optional[np.ndarray] = None

        weight = self.matrix_type.weight
        kernel = weight == SynapseMatrixWeight.KERNEL
        syn_size = (lambda: self.src.size * self.trg.size) if conn == SynapseMatrixConnectivity.DENSE \
            else (lambda: int(np.prod(self.kernel_size))) if kernel else (lambda: self._num_user_synapses())
        self.vars = self._make_vars(self.wu_model.vars,
                                    resolve_vars(wu_owner, self.wu_model.vars, wu_init.vars,
                                                 syn_size() if kernel else None, model.dt, model._scalar),
                                    "", syn_size)
        for var in self.vars.values():
            self._check_syn_array_size(var.name, var.init)
            self._check_weight_init(var.name, var.init)
        self.pre_vars = self._make_vars(self.wu_model.pre_vars,
                                        resolve_vars(wu_owner, self.wu_model.pre_vars, wu_init.pre_vars,
                                                     source.size, model.dt, model._scalar, "presynaptic variables"),
                                        "pre.", lambda: self.src.size)
        self.post_vars = self._make_vars(self.wu_model.post_vars,
                                         resolve_vars(wu_owner, self.wu_model.post_vars, wu_init.post_vars,
                                                      target.size, model.dt, model._scalar,
                                                      "postsynaptic variables"),
                                         "post.", lambda: self.trg.size)
        self.psm_vars = self._make_vars(self.ps_model.vars,
                                        resolve_vars(ps_owner, self.ps_model.vars, ps_init.vars,
                                                     target.size, model.dt, model._scalar),
                                        "psm.", lambda: self.trg.size)
        self.extra_global_params = self._make_egps(self.wu_model)
        self.psm_extra_global_params = self._make_egps(self.ps_model, "psm.")
        self.pre_var_refs = resolve_neuron_var_refs(wu_owner, self.wu_model.pre_neuron_var_refs,
                                                    wu_init.pre_var_refs, source)
        self.post_var_refs = resolve_neuron_var_refs(wu_owner, self.wu_model.post_neuron_var_refs,
                                                     wu_init.post_var_refs, target)
        self.psm_var_refs = resolve_neuron_var_refs(ps_owner, self.ps_model.neuron_var_refs,
                                                    ps_init.var_refs, target)
        #: the weight update model's references to postsynaptic model variables
        self.wu_psm_var_refs = resolve_psm_var_refs(wu_owner, self.wu_model.psm_var_refs, wu_init.psm_var_refs,
                                                    self)
        self._axonal_delay_steps = 0
        self._back_prop_delay_steps = 0
        self._pre_target_var = "Isyn"
        self._max_dendritic_delay_timesteps = 1
        self._post_target_var = "Isyn"
        self._narrow_sparse_ind_enabled = model.default_narrow_sparse_ind_enabled
        self._max_connections: Optional[int] = None
        self._max_source_connections: Optional[int] = None
        self.parallelism_hint = ParallelismHint.POSTSYNAPTIC
        self.num_threads_per_spike = 1
        self.output_location = VarLocation.HOST_DEVICE
        self.sparse_connectivity_location = model.default_sparse_connectivity_location
        source.out_syn.append(self)
        target.in_syn.append(self)

    # -- checks --------------------------------------------------------------
    def _check_supported(self, wu_init) -> None:
        wu = self.wu_model
        if bool(wu.pre_event_syn_code) != bool(wu.pre_event_threshold_condition_code):
            raise ValueError(f"{self.describe()} ({wu.describe()}): pre_event_syn_code and "
                             "pre_event_threshold_condition_code must be given together")
        if bool(wu.post_event_syn_code) != bool(wu.post_event_threshold_condition_code):
            raise ValueError(f"{self.describe()} ({wu.describe()}): post_event_syn_code and "
                             "post_event_threshold_condition_code must be given together")
        conn = self.matrix_type.connectivity
        if conn in (SynapseMatrixConnectivity.BITMASK, SynapseMatrixConnectivity.PROCEDURAL,
                    SynapseMatrixConnectivity.TOEPLITZ):
            for section in ("post_spike_syn_code", "post_event_syn_code", "synapse_dynamics_code"):
                if getattr(wu, section):
                    raise ValueError(f"{self.describe()} ({wu.describe()}): {self.matrix_type.name} connectivity "
                                     f"is not stored per synapse, so {section} (which runs over stored synapses) "
                                     "cannot be used with it; use SPARSE or DENSE connectivity")

    def _check_connectivity_snippet(self, snippet) -> None:
        """A snippet that cannot build this matrix type's connectivity is refused here, naming both."""
        matrix = self.matrix_type
        conn = matrix.connectivity
        owner = f"{self.describe()} ({snippet.describe()})"
        if conn == SynapseMatrixConnectivity.TOEPLITZ:
            if snippet.class_name != "Uninitialised" and not snippet.diagonal_build_code:
                raise ValueError(f"{owner}: TOEPLITZ connectivity needs a snippet with diagonal_build_code")
            if snippet.class_name == "Uninitialised":
                raise ValueError(f"{owner}: TOEPLITZ connectivity needs a Toeplitz connectivity snippet, "
                                 "such as init_toeplitz_connectivity(\"Conv2D\", ...)")
            if snippet.calc_kernel_size_func is None or snippet.calc_max_row_len_func is None:
                raise ValueError(f"{owner}: TOEPLITZ connectivity needs calc_kernel_size_func (the kernel's "
                                 "shape) and calc_max_row_len_func (the number of diagonals)")
            return
        if conn in (SynapseMatrixConnectivity.BITMASK, SynapseMatrixConnectivity.PROCEDURAL):
            if snippet.col_build_code:
                raise ValueError(f"{owner}: {matrix.name} connectivity is built row by row (PROCEDURAL "
                                 "regenerates each row at every spike), but this snippet builds columns "
                                 "(col_build_code); use SPARSE connectivity")
            if not snippet.row_build_code:
                raise ValueError(f"{owner}: {matrix.name} connectivity needs a snippet with row_build_code "
                                 "(its connections cannot be given with set_sparse_connections)")
        if matrix.weight == SynapseMatrixWeight.KERNEL and snippet.calc_kernel_size_func is None:
            raise ValueError(f"{owner}: {matrix.name} weights are a kernel indexed by id_kernel, so the "
                             "connectivity snippet must declare the kernel (calc_kernel_size_func)")

    def _check_weight_init(self, name: str, value: VarValue) -> None:
        """How per-synapse variables may be initialised with this matrix type's weights."""
        matrix = self.matrix_type
        owner = f"{self.describe()}: variable '{name}'"
        if matrix.connectivity == SynapseMatrixConnectivity.BITMASK:
            raise ValueError(f"{owner}: BITMASK connectivity stores one bit per synapse and no per-synapse "
                             f"variables; give {self.wu_model.describe()} its weight as a parameter (as "
                             "StaticPulseConstantWeight does), or use SPARSE or PROCEDURAL connectivity")
        snippet = value.init.snippet if value.init is not None else None
        uses_kernel = snippet is not None and "id_kernel" in referenced_identifiers(snippet.var_init_code)
        if matrix.weight == SynapseMatrixWeight.PROCEDURAL:
            if value.array is not None or snippet is None or snippet.class_name == "Uninitialised":
                raise ValueError(f"{owner}: {matrix.name} weights are regenerated from their initialisation "
                                 "snippet at every use, so they need init_var(...) or a number, not "
                                 f"{'an array' if value.array is not None else 'Uninitialised'}")
        if uses_kernel and matrix.weight != SynapseMatrixWeight.KERNEL:
            conn = self.connectivity_init
            has_kernel = conn is not None and getattr(conn.snippet, "calc_kernel_size_func", None) is not None \
                and getattr(conn.snippet, "row_build_code", "")
            if not has_kernel:
                raise ValueError(f"{owner}: {snippet.describe()} reads id_kernel, the kernel position "
                                 "addSynapse() gives a synapse, which needs connectivity built row by row by a "
                                 "snippet with a kernel (such as Conv2D), or kernel weights (PROCEDURAL_KERNELG, "
                                 "TOEPLITZ)")

    def _check_syn_array_size(self, name: str, value: VarValue) -> None:
        if value.array is None:
            return
        if self.matrix_type.weight == SynapseMatrixWeight.KERNEL:
            return   # checked against the kernel's size by resolve_vars
        if self.matrix_type.weight == SynapseMatrixWeight.PROCEDURAL \
                or self.matrix_type.connectivity == SynapseMatrixConnectivity.BITMASK:
            return   # refused by _check_weight_init
        if self.matrix_type == SynapseMatrixType.DENSE:
            need = self.src.size * self.trg.size
            if value.array.size != need:
                raise ValueError(f"{self.describe()}: variable '{name}' has {value.array.size} values "
                                 f"but DENSE connectivity {self.src.size}x{self.trg.size} needs {need}")
        elif self.connectivity_init.snippet.class_name != "Uninitialised":
            raise ValueError(f"{self.describe()}: variable '{name}' was given an array, but connectivity "
                             "is built by a snippet so the number of synapses is unknown before load(); "
                             "use init_var(...) or set_sparse_connections()")

    def _num_user_synapses(self) -> Optional[int]:
        return None if self._sparse_pre is None else int(self._sparse_pre.size)

    # -- properties (settable before build) ----------------------------------
    def _before_build(self, what: str) -> None:
        if self._model._built:
            raise RuntimeError(f"{self.describe()}: {what} must be set before build()")

    @property
    def axonal_delay_steps(self) -> int:
        return self._axonal_delay_steps

    @axonal_delay_steps.setter
    def axonal_delay_steps(self, value: int) -> None:
        self._before_build("axonal_delay_steps")
        value = validation.whole_number(f"{self.describe()}: axonal_delay_steps", value, 0, MAX_DELAY_STEPS)
        self._axonal_delay_steps = int(value)

    @property
    def max_dendritic_delay_timesteps(self) -> int:
        return self._max_dendritic_delay_timesteps

    @max_dendritic_delay_timesteps.setter
    def max_dendritic_delay_timesteps(self, value: int) -> None:
        self._before_build("max_dendritic_delay_timesteps")
        value = validation.whole_number(f"{self.describe()}: max_dendritic_delay_timesteps", value, 1,
                                        MAX_DELAY_STEPS)
        self._max_dendritic_delay_timesteps = int(value)

    @property
    def post_target_var(self) -> str:
        return self._post_target_var

    @post_target_var.setter
    def post_target_var(self, name: str) -> None:
        self._before_build("post_target_var")
        allowed = ["Isyn"] + [v.name for v in self.trg.model.additional_input_vars]
        if name not in allowed:
            raise ValueError(f"{self.describe()}: post_target_var '{name}' is not an input variable of "
                             f"{self.trg.describe()}; choose one of {', '.join(allowed)}")
        self._post_target_var = name

    @property
    def narrow_sparse_ind_enabled(self) -> bool:
        return self._narrow_sparse_ind_enabled

    @narrow_sparse_ind_enabled.setter
    def narrow_sparse_ind_enabled(self, value: bool) -> None:
        self._before_build("narrow_sparse_ind_enabled")
        self._narrow_sparse_ind_enabled = bool(value)

    @property
    def back_prop_delay_steps(self) -> int:
        """Steps by which postsynaptic spikes reach ``post_spike_syn_code`` late."""
        return self._back_prop_delay_steps

    @back_prop_delay_steps.setter
    def back_prop_delay_steps(self, value: int) -> None:
        self._before_build("back_prop_delay_steps")
        value = validation.whole_number(f"{self.describe()}: back_prop_delay_steps", value, 0, MAX_DELAY_STEPS)
        self._back_prop_delay_steps = int(value)

    @property
    def pre_target_var(self) -> str:
        return self._pre_target_var

    @pre_target_var.setter
    def pre_target_var(self, name: str) -> None:
        self._before_build("pre_target_var")
        allowed = ["Isyn"] + [v.name for v in self.src.model.additional_input_vars]
        if name not in allowed:
            raise ValueError(f"{self.describe()}: pre_target_var '{name}' is not an input variable of "
                             f"{self.src.describe()}; choose one of {', '.join(allowed)}")
        self._pre_target_var = name

    def _event_recording(self, side: str) -> RecordingBuffer:
        buffers = self.__dict__.setdefault("_event_recordings", {})
        if side not in buffers:
            pop = self.src if side == "pre" else self.trg
            buffers[side] = RecordingBuffer(names.event_record_array(self.name, side), pop.size,
                                            f"{self.describe()} ({side}synaptic spike-like events)",
                                            lambda: pop.spike_event_recording_enabled, "spike-like event")
        return buffers[side]

    @property
    def pre_spike_event_recording_data(self) -> List[Tuple[np.ndarray, np.ndarray]]:
        """Recorded presynaptic spike-like events: one ``(times, ids)`` per batch."""
        return self._event_recording("pre").data(self._model._require_loaded(self.describe()), self._model.dt,
                                                 self._model.timestep)

    @property
    def post_spike_event_recording_data(self) -> List[Tuple[np.ndarray, np.ndarray]]:
        """Recorded postsynaptic spike-like events: one ``(times, ids)`` per batch."""
        return self._event_recording("post").data(self._model._require_loaded(self.describe()), self._model.dt,
                                                  self._model.timestep)

    @property
    def needs_columns(self) -> bool:
        """Whether code runs per postsynaptic spike or event (over columns of the matrix)."""
        return bool(self.wu_model.post_spike_syn_code or self.wu_model.post_event_syn_code)

    @property
    def sparse_index_type(self) -> types.NumericType:
        if self._narrow_sparse_ind_enabled and self.trg.size <= 65536:
            return types.Uint16
        return types.Uint32

    def _conn_params(self) -> Dict[str, Any]:
        snippet = self.connectivity_init.snippet
        return resolve_params(self.describe(), snippet, self.connectivity_init.params,
                              self._model.dt, self._model._scalar)

    @property
    def max_connections(self) -> int:
        """Maximum row length of SPARSE and PROCEDURAL connectivity (computed from the snippet; may be
        raised), or the number of diagonals of TOEPLITZ connectivity."""
        if self.matrix_type.connectivity in (SynapseMatrixConnectivity.DENSE, SynapseMatrixConnectivity.BITMASK):
            return self.trg.size
        if self._max_connections is not None:
            return self._max_connections
        if self._sparse_pre is not None:
            counts = np.bincount(self._sparse_pre, minlength=self.src.size)
            return max(int(counts.max(initial=0)), 1)
        func = self.connectivity_init.snippet.calc_max_row_len_func
        if func is None:
            return self.trg.size
        if self.matrix_type.connectivity == SynapseMatrixConnectivity.TOEPLITZ:
            return max(1, int(func(self.src.size, self.trg.size, self._conn_params())))   # diagonals
        return max(1, min(int(func(self.src.size, self.trg.size, self._conn_params())), self.trg.size)) \
            if self.connectivity_init.snippet.row_length_multinomial_param is None \
            else max(1, int(func(self.src.size, self.trg.size, self._conn_params())))

    @max_connections.setter
    def max_connections(self, value: int) -> None:
        self._before_build("max_connections")
        value = validation.whole_number(f"{self.describe()}: max_connections", value, 1, MAX_NEURONS)
        self._max_connections = int(value)

    @property
    def max_source_connections(self) -> int:
        if self._max_source_connections is not None:
            return self._max_source_connections
        if self._sparse_pre is not None:
            return max(int(np.bincount(self._sparse_post, minlength=self.trg.size).max(initial=0)), 1)
        func = None if self.connectivity_init is None else \
            getattr(self.connectivity_init.snippet, "calc_max_col_len_func", None)
        if func is None:
            return self.src.size
        return max(1, int(func(self.src.size, self.trg.size, self._conn_params())))

    @max_source_connections.setter
    def max_source_connections(self, value: int) -> None:
        self._before_build("max_source_connections")
        self._max_source_connections = validation.whole_number(f"{self.describe()}: max_source_connections",
                                                                value, 1, MAX_NEURONS)

    # -- parameters ----------------------------------------------------------
    def set_wu_param_dynamic(self, param_name: str, dynamic: bool = True) -> None:
        """Let weight update parameter ``param_name`` change after ``load()``."""
        self._make_dynamic("wu", self.wu_model, param_name, dynamic)

    def set_ps_param_dynamic(self, param_name: str, dynamic: bool = True) -> None:
        """Let postsynaptic model parameter ``param_name`` change after ``load()``."""
        self._make_dynamic("ps", self.ps_model, param_name, dynamic)

    def set_wu_dynamic_param_value(self, name: str, value: Any) -> None:
        self._set_dynamic("wu", self.wu_model, self._wu_param_values, name, value)

    def set_ps_dynamic_param_value(self, name: str, value: Any) -> None:
        self._set_dynamic("ps", self.ps_model, self._ps_param_values, name, value)

    def wu_resolved_params(self) -> Dict[str, Any]:
        return resolve_params(self.describe(), self.wu_model, self._wu_param_values,
                              self._model.dt, self._model._scalar)

    def ps_resolved_params(self) -> Dict[str, Any]:
        return resolve_params(self.describe(), self.ps_model, self._ps_param_values,
                              self._model.dt, self._model._scalar)

    @property
    def wu_model_vars(self):
        return self.wu_model.vars

    @property
    def psm_model_vars(self):
        return self.ps_model.vars

    @property
    def wu_pre_model_vars(self):
        return self.wu_model.pre_vars

    @property
    def wu_post_model_vars(self):
        return self.wu_model.post_vars

    # -- PyGeNN's introspection --------------------------------------------------------
    @property
    def sparse_connectivity_initialiser(self):
        """The connectivity initialiser (``init_sparse_connectivity("Uninitialised")`` for DENSE and
        TOEPLITZ)."""
        return self.connectivity_init if isinstance(self.connectivity_init, SparseConnectivityInit) \
            else init_sparse_connectivity("Uninitialised")

    @property
    def toeplitz_connectivity_initialiser(self):
        """The Toeplitz connectivity initialiser (``init_toeplitz_connectivity("Uninitialised")`` unless
        the connectivity is TOEPLITZ)."""
        if isinstance(self.connectivity_init, ToeplitzConnectivityInit):
            return self.connectivity_init
        return init_toeplitz_connectivity("Uninitialised")

    @property
    def kernel_size(self) -> List[int]:
        """Shape of the connectivity snippet's kernel ([] when it has none)."""
        func = None if self.connectivity_init is None else self.connectivity_init.snippet.calc_kernel_size_func
        return [] if func is None else [int(k) for k in func(self._conn_params())]

    @property
    def weight_update_var_size(self) -> int:
        """Number of elements of each per-synapse variable: rows of ``max_connections`` for SPARSE,
        ``num_pre * num_post`` for DENSE, the kernel's for kernel weights (PROCEDURAL_KERNELG,
        TOEPLITZ) and none for weights that are not stored (DENSE_PROCEDURALG, PROCEDURAL, BITMASK)."""
        matrix = self.matrix_type
        if matrix.weight == SynapseMatrixWeight.KERNEL:
            return int(np.prod(self.kernel_size))
        if matrix.weight != SynapseMatrixWeight.INDIVIDUAL or matrix.connectivity == SynapseMatrixConnectivity.BITMASK:
            return 0
        return self.src.size * (self.trg.size if matrix == SynapseMatrixType.DENSE else self.max_connections)

    @property
    def num_synapses(self) -> int:
        """Number of synapses (after load() for connectivity built by a snippet)."""
        conn = self.matrix_type.connectivity
        if conn == SynapseMatrixConnectivity.DENSE:
            return self.src.size * self.trg.size
        if conn == SynapseMatrixConnectivity.BITMASK:
            return int(self._bitmask().sum())
        self._require_stored("num_synapses")
        if self._model._runtime is None and self._sparse_pre is not None:
            return int(self._sparse_pre.size)
        return int(self._row_lengths_and_ind()[0].sum())

    def _why_not_stored(self) -> str:
        matrix = self.matrix_type
        if matrix.weight == SynapseMatrixWeight.PROCEDURAL:
            return f": {matrix.name} weights are regenerated from their initialisation snippets at every use"
        return ""

    def _require_stored(self, what: str) -> None:
        if self.matrix_type.connectivity in (SynapseMatrixConnectivity.PROCEDURAL, SynapseMatrixConnectivity.TOEPLITZ):
            raise RuntimeError(f"{self.describe()}: {what} needs stored connectivity, but {self.matrix_type.name} "
                               "connectivity is regenerated at every spike and never stored")

    def _bitmask(self) -> np.ndarray:
        """BITMASK connectivity as a ``num_pre x num_post`` boolean matrix (pulled when first read)."""
        rt = self._model._require_loaded(self.describe())
        name = names.bitmask_array(self.name)
        rt.pull_once(name)
        words = rt.view(name).reshape(self.src.size, -1)
        bits = np.unpackbits(words.view(np.uint8).reshape(self.src.size, -1), axis=1, bitorder="little")
        return bits[:, :self.trg.size].astype(bool)

    @property
    def pre_var_initialisers(self) -> Dict[str, Any]:
        return {n: v.init.init if v.init.init is not None else v.init.array for n, v in self.pre_vars.items()}

    @property
    def post_var_initialisers(self) -> Dict[str, Any]:
        return {n: v.init.init if v.init.init is not None else v.init.array for n, v in self.post_vars.items()}

    @property
    def psm_var_initialisers(self) -> Dict[str, Any]:
        return {n: v.init.init if v.init.init is not None else v.init.array for n, v in self.psm_vars.items()}

    @property
    def wu_params(self) -> Dict[str, Any]:
        return dict(self._wu_param_values)

    @property
    def ps_params(self) -> Dict[str, Any]:
        return dict(self._ps_param_values)

    def get_wu_var_location(self, name: str) -> VarLocation:
        return self.get_var_location(name)

    def set_wu_var_location(self, name: str, location: VarLocation) -> None:
        self.set_var_location(name, location)

    def get_wu_pre_var_location(self, name: str) -> VarLocation:
        return self.get_var_location("pre." + name)

    def set_wu_pre_var_location(self, name: str, location: VarLocation) -> None:
        self.set_var_location("pre." + name, location)

    def get_wu_post_var_location(self, name: str) -> VarLocation:
        return self.get_var_location("post." + name)

    def set_wu_post_var_location(self, name: str, location: VarLocation) -> None:
        self.set_var_location("post." + name, location)

    def get_ps_var_location(self, name: str) -> VarLocation:
        return self.get_var_location("psm." + name)

    def set_ps_var_location(self, name: str, location: VarLocation) -> None:
        self.set_var_location("psm." + name, location)

    # -- sparse connectivity -------------------------------------------------
    def set_sparse_connections(self, pre_indices, post_indices) -> None:
        """Give SPARSE connectivity explicitly (before ``load()``), one entry per synapse."""
        if self.matrix_type != SynapseMatrixType.SPARSE:
            raise ValueError(f"{self.describe()}: set_sparse_connections needs SPARSE connectivity")
        pre = np.asarray(pre_indices).reshape(-1)
        post = np.asarray(post_indices).reshape(-1)
        if pre.size != post.size:
            raise ValueError(f"{self.describe()}: {pre.size} presynaptic but {post.size} postsynaptic indices")
        for what, arr, n in (("presynaptic", pre, self.src.size), ("postsynaptic", post, self.trg.size)):
            if arr.size and (not np.issubdtype(arr.dtype, np.integer) or arr.min() < 0 or arr.max() >= n):
                raise ValueError(f"{self.describe()}: {what} indices must be integers in [0, {n})")
        if self._model._runtime is not None:
            self._model._runtime.set_connectivity(names.row_length_array(self.name), names.ind_array(self.name),
                                                  self.src.size, pre, post, self.describe())
            self._rebuild_columns()
            return
        # As in PyGeNN, connections given here replace those the group's connectivity
        # snippet (if any) would build: the snippet is not run (describe.py).
        counts = np.bincount(pre, minlength=self.src.size) if pre.size else np.zeros(self.src.size, int)
        if self._max_connections is not None and counts.max(initial=0) > self._max_connections:
            row = int(np.argmax(counts))
            raise ValueError(f"{self.describe()}: row {row} has {counts[row]} synapses, more than "
                             f"max_connections = {self._max_connections}")
        self._user_order = np.argsort(pre, kind="stable")
        self._sparse_pre = pre.astype(np.int64)
        self._sparse_post = post.astype(np.int64)

    def pull_connectivity_from_device(self) -> None:
        rt = self._model._require_loaded(self.describe())
        if self.matrix_type.connectivity == SynapseMatrixConnectivity.BITMASK:
            rt.pull(names.bitmask_array(self.name))
            return
        self._require_stored("pull_connectivity_from_device")
        if self.matrix_type.connectivity == SynapseMatrixConnectivity.DENSE:
            return
        rt.pull(names.row_length_array(self.name))
        rt.pull(names.ind_array(self.name))

    def push_connectivity_to_device(self) -> None:
        """Copy the host's connectivity (``rowLength``, ``ind``) to the device, and rebuild the
        column structure of postsynaptic learning from it."""
        rt = self._model._require_loaded(self.describe())
        if self.matrix_type.connectivity == SynapseMatrixConnectivity.BITMASK:
            rt.push(names.bitmask_array(self.name))
            return
        self._require_stored("push_connectivity_to_device")
        if self.matrix_type.connectivity == SynapseMatrixConnectivity.DENSE:
            return
        rt.push(names.row_length_array(self.name))
        rt.push(names.ind_array(self.name))
        self._rebuild_columns()

    def _rebuild_columns(self) -> None:
        """The column structure (``colLength``, ``remap``) that ``post_spike_syn_code`` and
        ``post_event_syn_code`` use, rebuilt on the host from the host's connectivity, each column
        in synapse order (as initialisation builds it), and pushed."""
        rt = self._model._runtime
        col_length, remap = names.group_array(self.name, "colLength"), names.group_array(self.name, "remap")
        if not (self.needs_columns and rt.has_array(remap)):
            return
        row_length, ind = self._row_lengths_and_ind()
        stride = ind.shape[1]
        mask = np.arange(stride)[None, :] < row_length[:, None]
        synapses = np.arange(ind.size, dtype=np.uint32).reshape(ind.shape)[mask]
        posts = ind[mask].astype(np.int64)
        counts = np.bincount(posts, minlength=self.trg.size)
        columns = rt.view(remap).reshape(self.trg.size, -1)
        if counts.max(initial=0) > columns.shape[1]:
            raise ValueError(f"{self.describe()}: postsynaptic neuron {int(np.argmax(counts))} has "
                             f"{int(counts.max())} synapses, more than max_source_connections = {columns.shape[1]}; "
                             "set max_source_connections higher before build()")
        order = np.argsort(posts, kind="stable")
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        columns[posts[order], np.arange(posts.size) - starts[posts[order]]] = synapses[order]
        rt.view(col_length)[:] = counts
        rt.push(col_length)
        rt.push(remap)

    def _row_lengths_and_ind(self, need_ind: bool = True) -> Tuple[np.ndarray, np.ndarray]:
        """Host views of the connectivity, pulled from the device the first time they are read."""
        rt = self._model._require_loaded(self.describe())
        for name in (names.row_length_array(self.name),) + ((names.ind_array(self.name),) if need_ind else ()):
            rt.pull_once(name)
        row_length = rt.view(names.row_length_array(self.name))
        ind = rt.view(names.ind_array(self.name)).reshape(self.src.size, -1)
        return row_length, ind

    def _synapse_mask(self) -> np.ndarray:
        row_length, ind = self._row_lengths_and_ind(need_ind=False)
        return np.arange(ind.shape[1])[None, :] < row_length[:, None]

    def get_sparse_pre_inds(self) -> np.ndarray:
        """Presynaptic index of every synapse, in connection order (BITMASK: row by row)."""
        conn = self.matrix_type.connectivity
        if conn == SynapseMatrixConnectivity.DENSE:
            return np.repeat(np.arange(self.src.size), self.trg.size)
        if conn == SynapseMatrixConnectivity.BITMASK:
            return np.nonzero(self._bitmask())[0]
        self._require_stored("get_sparse_pre_inds")
        row_length, _ = self._row_lengths_and_ind()
        pre = np.repeat(np.arange(self.src.size), row_length)
        return self._to_user_order(pre)

    def get_sparse_post_inds(self) -> np.ndarray:
        """Postsynaptic index of every synapse, in connection order (BITMASK: row by row)."""
        conn = self.matrix_type.connectivity
        if conn == SynapseMatrixConnectivity.DENSE:
            return np.tile(np.arange(self.trg.size), self.src.size)
        if conn == SynapseMatrixConnectivity.BITMASK:
            return np.nonzero(self._bitmask())[1]
        self._require_stored("get_sparse_post_inds")
        _, ind = self._row_lengths_and_ind()
        return self._to_user_order(ind[self._synapse_mask()].astype(np.int64))

    def _to_user_order(self, row_major: np.ndarray) -> np.ndarray:
        if self._user_order is None or self._user_order.size != row_major.size:
            return row_major
        out = np.empty_like(row_major)
        out[self._user_order] = row_major
        return out

    def _values_from_view(self, var: Variable, view: np.ndarray) -> np.ndarray:
        if self.matrix_type != SynapseMatrixType.SPARSE or var.name not in self.vars \
                or self.vars[var.name] is not var:
            return view
        return self._synapse_values_from_view(view)

    def _values_to_view(self, var: Variable, view: np.ndarray, vals: np.ndarray) -> None:
        if self.matrix_type != SynapseMatrixType.SPARSE or self.vars.get(var.name) is not var:
            view[:] = vals.reshape(view.shape)
            return
        self._synapse_values_to_view(view, vals, var.name)

    def _synapse_values_from_view(self, view: np.ndarray) -> np.ndarray:
        """The values of a SPARSE per-synapse array, in connection order."""
        return self._to_user_order(view.reshape(self.src.size, -1)[self._synapse_mask()])

    def _synapse_values_to_view(self, view: np.ndarray, vals: np.ndarray, name: str) -> None:
        """Write one value per synapse, in connection order, into a SPARSE per-synapse array."""
        mask = self._synapse_mask()
        if vals.size != int(mask.sum()):
            raise ValueError(f"{self.describe()}: variable '{name}' needs {int(mask.sum())} values, "
                             f"got {vals.size}")
        row_major = vals if self._user_order is None or self._user_order.size != vals.size \
            else vals[self._user_order]
        view.reshape(self.src.size, -1)[mask] = row_major


class _UpdateGroupMember:
    """Properties common to custom updates and custom connectivity updates: the update group
    ``model.custom_update(...)`` runs them with, and their references (as PyGeNN names them)."""

    group_name: str
    var_refs: Dict[str, Any]
    egp_refs: Dict[str, Any]

    @property
    def update_group_name(self) -> str:
        """The update group ``model.custom_update(...)`` runs this update with."""
        return self.group_name

    @property
    def var_references(self) -> Dict[str, Any]:
        return dict(self.var_refs)

    @property
    def egp_references(self) -> Dict[str, Any]:
        return dict(self.egp_refs)


class CustomUpdateBase(_UpdateGroupMember, GroupBase):
    """An update run on demand by ``model.custom_update(group_name)`` (``model.add_custom_update``).

    It runs over the elements of what its variable references point at: the
    neurons of a population (or neuron-sized variables), or the synapses of one
    synapse group.  ``add_custom_update`` returns a :class:`CustomUpdate` for the first and a
    :class:`CustomUpdateWU` for the second, as PyGeNN does.
    """

    kind = "custom update"
    is_custom_update = True

    def __init__(self, model: "GeNNModel", name: str, group_name: str, cu_model, params: Dict[str, Any],
                 vars: Dict[str, Any], var_refs: Dict[str, Any], egp_refs: Dict[str, Any]):
        super().__init__(model, name)
        from .init import VarReference
        self.group_name = group_name
        self.model = cu_model
        owner = f"{self.describe()} ({cu_model.describe()})"
        validation.check_model(cu_model)
        self.egp_refs: Dict[str, Any] = resolve_egp_refs(owner, cu_model, egp_refs, model._scalar)
        self._param_values = dict(params)
        resolve_params(owner, cu_model, self._param_values, model.dt, model._scalar)
        check_names(owner, "variable references", var_refs, [r.name for r in cu_model.var_refs])
        self.var_refs: Dict[str, VarReference] = {}
        shapes = {}
        for spec in cu_model.var_refs:
            ref = var_refs[spec.name]
            if not isinstance(ref, VarReference):
                raise ValueError(f"{owner}: variable reference '{spec.name}' must come from create_var_ref(), "
                                 f"create_wu_var_ref() or a similar function, not {ref!r}")
            check_ref_type(owner, spec, ref, model._scalar)
            if ref.kind == "wu" and ref.group.matrix_type not in (SynapseMatrixType.DENSE, SynapseMatrixType.SPARSE):
                raise ValueError(f"{owner}: variable reference '{spec.name}' points at '{ref.var_name}' of "
                                 f"{ref.group.describe()}, whose {ref.group.matrix_type.name} weights are not "
                                 "stored per synapse; custom updates reference DENSE and SPARSE weights")
            shapes[spec.name] = self._shape_of(ref)
            self.var_refs[spec.name] = ref
        if not shapes:
            raise ValueError(f"{owner}: a custom update needs at least one variable reference")
        # references to one value of a group (a shared or reduced variable, a spike count) fit
        # any shape; an update whose references are all such runs once
        sized = {n: s for n, s in shapes.items() if s is not None}
        if len(set(sized.values())) > 1:
            raise ValueError(f"{owner}: variable references have mismatched sizes: " + ", ".join(
                f"'{n}' -> {self._describe_shape(s)}" for n, s in sized.items()))
        self.shape = next(iter(sized.values())) if sized else ("neuron", 1)
        if sized:
            for spec in cu_model.var_refs:
                if shapes[spec.name] is None and not spec.read_only:
                    ref = self.var_refs[spec.name]
                    raise ValueError(f"{owner}: variable reference '{spec.name}' points to one value shared by "
                                     f"all elements ('{ref.var_name}' of {ref.group.describe()}), which an update "
                                     f"over {self._describe_shape(self.shape)} can only read; declare it "
                                     "VarAccessMode.READ_ONLY")
        transposes = [r for r in self.var_refs.values() if r.transpose_group is not None]
        if transposes:
            sg = self.shape[1]
            if self.shape[0] != "synapse" or sg.matrix_type != SynapseMatrixType.DENSE:
                raise ValueError(f"{owner}: transposing needs a DENSE weight update variable")
            for r in transposes:
                tsg = r.transpose_group
                if tsg.matrix_type != SynapseMatrixType.DENSE or (tsg.src.size, tsg.trg.size) != \
                        (sg.trg.size, sg.src.size):
                    raise ValueError(f"{owner}: {tsg.describe()} must be DENSE with {sg.trg.size} presynaptic "
                                     f"and {sg.src.size} postsynaptic neurons to receive the transpose")
                have = types.parse_numeric_type(next(v.type for v in tsg.wu_model.vars if v.name == r.transpose_var),
                                                model._scalar)
                want = types.parse_numeric_type(r.spec().type, model._scalar)
                if have != want:
                    raise ValueError(f"{owner}: '{r.var_name}' of {r.group.describe()} is {want.name}, but its "
                                     f"transpose '{r.transpose_var}' of {tsg.describe()} is {have.name}")
        size = self.size
        for spec in cu_model.vars:
            if spec.reduction and self.shape[0] != "neuron":
                raise ValueError(f"{owner}: variable '{spec.name}' reduces over neurons, but the update runs over "
                                 f"{self._describe_shape(self.shape)}; only custom updates over neurons reduce "
                                 "(REDUCE_NEURON_SUM/MAX)")
        check_names(owner, "variables", vars, [v.name for v in cu_model.vars])
        values = {spec.name: resolve_var_value(f"{owner}: variable '{spec.name}'", vars[spec.name],
                                               types.parse_numeric_type(spec.type, model._scalar),
                                               1 if spec.shared else size, model.dt, model._scalar)
                  for spec in cu_model.vars}
        self.vars = self._make_vars(cu_model.vars, values, "", lambda: size)
        self.extra_global_params = self._make_egps(cu_model)

    @staticmethod
    def _shape_of(ref):
        """("neuron", size) or ("synapse", synapse group) of what ``ref`` points at; None for one
        value of a group (a shared or reduced variable of a custom update, a spike count)."""
        return reference_shape(ref)

    @staticmethod
    def _describe_shape(shape) -> str:
        return f"{shape[1]} neurons" if shape[0] == "neuron" else f"the synapses of {shape[1].describe()}"

    @property
    def size(self) -> int:
        if self.shape[0] == "neuron":
            return self.shape[1]
        sg = self.shape[1]
        return sg.src.size * (sg.trg.size if sg.matrix_type == SynapseMatrixType.DENSE else sg.max_connections)

    @property
    def model_vars(self):
        return self.model.vars

    def resolved_params(self) -> Dict[str, Any]:
        return resolve_params(self.describe(), self.model, self._param_values, self._model.dt,
                              self._model._scalar)

    @property
    def params(self) -> Dict[str, Any]:
        return dict(self._param_values)

    def set_param_dynamic(self, param_name: str, dynamic: bool = True) -> None:
        self._make_dynamic("cu", self.model, param_name, dynamic)

    def set_dynamic_param_value(self, name: str, value: Any) -> None:
        self._set_dynamic("cu", self.model, self._param_values, name, value)


class CustomUpdate(CustomUpdateBase):
    """A custom update over the neurons of a population (or neuron-sized variables)."""


class CustomUpdateWU(CustomUpdateBase):
    """A custom update over the synapses of one synapse group (PyGeNN's ``CustomUpdateWU``)."""

    @property
    def synapse_group(self) -> SynapseGroup:
        return self.shape[1]


def custom_update_class(var_refs: Dict[str, Any]) -> type:
    """:class:`CustomUpdateWU` when the references point at synapses, else :class:`CustomUpdate`."""
    for ref in var_refs.values():
        if isinstance(ref, VarReference):
            shape = reference_shape(ref)
            if shape is not None and shape[0] == "synapse":
                return CustomUpdateWU
    return CustomUpdate


def resolve_egp_refs(owner: str, model, egp_refs: Dict[str, Any], scalar: types.NumericType) -> Dict[str, Any]:
    """Check a custom (connectivity) update's extra global parameter references against the
    model's ``extra_global_param_refs`` (name, type)."""
    from .init import EGPReference
    ref_specs = [(spec[0], spec[1]) for spec in model.extra_global_param_refs]
    check_names(owner, "extra global parameter references", egp_refs, [n for n, _ in ref_specs])
    out: Dict[str, Any] = {}
    for name, type_name in ref_specs:
        ref = egp_refs[name]
        if not isinstance(ref, EGPReference):
            raise ValueError(f"{owner}: extra global parameter reference '{name}' must come from "
                             f"create_egp_ref() or a similar function, not {ref!r}")
        want = types.parse_type(type_name, scalar)
        if not isinstance(want, types.PointerType) or want.value_type != ref.egp.type:
            raise ValueError(f"{owner}: extra global parameter reference '{name}' has type {type_name} but "
                             f"'{ref.egp.name}' holds {ref.egp.type.name} values")
        out[name] = ref
    return out


def reference_shape(ref):
    """("neuron", size) or ("synapse", synapse group) of what a variable reference points at;
    None for one value of a group (a shared or reduced variable of a custom update, a spike
    count), which fits any shape."""
    if ref.shared:
        return None
    if ref.kind == "wu":
        return ("synapse", ref.group)
    if ref.kind == "custom_update":
        return ref.group.shape
    if ref.kind == "ccu":
        return ("synapse", ref.group.synapse_group)
    if ref.kind in ("out_post", "den_delay", "wu_post", "psm"):
        return ("neuron", ref.group.trg.size)
    if ref.kind == "wu_pre":
        return ("neuron", ref.group.src.size)
    if ref.kind == "ccu_pre":
        return ("neuron", ref.group.synapse_group.src.size)
    if ref.kind == "ccu_post":
        return ("neuron", ref.group.synapse_group.trg.size)
    return ("neuron", ref.group.size)


def check_ref_type(owner: str, spec, ref, scalar: types.NumericType) -> None:
    """A reference declared ``spec`` (name, type) must point at a variable of that type."""
    want = types.parse_numeric_type(spec.type, scalar)
    have = types.parse_numeric_type(ref.spec().type, scalar)
    if want != have:
        raise ValueError(f"{owner}: variable reference '{spec.name}' has type {want.name} but "
                         f"{ref.group.describe()}'s '{ref.var_name}' is {have.name}")


class CustomConnectivityUpdate(_UpdateGroupMember, GroupBase):
    """A custom connectivity update (PyGeNN 5's ``CustomConnectivityUpdate``,
    ``model.add_custom_connectivity_update``): code that changes the synapses of a SPARSE synapse
    group, run by ``model.custom_update(group_name)`` with the custom updates of that group.

    ``vars`` hold one value per synapse (kept with their synapses as they are added and
    removed), ``pre_vars`` one per presynaptic and ``post_vars`` one per postsynaptic neuron.
    """

    kind = "custom connectivity update"
    is_custom_connectivity_update = True

    def __init__(self, model: "GeNNModel", name: str, group_name: str, sg: "SynapseGroup", ccu_model,
                 params: Dict[str, Any], vars: Dict[str, Any], pre_vars: Dict[str, Any], post_vars: Dict[str, Any],
                 var_refs: Dict[str, Any], pre_var_refs: Dict[str, Any], post_var_refs: Dict[str, Any],
                 egp_refs: Dict[str, Any]):
        super().__init__(model, name)
        if not isinstance(sg, SynapseGroup):
            raise TypeError(f"{self.describe()}: syn_group must be a synapse population, not {sg!r}")
        if sg._model is not model:
            raise ValueError(f"{self.describe()}: {sg.describe()} belongs to another model")
        if sg.matrix_type != SynapseMatrixType.SPARSE:
            raise ValueError(f"{self.describe()}: custom connectivity updates change SPARSE connectivity, but "
                             f"{sg.describe()} is {sg.matrix_type.name}")
        validation.check_model(ccu_model)
        self.group_name = group_name
        self.model = ccu_model
        self.synapse_group = sg
        owner = f"{self.describe()} ({ccu_model.describe()})"
        self._param_values = dict(params)
        resolve_params(owner, ccu_model, self._param_values, model.dt, model._scalar)
        self.egp_refs: Dict[str, Any] = resolve_egp_refs(owner, ccu_model, egp_refs, model._scalar)
        self.vars = self._make_vars(ccu_model.vars, resolve_vars(owner, ccu_model.vars, vars, None, model.dt,
                                                                 model._scalar), "", sg._num_user_synapses)
        for var in self.vars.values():
            sg._check_syn_array_size(var.name, var.init)
        self.pre_vars = self._make_vars(ccu_model.pre_vars,
                                        resolve_vars(owner, ccu_model.pre_vars, pre_vars, sg.src.size, model.dt,
                                                     model._scalar, "presynaptic variables"),
                                        "pre.", lambda: sg.src.size)
        self.post_vars = self._make_vars(ccu_model.post_vars,
                                         resolve_vars(owner, ccu_model.post_vars, post_vars, sg.trg.size, model.dt,
                                                      model._scalar, "postsynaptic variables"),
                                         "post.", lambda: sg.trg.size)
        self.extra_global_params = self._make_egps(ccu_model)
        self.var_refs = self._check_refs(owner, ccu_model.var_refs, var_refs, "variable references",
                                         ("synapse", sg), f"the synapses of {sg.describe()}")
        self.pre_var_refs = self._check_refs(owner, ccu_model.pre_var_refs, pre_var_refs,
                                             "presynaptic variable references", ("neuron", sg.src.size),
                                             f"the {sg.src.size} neurons of {sg.src.describe()}")
        self.post_var_refs = self._check_refs(owner, ccu_model.post_var_refs, post_var_refs,
                                              "postsynaptic variable references", ("neuron", sg.trg.size),
                                              f"the {sg.trg.size} neurons of {sg.trg.describe()}")

    def _check_refs(self, owner: str, specs, given: Dict[str, Any], what: str, shape, where: str
                    ) -> Dict[str, VarReference]:
        check_names(owner, what, given, [s.name for s in specs])
        out = {}
        for spec in specs:
            ref = given[spec.name]
            if not isinstance(ref, VarReference):
                raise ValueError(f"{owner}: {what[:-1]} '{spec.name}' must come from create_var_ref(), "
                                 f"create_wu_var_ref() or a similar function, not {ref!r}")
            if reference_shape(ref) != shape:
                raise ValueError(f"{owner}: {what[:-1]} '{spec.name}' must point at a variable of one value per "
                                 f"element of {where}, but '{ref.var_name}' of {ref.group.describe()} is not one")
            if ref.transpose_group is not None:
                raise ValueError(f"{owner}: {what[:-1]} '{spec.name}' cannot be transposed")
            check_ref_type(owner, spec, ref, self._model._scalar)
            out[spec.name] = ref
        return out

    # -- model and parameters --------------------------------------------------------------
    @property
    def model_vars(self):
        return self.model.vars

    @property
    def pre_model_vars(self):
        return self.model.pre_vars

    @property
    def post_model_vars(self):
        return self.model.post_vars

    @property
    def params(self) -> Dict[str, Any]:
        return dict(self._param_values)

    def resolved_params(self) -> Dict[str, Any]:
        return resolve_params(self.describe(), self.model, self._param_values, self._model.dt,
                              self._model._scalar)

    def set_param_dynamic(self, param_name: str, dynamic: bool = True) -> None:
        self._make_dynamic("ccu", self.model, param_name, dynamic)

    def set_dynamic_param_value(self, name: str, value: Any) -> None:
        self._set_dynamic("ccu", self.model, self._param_values, name, value)

    @property
    def pre_var_references(self) -> Dict[str, Any]:
        return dict(self.pre_var_refs)

    @property
    def post_var_references(self) -> Dict[str, Any]:
        return dict(self.post_var_refs)

    @property
    def host_update(self):
        """The model's ``host_update_code`` (a Python callable taking this update), or None."""
        return self.model.host_update_code

    # -- connectivity, for host update code ---------------------------------------------------
    @property
    def row_length(self) -> np.ndarray:
        """Host view of the synapse group's row lengths (pulled from the device when first read
        after a change on the device; write it, then ``push_connectivity_to_device()``)."""
        return self.synapse_group._row_lengths_and_ind(need_ind=False)[0]

    @property
    def ind(self) -> np.ndarray:
        """Host view of the synapse group's postsynaptic indices, ``num_pre`` rows of ``row_stride``."""
        return self.synapse_group._row_lengths_and_ind()[1]

    @property
    def row_stride(self) -> int:
        return self.synapse_group.max_connections

    def get_row_length(self, id_pre: int) -> int:
        """The number of synapses in row ``id_pre``."""
        return int(self.row_length[id_pre])

    def pull_connectivity_from_device(self) -> None:
        self.synapse_group.pull_connectivity_from_device()

    def push_connectivity_to_device(self) -> None:
        self.synapse_group.push_connectivity_to_device()

    # -- per-synapse values in connection order, as the synapse group's ---------------------------
    def _values_from_view(self, var: Variable, view: np.ndarray) -> np.ndarray:
        if self.vars.get(var.name) is not var:
            return view
        return self.synapse_group._synapse_values_from_view(view)

    def _values_to_view(self, var: Variable, view: np.ndarray, vals: np.ndarray) -> None:
        if self.vars.get(var.name) is not var:
            view[:] = vals.reshape(view.shape)
            return
        self.synapse_group._synapse_values_to_view(view, vals, var.name)

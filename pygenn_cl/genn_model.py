"""``GeNNModel``: PyGeNN 5's model object."""
from __future__ import annotations

import math
import os
import random
import re
import warnings
from typing import Any, Dict, Optional

import numpy as np

from pygenn_cl.codegen import names

from . import types, validation
from .backends import create_backend
from .enums import PlogSeverity, VarLocation
from .genn_groups import (CurrentSource, CustomConnectivityUpdate, CustomUpdateBase, ExtraGlobalParameter,
                          NeuronGroup, SynapseGroup, custom_update_class)
from .init import PostsynapticInit, WeightUpdateInit, resolve_model
from .model_spec import CurrentSourceModel, CustomConnectivityUpdateModel, CustomUpdateModel, NeuronModel
from .runtime import RuntimeValues

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _checked_step(model: "GeNNModel", runtime, stepper):
    """``step_time`` followed by a look at the error words of generated code's run-time checks,
    when there are any and the model's memory is the host's (C backend: a read of host memory);
    else None.  SIMT backends are checked after each ``run_steps`` chunk and at each pull."""
    from pygenn_cl.codegen import arena
    from .runtime import HostMemory
    if not model._ir.step_checks or not isinstance(runtime.memory, HostMemory):
        return None
    step = stepper.step_time
    errors = runtime.memory.host[8 * arena.ERRORS:8 * arena.ERRORS + 8].view("uint32")

    def step_time() -> None:
        step()
        if errors[0]:
            runtime.check_runtime_errors(f"in step {stepper.timestep - 1}")
    return step_time


class ModelSpec:
    """The model-description part of :class:`GeNNModel` (PyGeNN's ``ModelSpec``, the class
    ``GeNNModel`` derives from): its settings (``dt``, ``seed``, ``precision``,
    ``timing_enabled``, the ``default_*`` locations ...) and its groups."""


class GeNNModel(ModelSpec):
    """A spiking network model: add populations, ``build()``, ``load()``, ``step_time()``.

    Parameters
    ----------
    precision : str
        ``"float"`` or ``"double"``: the type of ``scalar``.
    model_name : str
        Name of the model (a C identifier); generated code goes into
        ``<path_to_model>/<model_name>_CODE``.
    backend : str or None
        ``"single_threaded_cpu"`` (and, when available, ``"opencl"`` or
        ``"cuda"``); None picks the best available.
    time_precision : str or None
        Type of ``t`` and ``dt``; defaults to ``precision``.
    **preference_kwargs
        Backend preferences, e.g. ``optimize_code=False``; unknown names raise ValueError.

    The ``*_log_level`` arguments are accepted for compatibility with PyGeNN and ignored.
    """

    def __init__(self, precision: str = "float", model_name: str = "GeNNModel", backend: Optional[str] = None,
                 time_precision: Optional[str] = None, genn_log_level=PlogSeverity.WARNING,
                 code_gen_log_level=PlogSeverity.WARNING, transpiler_log_level=PlogSeverity.WARNING,
                 runtime_log_level=PlogSeverity.WARNING, backend_log_level=PlogSeverity.WARNING,
                 **preference_kwargs: Any):
        if not isinstance(model_name, str) or not _NAME.fullmatch(model_name):
            raise ValueError(f"model_name must be a C identifier, not {model_name!r}")
        self.name = model_name
        self.model_name = model_name
        self._scalar = types.precision_type(precision)
        self._time_type = types.precision_type(time_precision or precision)
        self.precision = self._scalar
        self.time_precision = self._time_type
        self._backend = create_backend(backend, preference_kwargs)
        self._dt = 0.1
        self.seed = 0
        self._effective_seed = 0
        self.timing_enabled = False
        self.default_var_location = VarLocation.HOST_DEVICE
        self.default_sparse_connectivity_location = VarLocation.HOST_DEVICE
        self.default_narrow_sparse_ind_enabled = False
        self.fuse_postsynaptic_models = False
        self.fuse_pre_post_weight_update_models = False
        self.neuron_populations: Dict[str, NeuronGroup] = {}
        self.synapse_populations: Dict[str, SynapseGroup] = {}
        self.current_sources: Dict[str, CurrentSource] = {}
        self.custom_updates: Dict[str, CustomUpdateBase] = {}
        self.custom_connectivity_updates: Dict[str, CustomConnectivityUpdate] = {}
        self._built = False
        self._ir = None
        self._artifact = None
        self._runtime = None
        self._stepper = None

    # -- properties ------------------------------------------------------------
    @property
    def backend_name(self) -> str:
        return self._backend.name

    @property
    def dt(self) -> float:
        return self._dt

    @dt.setter
    def dt(self, value: float) -> None:
        if self._built:
            raise RuntimeError("dt must be set before build()")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 or not math.isfinite(value):
            raise ValueError(f"dt must be a positive, finite number of milliseconds, not {value!r}")
        self._dt = float(value)

    @property
    def seed(self) -> int:
        """The random seed (0: a random one at each ``load()``)."""
        return self._seed

    @seed.setter
    def seed(self, value: int) -> None:
        self._seed = validation.check_seed(value)

    @property
    def dT(self) -> float:
        return self.dt

    @dT.setter
    def dT(self, value: float) -> None:
        self.dt = value

    @property
    def batch_size(self) -> int:
        return 1

    @batch_size.setter
    def batch_size(self, value: int) -> None:
        if value != 1:
            raise NotImplementedError("batch_size other than 1 is not supported yet (batching is planned)")

    @property
    def timestep(self) -> int:
        return 0 if self._stepper is None else int(self._stepper.timestep)

    @timestep.setter
    def timestep(self, value: int) -> None:
        self._require_loaded("timestep")
        self._stepper.timestep = int(value)

    @property
    def t(self) -> float:
        return self.timestep * self._dt

    @property
    def num_neurons(self) -> int:
        return sum(p.size for p in self.neuron_populations.values())

    # -- building the network --------------------------------------------------
    def _check_new_name(self, name: str) -> None:
        if self._built:
            raise RuntimeError("groups must be added before build()")
        # As in PyGeNN, any non-empty string: group names only ever name arrays of the arena
        # and random streams (codegen/names.py), never anything in generated code.
        if not isinstance(name, str) or not name:
            raise ValueError(f"a group name must be a non-empty string, not {name!r}")
        if name in self.neuron_populations or name in self.synapse_populations or name in self.current_sources \
                or name in self.custom_updates or name in self.custom_connectivity_updates:
            raise ValueError(f"a group called '{name}' already exists")

    def add_neuron_population(self, pop_name: str, num_neurons: int, neuron, params: Dict = {},  # noqa: B006
                              vars: Dict = {}) -> NeuronGroup:  # noqa: B006 (PyGeNN's defaults; only read)
        """Add a population of ``num_neurons`` neurons of a built-in (by name) or custom model."""
        from . import neuron_models
        self._check_new_name(pop_name)
        model = resolve_model(neuron, neuron_models, NeuronModel, "neuron model")
        pop = NeuronGroup(self, pop_name, num_neurons, model, params or {}, vars or {})
        self.neuron_populations[pop_name] = pop
        return pop

    def add_synapse_population(self, pop_name: str, matrix_type, source: NeuronGroup, target: NeuronGroup,
                               weight_update_init: WeightUpdateInit, postsynaptic_init: PostsynapticInit,
                               connectivity_init=None) -> SynapseGroup:
        """Connect ``source`` to ``target`` (PyGeNN 5 signature)."""
        self._check_new_name(pop_name)
        if not isinstance(weight_update_init, WeightUpdateInit):
            raise TypeError(f"synapse population '{pop_name}': weight_update_init must come from "
                            "init_weight_update(...)")
        if not isinstance(postsynaptic_init, PostsynapticInit):
            raise TypeError(f"synapse population '{pop_name}': postsynaptic_init must come from "
                            "init_postsynaptic(...)")
        for pop in (source, target):
            if isinstance(pop, NeuronGroup) and pop._model is not self:
                raise ValueError(f"synapse population '{pop_name}': {pop.describe()} belongs to another model")
        sg = SynapseGroup(self, pop_name, matrix_type, source, target, weight_update_init, postsynaptic_init,
                          connectivity_init)
        self.synapse_populations[pop_name] = sg
        return sg

    def add_current_source(self, cs_name: str, current_source_model, pop: NeuronGroup,
                           params: Dict = {}, vars: Dict = {},  # noqa: B006 (PyGeNN's defaults; only read)
                           var_refs: Dict = {}) -> CurrentSource:  # noqa: B006
        """Inject current into ``pop`` with a built-in (by name) or custom current source model."""
        from . import current_source_models
        self._check_new_name(cs_name)
        model = resolve_model(current_source_model, current_source_models, CurrentSourceModel,
                              "current source model")
        cs = CurrentSource(self, cs_name, model, pop, params or {}, vars or {}, var_refs or {})
        pop.current_sources.append(cs)
        self.current_sources[cs_name] = cs
        return cs

    def add_custom_update(self, cu_name: str, group_name: str, custom_update_model, params: Dict = {},  # noqa: B006
                          vars: Dict = {}, var_refs: Dict = {},  # noqa: B006 (PyGeNN's defaults; only read)
                          egp_refs: Dict = {}) -> CustomUpdateBase:  # noqa: B006
        """Add an update that ``custom_update(group_name)`` runs, with all others of that group."""
        from . import custom_update_models
        self._check_new_name(cu_name)
        if not isinstance(group_name, str) or not group_name:
            raise ValueError(f"custom update '{cu_name}': the update group name must be a non-empty string, "
                             f"not {group_name!r}")
        model = resolve_model(custom_update_model, custom_update_models, CustomUpdateModel, "custom update model")
        cu = custom_update_class(var_refs or {})(self, cu_name, group_name, model, params or {}, vars or {},
                                                 var_refs or {}, egp_refs or {})
        self.custom_updates[cu_name] = cu
        return cu

    def add_custom_connectivity_update(self, cu_name: str, group_name: str, syn_group: SynapseGroup,
                                       custom_conn_update_model, params: Dict = {}, vars: Dict = {},  # noqa: B006
                                       pre_vars: Dict = {}, post_vars: Dict = {}, var_refs: Dict = {},  # noqa: B006
                                       pre_var_refs: Dict = {}, post_var_refs: Dict = {},  # noqa: B006
                                       egp_refs: Dict = {}) -> CustomConnectivityUpdate:  # noqa: B006
        """Add an update of ``syn_group``'s SPARSE connectivity that ``custom_update(group_name)``
        runs, after the custom updates of that group (PyGeNN 5 signature)."""
        self._check_new_name(cu_name)
        if not isinstance(group_name, str) or not group_name:
            raise ValueError(f"custom connectivity update '{cu_name}': the update group name must be a non-empty "
                             f"string, not {group_name!r}")
        if not isinstance(custom_conn_update_model, CustomConnectivityUpdateModel):
            raise TypeError(f"custom connectivity update '{cu_name}': expected a model from "
                            f"create_custom_connectivity_update_model(), not {custom_conn_update_model!r}")
        for other in self.custom_connectivity_updates.values():
            # (one group's updates run at once: two would change the same rows together)
            if other.group_name == group_name and other.synapse_group is syn_group:
                raise ValueError(f"custom connectivity update '{cu_name}': {other.describe()} of update group "
                                 f"'{group_name}' already changes {syn_group.describe()}; put one of them in "
                                 "another update group")
        ccu = CustomConnectivityUpdate(self, cu_name, group_name, syn_group, custom_conn_update_model, params or {},
                                       vars or {}, pre_vars or {}, post_vars or {}, var_refs or {},
                                       pre_var_refs or {}, post_var_refs or {}, egp_refs or {})
        self.custom_connectivity_updates[cu_name] = ccu
        return ccu

    def _extra_global_params_by_array(self) -> Dict[str, ExtraGlobalParameter]:
        out = {}
        for g in self._groups():
            egps = list(g.extra_global_params.values()) \
                + list(getattr(g, "psm_extra_global_params", {}).values()) \
                + list(getattr(g, "connectivity_extra_global_params", {}).values())
            for var_set in ("vars", "psm_vars", "pre_vars", "post_vars"):
                for var in getattr(g, var_set, {}).values():
                    egps += list(var.extra_global_params.values())
            for egp in egps:
                out[egp.array_name] = egp
        return out

    # -- lifecycle -------------------------------------------------------------
    def build(self, path_to_model: str = "./", always_rebuild: bool = False, never_rebuild: bool = False) -> None:
        """Generate and compile the model.

        The model is first turned into a frozen description; an unchanged model (the same
        description, backend options and pygenn_cl version) reuses the code generated and
        compiled before, in this process or in an earlier one (see ``model_cache``).
        """
        from . import model_cache
        from .describe import describe_model
        if not self.neuron_populations:
            raise ValueError("the model has no neuron populations")
        if self._runtime is not None:
            self.unload()
        backend = self._backend
        desc = describe_model(self)
        options = backend.options()
        use_disk = bool(backend.preferences.get("disk_cache", True))
        key = model_cache.cache_key(desc, backend.name, (options, backend.target.bounds_checks))
        cached = None if always_rebuild else model_cache.lookup(key, use_disk)
        if cached is None:
            from pygenn_cl.codegen.generator import generate_model
            ir = generate_model(desc, backend.target)
            sources = backend.generate_source(ir, options)
            model_cache.store(key, ir, sources, use_disk)
        else:
            ir, sources = cached
        build_dir = os.path.join(path_to_model, f"{validation.file_stem(self.name)}_CODE")
        self._artifact = backend.build(ir, sources, build_dir, always_rebuild, never_rebuild)
        self._ir = ir
        self._built_description = desc
        self._built = True

    def load(self, num_recording_timesteps: Optional[int] = None) -> None:
        """Allocate memory, initialise the model and make it ready to step."""
        if not self._built:
            raise RuntimeError("build() the model before load()")
        recording = [p.name for p in self.neuron_populations.values() if p.recording_buffers()]
        if recording and num_recording_timesteps is None:
            raise ValueError(f"spike recording is enabled on {', '.join(recording)}: pass "
                             "num_recording_timesteps to load()")
        if num_recording_timesteps is not None and (int(num_recording_timesteps) != num_recording_timesteps
                                                    or num_recording_timesteps < 1):
            raise ValueError("num_recording_timesteps must be a positive integer")
        self._check_unchanged_since_build()
        if self._runtime is not None:
            self.unload()
        self._warn_about_empty_connectivity()
        seed = validation.check_seed(self.seed)
        self._effective_seed = seed if seed else random.SystemRandom().getrandbits(63) + 1
        values = RuntimeValues(self._effective_seed, int(num_recording_timesteps or 0), self._egp_values())
        runtime, stepper = self._backend.load(self._ir, self._artifact, values)
        self._runtime, self._stepper = runtime, stepper
        try:
            self._initialise(runtime, stepper)
        except Exception:
            self.unload()
            raise
        # The hot path: model.step_time() is the runtime's C-level method itself (checked after
        # each step when generated code checks something and its memory is the host's).
        self.step_time = _checked_step(self, runtime, stepper) or stepper.step_time
        for pop in self.neuron_populations.values():
            for buffer in pop.recording_buffers():
                buffer.reset()

    def _check_unchanged_since_build(self) -> None:
        """Raise if the model was changed after ``build()`` in a way the built code does not
        reflect (e.g. ``spike_recording_enabled`` set afterwards): it would be ignored."""
        from .describe import describe_model
        arrays = [var.array_name for group in self._groups() for kind in ("vars", "psm_vars", "pre_vars", "post_vars")
                  for var in getattr(group, kind, {}).values() if var.init.array is not None]
        built = validation.comparable_description(self._built_description, arrays)
        now = validation.comparable_description(describe_model(self), arrays)
        if now == built:
            return
        changed = validation.changed_groups(built, now)
        what = ", ".join(changed) if changed else "the model's settings"
        raise RuntimeError(f"{what} changed after build() (for example spike_recording_enabled, a delay or a "
                           "parameter); call build() again before load()")

    def _groups(self) -> list:
        return list(self.neuron_populations.values()) + list(self.synapse_populations.values()) \
            + list(self.current_sources.values()) + list(self.custom_updates.values()) \
            + list(self.custom_connectivity_updates.values())

    def _warn_about_empty_connectivity(self) -> None:
        from .enums import SynapseMatrixType
        for sg in self.synapse_populations.values():
            if sg.matrix_type == SynapseMatrixType.SPARSE and sg._sparse_pre is None \
                    and sg.connectivity_init.snippet.class_name == "Uninitialised":
                warnings.warn(f"{sg.describe()}: SPARSE connectivity has no initialiser and set_sparse_connections() "
                              "was not called, so it has no synapses; give init_sparse_connectivity(...) or call "
                              "set_sparse_connections() before load()", UserWarning, stacklevel=3)

    def _egp_values(self) -> Dict[str, Any]:
        """Values of every extra global parameter the generated code uses, by array name."""
        egps = self._extra_global_params_by_array()
        out = {}
        for name, spec in self._ir.arrays.items():
            if spec.egp:
                egp = egps[name]
                if egp.init_values is None:
                    raise RuntimeError(f"{egp.group.describe()}: extra global parameter '{egp.name}' has no "
                                       "values; call extra_global_params[...].set_init_values() before load()")
                out[name] = egp.init_values
        return out

    def _initialise(self, runtime, stepper) -> None:
        for sg in self.synapse_populations.values():
            if sg._sparse_pre is not None:
                runtime.set_connectivity(names.row_length_array(sg.name), names.ind_array(sg.name), sg.src.size,
                                         sg._sparse_pre, sg._sparse_post, sg.describe())
        stepper.initialize()
        runtime.check_errors()
        for group in self._groups():
            for var in list(group.vars.values()) + [v for attr in ("psm_vars", "pre_vars", "post_vars")
                                                     for v in getattr(group, attr, {}).values()]:
                if var.init.array is not None:
                    view, values = runtime.view(var.array_name), var.init.array
                    slots = self._ir.arrays[var.array_name].slots
                    if slots > 1:  # kept in delay slots: every slot starts with the values
                        view, values = view.reshape(slots, -1), np.broadcast_to(values, (slots, values.size))
                    group._values_to_view(var, view, values)
                    runtime.push(var.array_name)
        stepper.initialize_sparse()
        runtime.check_errors("while initialising")
        # Connectivity built on the device comes to the host when first needed (SPARSE values
        # in connection order, get_sparse_pre_inds/post_inds) or asked for
        # (pull_connectivity_from_device), not here: most models never read it.

    def unload(self) -> None:
        """Free the model's memory; ``load()`` may be called again."""
        stepper = self._stepper
        try:
            if stepper is not None:
                stepper.close()  # raises, closing nothing, while the model runs in another thread
        finally:
            if stepper is None or stepper.closed:  # (also when closing reported a device error)
                if "step_time" in self.__dict__:
                    del self.step_time
                self._runtime = None
                self._stepper = None

    def _require_loaded(self, what: str):
        if self._runtime is None:
            raise RuntimeError(f"{what}: the model is not loaded; call build() and load() first")
        return self._runtime

    # -- simulation ------------------------------------------------------------
    def step_time(self) -> None:
        """Advance the model by one step of ``dt`` (replaced by the runtime's C method on load)."""
        self._require_loaded("step_time")

    def run_steps(self, num_steps: int, progress: bool = False) -> None:
        """Advance ``num_steps`` steps in one call (a pygenn_cl extension).

        The loop runs in C with the GIL released; with ``progress=True`` a
        tqdm progress bar is shown.  ``num_steps`` must be a whole number.  When generated
        code checks something at run time, a failure raises ``SimulationError`` after the
        chunk of steps it happened in (``timestep`` then counts the steps done).
        """
        self._require_loaded("run_steps")
        num_steps = validation.whole_number("run_steps: num_steps", num_steps, 0, 2**63 - 1)
        runtime = self._runtime

        def look(n: int) -> None:  # after each chunk of steps (the stepper waits for it anyway)
            runtime.check_runtime_errors(f"by step {self.timestep}")
        check = look if self._ir.step_checks else None
        if not progress:
            self._stepper.run_steps(int(num_steps), check)
            return
        from tqdm.auto import tqdm
        with tqdm(total=int(num_steps), unit="step", desc=self.name) as bar:
            def update(n: int) -> None:
                bar.update(n)
                if check is not None:
                    check(n)
            self._stepper.run_steps(int(num_steps), update)

    def pull_recording_buffers_from_device(self) -> None:
        """Download every population's spike recording buffer (one transfer each)."""
        runtime = self._require_loaded("pull_recording_buffers_from_device")
        timestep = self.timestep
        for pop in self.neuron_populations.values():
            for buffer in pop.recording_buffers():
                buffer.pull(runtime, timestep)

    def custom_update(self, name: str) -> None:
        """Run every custom update of update group ``name`` now: the host code of its custom
        connectivity updates, then its custom updates, then its custom connectivity updates'
        row updates (and the column structure of the synapse groups they change is rebuilt)."""
        self._require_loaded("custom_update")
        index = self._ir.custom_update_groups.get(name)
        if index is None:
            known = ", ".join(self._ir.custom_update_groups) or "none"
            raise ValueError(f"no custom update group '{name}'; groups: {known}")
        connectivity = [c for c in self.custom_connectivity_updates.values() if c.group_name == name]
        for ccu in connectivity:
            if ccu.host_update is not None:
                ccu.host_update(ccu)
        self._stepper.custom_update(index)
        for ccu in connectivity:
            # the device changed the connectivity: the host's copy (and the order in which
            # set_sparse_connections gave it) no longer holds
            self._runtime.forget_host_copy(names.row_length_array(ccu.synapse_group.name),
                                           names.ind_array(ccu.synapse_group.name))
            ccu.synapse_group._user_order = None
        if self._ir.step_checks:
            self._runtime.check_runtime_errors(f"in custom update group '{name}'")

    # -- timing ----------------------------------------------------------------------
    def _timer(self, name: str) -> float:
        """Seconds spent in a family of kernels (after load()).  As in PyGeNN, without
        ``timing_enabled`` (set before build()) nothing is measured and this is 0.0."""
        self._require_loaded(name)
        if not self.timing_enabled or not self._ir.timing_enabled:
            return 0.0
        return float(self._stepper.timers().get(name, 0.0))

    @property
    def neuron_update_time(self) -> float:
        return self._timer("neuron_update")

    @property
    def presynaptic_update_time(self) -> float:
        return self._timer("presynaptic_update")

    @property
    def postsynaptic_update_time(self) -> float:
        return self._timer("postsynaptic_update")

    @property
    def synapse_dynamics_time(self) -> float:
        return self._timer("synapse_dynamics")

    @property
    def init_time(self) -> float:
        return self._timer("init")

    @property
    def init_sparse_time(self) -> float:
        return self._timer("init_sparse")

    def get_custom_update_time(self, name: str) -> float:
        """Seconds spent in custom update group ``name`` (not measured yet: 0.0)."""
        return self._custom_update_timer(name)

    def get_custom_update_transpose_time(self, name: str) -> float:
        return self._custom_update_timer(name)

    def get_custom_update_remap_time(self, name: str) -> float:
        return self._custom_update_timer(name)

    def get_custom_update_host_time(self, name: str) -> float:
        return self._custom_update_timer(name)

    def _custom_update_timer(self, name: str) -> float:
        self._require_loaded("get_custom_update_time")
        if name not in self._ir.custom_update_groups:
            known = ", ".join(self._ir.custom_update_groups) or "none"
            raise ValueError(f"no custom update group '{name}'; groups: {known}")
        return 0.0


# -- what ``pygenn.genn_model`` offers scripts besides GeNNModel ---------------------------
from .init import (init_postsynaptic, init_sparse_connectivity, init_toeplitz_connectivity,  # noqa: E402,F401
                   init_var, init_weight_update)
from .model_spec import (create_current_source_model, create_custom_connectivity_update_model,  # noqa: E402,F401
                         create_custom_update_model, create_neuron_model, create_postsynaptic_model,
                         create_sparse_connect_init_snippet, create_toeplitz_connect_init_snippet,
                         create_var_init_snippet, create_weight_update_model)

_backend_modules = None


def __getattr__(name: str):
    # ``backend_modules``: the backends that can run here, best first (PyGeNN's ordered
    # mapping of backend name to module), worked out on first use: finding OpenCL devices
    # takes time that importing pygenn_cl should not.
    global _backend_modules
    if name == "backend_modules":
        if _backend_modules is None:
            import collections
            import importlib
            from .backends import BACKENDS, available_backends
            _backend_modules = collections.OrderedDict(
                (backend, importlib.import_module(f"{__package__}.backends.{BACKENDS[backend][0]}"))
                for backend in available_backends())
        return _backend_modules
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

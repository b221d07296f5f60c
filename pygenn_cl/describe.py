"""Turn a :class:`~pygenn_cl.GeNNModel` into the frozen description the generator reads.

This is the only place where the model API meets :mod:`pygenn_cl.codegen`: everything below
(generator, IR, templates, backends) sees plain data, never a user object.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping, Tuple

from pygenn_cl.codegen import description as d
from pygenn_cl.codegen import names
from pygenn_cl.codegen.transpiler import referenced_identifiers

from . import types
from .enums import ParallelismHint, SynapseMatrixConnectivity, SynapseMatrixType
from .values import param_types

if TYPE_CHECKING:
    from .genn_groups import (CurrentSource, CustomConnectivityUpdate, CustomUpdate, ExtraGlobalParameter,
                              NeuronGroup, SynapseGroup, Variable)
    from .genn_model import GeNNModel


def describe_model(model: "GeNNModel") -> d.ModelDescription:
    """The frozen description of ``model`` as it stands now."""
    scalar = model._scalar
    return d.ModelDescription(
        name=model.name, precision=scalar, time_precision=model._time_type, dt=float(model.dt),
        timing=bool(model.timing_enabled), fuse_postsynaptic_models=bool(model.fuse_postsynaptic_models),
        neuron_groups=tuple(_neuron_group(ng, scalar) for ng in model.neuron_populations.values()),
        synapse_groups=tuple(_synapse_group(sg, scalar) for sg in model.synapse_populations.values()),
        current_sources=tuple(_current_source(cs, scalar) for cs in model.current_sources.values()),
        custom_updates=tuple(_custom_update(cu, scalar) for cu in model.custom_updates.values()),
        custom_connectivity_updates=tuple(_custom_connectivity_update(ccu, scalar)
                                          for ccu in model.custom_connectivity_updates.values()))


def _params(spec: Any, values: Mapping[str, Any], scalar: types.NumericType) -> Tuple[d.Param, ...]:
    return tuple(d.Param(name, ptype, values[name]) for name, ptype in param_types(spec, scalar).items())


def _egps(egps: Mapping[str, "ExtraGlobalParameter"]) -> Tuple[d.EGP, ...]:
    return tuple(d.EGP(name, egp.type, egp.array_name) for name, egp in egps.items())


def _vars(variables: Mapping[str, "Variable"], specs: Iterable[Any], scalar: types.NumericType
          ) -> Tuple[d.Var, ...]:
    out = []
    for spec in specs:
        var = variables[spec.name]
        value = var.init
        init = None
        if value.init is not None and value.init.snippet.class_name != "Uninitialised":
            snippet = value.init.snippet
            init = d.VarInit(snippet.class_name, snippet.var_init_code, _params(snippet, value.params, scalar),
                             _egps(var.extra_global_params), snippet.family)
        out.append(d.Var(spec.name, var.type, var.array_name, spec.read_only, init, spec.reduction, spec.shared,
                         spec.batch_reduction))
    return tuple(out)


def _model(spec: Any, params: Mapping[str, Any], dynamic: Iterable[str], egps, variables, var_specs,
           scalar: types.NumericType) -> d.Model:
    return d.Model(spec.class_name, spec.family, _params(spec, params, scalar), tuple(sorted(dynamic)), _egps(egps),
                   _vars(variables, var_specs, scalar), tuple(spec.code_sections().items()))


def _neuron_refs(specs: Iterable[Any], bound: Mapping[str, str], scalar: types.NumericType
                 ) -> Tuple[d.NeuronVarRef, ...]:
    return tuple(d.NeuronVarRef(s.name, types.parse_numeric_type(s.type, scalar), s.read_only, bound[s.name])
                 for s in specs)


def _neuron_group(ng: "NeuronGroup", scalar: types.NumericType) -> d.NeuronGroup:
    spec = ng.model
    return d.NeuronGroup(
        name=ng.name, size=ng.size,
        model=_model(spec, ng.resolved_params(), ng.dynamic_params("neuron"), ng.extra_global_params, ng.vars,
                     spec.vars, scalar),
        additional_inputs=tuple(d.AdditionalInput(v.name, types.parse_numeric_type(v.type, scalar),
                                                  float(v.init_value)) for v in spec.additional_input_vars),
        auto_refractory=bool(spec.auto_refractory_required),
        spike_recording=bool(ng.spike_recording_enabled),
        spike_event_recording=bool(ng.spike_event_recording_enabled),
        in_syn=tuple(sg.name for sg in ng.in_syn), out_syn=tuple(sg.name for sg in ng.out_syn),
        current_sources=tuple(cs.name for cs in ng.current_sources))


def _synapse_group(sg: "SynapseGroup", scalar: types.NumericType) -> d.SynapseGroup:
    wu, ps = sg.wu_model, sg.ps_model
    matrix = sg.matrix_type
    conn = matrix.connectivity
    weights = "NONE" if conn == SynapseMatrixConnectivity.BITMASK else matrix.weight.name
    connectivity = None
    kernel_vars = [v.name for v in wu.vars if sg.vars[v.name].init.init is not None
                   and "id_kernel" in referenced_identifiers(sg.vars[v.name].init.init.snippet.var_init_code)]
    if kernel_vars and weights != "KERNEL" and sg._sparse_pre is not None:
        raise ValueError(
            f"{sg.describe()}: variable(s) {', '.join(kernel_vars)} are initialised from a kernel (id_kernel), "
            "which needs connectivity built by a snippet with a kernel (such as Conv2D), not given with "
            "set_sparse_connections()")
    if conn != SynapseMatrixConnectivity.DENSE:
        snippet = sg.connectivity_init.snippet
        # connections given with set_sparse_connections() replace the snippet's
        given = sg._sparse_pre is not None
        toeplitz = conn == SynapseMatrixConnectivity.TOEPLITZ
        connectivity = d.Connectivity(snippet.class_name, "" if given or toeplitz else snippet.row_build_code,
                                      "" if given or toeplitz else snippet.col_build_code,
                                      _params(snippet, sg._conn_params(), scalar),
                                      _egps(sg.connectivity_extra_global_params),
                                      None if toeplitz else snippet.row_length_multinomial_param, snippet.family,
                                      tuple(sg.kernel_size),
                                      bool(kernel_vars) or (weights == "KERNEL" and conn != SynapseMatrixConnectivity.TOEPLITZ),
                                      snippet.diagonal_build_code if toeplitz else "")
    return d.SynapseGroup(
        name=sg.name, matrix=f"{conn.name}_{weights}", src=sg.src.name, trg=sg.trg.name,
        num_pre=sg.src.size, num_post=sg.trg.size,
        wu=_model(wu, sg.wu_resolved_params(), sg.dynamic_params("wu"), sg.extra_global_params, sg.vars,
                  wu.vars, scalar),
        ps=_model(ps, sg.ps_resolved_params(), sg.dynamic_params("ps"), sg.psm_extra_global_params, sg.psm_vars,
                  ps.vars, scalar),
        wu_pre_vars=_vars(sg.pre_vars, wu.pre_vars, scalar),
        wu_post_vars=_vars(sg.post_vars, wu.post_vars, scalar),
        pre_refs=_neuron_refs(wu.pre_neuron_var_refs, sg.pre_var_refs, scalar),
        post_refs=_neuron_refs(wu.post_neuron_var_refs, sg.post_var_refs, scalar),
        ps_refs=_neuron_refs(ps.neuron_var_refs, sg.psm_var_refs, scalar),
        psm_refs=_neuron_refs(wu.psm_var_refs, sg.wu_psm_var_refs, scalar),
        connectivity=connectivity,
        max_connections=int(sg.max_connections),
        max_source_connections=int(sg.max_source_connections) if sg.needs_columns else 0,
        index_type=sg.sparse_index_type if matrix == SynapseMatrixType.SPARSE else None,
        axonal_delay=int(sg.axonal_delay_steps), back_prop_delay=int(sg.back_prop_delay_steps),
        max_dendritic_delay=int(sg.max_dendritic_delay_timesteps),
        pre_target_var=sg.pre_target_var, post_target_var=sg.post_target_var,
        parallelism=_parallelism(sg),
        threads_per_spike=max(1, int(sg.num_threads_per_spike)))


def _parallelism(sg: "SynapseGroup") -> str:
    """The parallelism hint's name; WORD_PACKED_BITMASK only means something for BITMASK
    connectivity, and other connectivity takes it as POSTSYNAPTIC (hints never change results)."""
    hint = sg.parallelism_hint
    try:
        hint = ParallelismHint[hint] if isinstance(hint, str) else ParallelismHint(hint)
    except (KeyError, ValueError):
        raise ValueError(f"{sg.describe()}: unknown parallelism_hint {sg.parallelism_hint!r}; hints: "
                         f"{', '.join(ParallelismHint.__members__)}") from None
    if hint == ParallelismHint.WORD_PACKED_BITMASK and sg.matrix_type.connectivity != SynapseMatrixConnectivity.BITMASK:
        hint = ParallelismHint.POSTSYNAPTIC
    return hint.name


def _current_source(cs: "CurrentSource", scalar: types.NumericType) -> d.CurrentSource:
    spec = cs.model
    return d.CurrentSource(
        name=cs.name, target=cs.target.name,
        model=_model(spec, cs.resolved_params(), cs.dynamic_params("cs"), cs.extra_global_params, cs.vars,
                     spec.vars, scalar),
        refs=_neuron_refs(spec.neuron_var_refs, cs.var_refs, scalar), target_var=cs.target_var)


def _var_ref(ref_spec: Any, ref: Any, scalar: types.NumericType) -> d.CustomUpdateVarRef:
    """A custom (connectivity) update's reference: its array and how it is indexed."""
    transpose = None if ref.transpose_group is None else \
        names.var_array(ref.transpose_group.name, ref.transpose_var)
    kind, group = "element", ""
    if ref.kind == "den_delay":
        kind, group = "den_delay", ref.group.name
    elif ref.kind == "spike_count":
        kind, group = "spike_count", ref.group.src.name
    elif ref.shared:
        kind = "shared"
    return d.CustomUpdateVarRef(ref_spec.name, types.parse_numeric_type(ref_spec.type, scalar), ref_spec.read_only,
                                ref.array_name(), transpose, kind, group, ref_spec.reduction)


def _custom_update(cu: "CustomUpdate", scalar: types.NumericType) -> d.CustomUpdate:
    spec = cu.model
    refs = [_var_ref(ref_spec, cu.var_refs[ref_spec.name], scalar) for ref_spec in spec.var_refs]
    egp_refs = tuple(d.EGP(name, ref.egp.type, ref.array_name) for name, ref in cu.egp_refs.items())
    neuron_shaped = cu.shape[0] == "neuron"
    return d.CustomUpdate(
        name=cu.name, update_group=cu.group_name,
        model=_model(spec, cu.resolved_params(), cu.dynamic_params("cu"), cu.extra_global_params, cu.vars,
                     spec.vars, scalar),
        refs=tuple(refs), egp_refs=egp_refs,
        num_neurons=int(cu.shape[1]) if neuron_shaped else 0,
        synapse_group=None if neuron_shaped else cu.shape[1].name)



def _custom_connectivity_update(ccu: "CustomConnectivityUpdate", scalar: types.NumericType
                                ) -> d.CustomConnectivityUpdate:
    spec = ccu.model

    def refs(specs, bound):
        return tuple(_var_ref(ref_spec, bound[ref_spec.name], scalar) for ref_spec in specs)
    return d.CustomConnectivityUpdate(
        name=ccu.name, update_group=ccu.group_name, synapse_group=ccu.synapse_group.name,
        model=_model(spec, ccu.resolved_params(), ccu.dynamic_params("ccu"), ccu.extra_global_params, ccu.vars,
                     spec.vars, scalar),
        pre_vars=_vars(ccu.pre_vars, spec.pre_vars, scalar), post_vars=_vars(ccu.post_vars, spec.post_vars, scalar),
        refs=refs(spec.var_refs, ccu.var_refs), pre_refs=refs(spec.pre_var_refs, ccu.pre_var_refs),
        post_refs=refs(spec.post_var_refs, ccu.post_var_refs),
        egp_refs=tuple(d.EGP(name, ref.egp.type, ref.array_name) for name, ref in ccu.egp_refs.items()))

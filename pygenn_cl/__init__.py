"""pygenn_cl: PyGeNN 5's API, generating code for OpenCL, CUDA and C.

Change ``from pygenn import ...`` to ``from pygenn_cl import ...``, or run code written for
``import pygenn`` unchanged with ``python -m pygenn_cl.compat script.py`` (see
:mod:`pygenn_cl.compat`).
"""
__version__ = "0.1.0"

from . import types
from .enums import (CustomUpdateVarAccess, ParallelismHint, PlogSeverity, SynapseMatrixConnectivity,
                    SynapseMatrixType, SynapseMatrixWeight, VarAccess, VarAccessDim, VarAccessMode,
                    VarAccessModeAttribute, VarLocation, VarLocationAttribute, get_var_access_dim)
from .errors import BackendUnavailableError, BuildError, CodeError
from .genn_groups import (CurrentSource, CustomConnectivityUpdate, CustomUpdate, CustomUpdateBase, CustomUpdateWU,
                          NeuronGroup, SynapseGroup)
from .genn_model import GeNNModel, ModelSpec
from .init import (create_den_delay_var_ref, create_egp_ref, create_out_post_var_ref, create_post_var_ref,
                   create_pre_var_ref, create_prev_spike_time_var_ref, create_psm_egp_ref, create_psm_var_ref,
                   create_spike_time_var_ref, create_src_spike_count_var_ref, create_var_ref, create_wu_egp_ref,
                   create_wu_post_var_ref, create_wu_pre_var_ref, create_wu_var_ref, init_connectivity,
                   init_postsynaptic, init_sparse_connectivity, init_toeplitz_connectivity, init_var,
                   init_weight_update)
from .model_spec import (create_current_source_model, create_custom_connectivity_update_model,
                         create_custom_update_model, create_neuron_model, create_postsynaptic_model,
                         create_sparse_connect_init_snippet, create_toeplitz_connect_init_snippet,
                         create_var_init_snippet, create_weight_update_model)
# The model families, as attributes of the package (``pygenn.neuron_models.LIF()``).
from . import (current_source_models, custom_connectivity_update_models, custom_update_models,  # noqa: E402
               genn_groups, genn_model, init_sparse_connectivity_snippets, init_toeplitz_connectivity_snippets,
               init_var_snippets, model_preprocessor, neuron_models, postsynaptic_models, weight_update_models)

__all__ = [
    # classes
    "GeNNModel", "ModelSpec", "NeuronGroup", "SynapseGroup", "CurrentSource", "CustomUpdate", "CustomUpdateBase",
    "CustomUpdateWU", "CustomConnectivityUpdate",
    # enumerations
    "VarAccess", "VarAccessMode", "VarAccessModeAttribute", "VarAccessDim", "CustomUpdateVarAccess",
    "VarLocation", "VarLocationAttribute", "SynapseMatrixType", "SynapseMatrixConnectivity",
    "SynapseMatrixWeight", "ParallelismHint", "PlogSeverity", "get_var_access_dim",
    # initialisers
    "init_var", "init_sparse_connectivity", "init_connectivity", "init_toeplitz_connectivity",
    "init_weight_update", "init_postsynaptic",
    # model definitions
    "create_neuron_model", "create_postsynaptic_model", "create_weight_update_model",
    "create_current_source_model", "create_custom_update_model", "create_custom_connectivity_update_model",
    "create_var_init_snippet", "create_sparse_connect_init_snippet", "create_toeplitz_connect_init_snippet",
    # references
    "create_var_ref", "create_psm_var_ref", "create_wu_var_ref", "create_wu_pre_var_ref", "create_wu_post_var_ref",
    "create_pre_var_ref", "create_post_var_ref", "create_out_post_var_ref", "create_den_delay_var_ref",
    "create_spike_time_var_ref", "create_prev_spike_time_var_ref", "create_src_spike_count_var_ref",
    "create_egp_ref", "create_psm_egp_ref", "create_wu_egp_ref",
    # modules
    "types", "genn_model", "genn_groups", "model_preprocessor", "neuron_models", "postsynaptic_models",
    "weight_update_models",
    "current_source_models", "custom_update_models", "custom_connectivity_update_models", "init_var_snippets",
    "init_sparse_connectivity_snippets", "init_toeplitz_connectivity_snippets",
    # pygenn_cl's own
    "CodeError", "BuildError", "BackendUnavailableError", "__version__",
]

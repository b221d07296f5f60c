"""pygenn_cl: PyGeNN 5's API, generating code for OpenCL, CUDA and C.

Change ``from pygenn import ...`` to ``from pygenn_cl import ...``.
"""
__version__ = "0.1.0"

from . import types
from .enums import (CustomUpdateVarAccess, ParallelismHint, SynapseMatrixType, VarAccess,
                    VarAccessMode, VarLocation)
from .errors import BackendUnavailableError, BuildError, CodeError
from .genn_groups import CurrentSource, CustomUpdate, NeuronGroup, SynapseGroup
from .genn_model import GeNNModel
from .init import (create_egp_ref, create_psm_egp_ref, create_psm_var_ref, create_var_ref, create_wu_egp_ref,
                   create_wu_post_var_ref, create_wu_pre_var_ref, create_wu_var_ref, init_connectivity, init_postsynaptic, init_sparse_connectivity,
                   init_var, init_weight_update)
from .model_spec import (create_current_source_model, create_custom_update_model, create_neuron_model,
                         create_postsynaptic_model,
                         create_sparse_connect_init_snippet, create_var_init_snippet,
                         create_weight_update_model)

__all__ = [
    "GeNNModel", "NeuronGroup", "SynapseGroup", "CurrentSource", "types", "VarAccess", "VarAccessMode",
    "CustomUpdateVarAccess", "VarLocation", "SynapseMatrixType", "ParallelismHint", "init_var",
    "init_sparse_connectivity", "init_connectivity", "init_weight_update", "init_postsynaptic",
    "create_neuron_model", "create_postsynaptic_model", "create_weight_update_model",
    "create_current_source_model", "create_custom_update_model", "CustomUpdate", "create_var_init_snippet", "create_sparse_connect_init_snippet",
    "create_var_ref", "create_psm_var_ref", "create_wu_var_ref", "create_wu_pre_var_ref",
    "create_wu_post_var_ref", "create_egp_ref", "create_psm_egp_ref", "create_wu_egp_ref", "CodeError", "BuildError", "BackendUnavailableError", "__version__",
]

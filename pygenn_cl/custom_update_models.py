"""Built-in custom update models (PyGeNN 5 ``custom_update_models``)."""
from __future__ import annotations

from .enums import VarAccessMode
from .model_spec import CustomUpdateModel, create_custom_update_model


def Transpose() -> CustomUpdateModel:
    """Copies a DENSE weight update variable into another group's variable, transposed.

    Reference the source with ``create_wu_var_ref(sg, "g", transpose_sg, "g")``.
    """
    return create_custom_update_model("Transpose", var_refs=[("variable", "scalar", VarAccessMode.READ_WRITE)],
                                      update_code="")

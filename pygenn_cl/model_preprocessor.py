"""PyGeNN's ``model_preprocessor`` module: the classes of the arrays groups expose
(``pop.vars["V"]``, ``pop.extra_global_params["x"]``), which live in
:mod:`pygenn_cl.genn_groups`."""
from __future__ import annotations

from .genn_groups import ArrayBase, ExtraGlobalParameter, Variable

#: PyGeNN's names for the same classes
Array = ArrayBase
VariableBase = Variable
SynapseVariable = Variable

__all__ = ["ArrayBase", "Array", "Variable", "VariableBase", "SynapseVariable", "ExtraGlobalParameter"]

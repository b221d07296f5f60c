"""Built-in custom connectivity update models (PyGeNN 5 ``custom_connectivity_update_models``).

PyGeNN has no built-in ones: models come from
:func:`pygenn_cl.create_custom_connectivity_update_model`.  Custom connectivity updates are
not simulated by pygenn_cl yet (``GeNNModel.add_custom_connectivity_update`` raises
NotImplementedError).
"""
from __future__ import annotations

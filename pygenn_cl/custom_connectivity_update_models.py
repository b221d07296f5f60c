"""Built-in custom connectivity update models (PyGeNN 5 ``custom_connectivity_update_models``).

PyGeNN has no built-in ones: models come from
:func:`pygenn_cl.create_custom_connectivity_update_model` and are added with
``GeNNModel.add_custom_connectivity_update``.
"""
from __future__ import annotations

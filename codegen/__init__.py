"""Code generation: the frozen model description, the GeNNCode transpiler, the generator and
its typed IR, and the Mako templates.

Installed as ``pygenn_cl.codegen``.  Nothing here imports the model API (``pygenn_cl``): the
API describes a model (:mod:`.description`), :func:`.generator.generate_model` turns the
description into a :class:`.ir.ModelIR`, and backends render it (:mod:`.render`).
"""

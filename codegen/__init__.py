"""Code generation: GeNNCode transpiler, model IR, generator and Mako templates.

Installed as ``pygenn_cl.codegen``.
"""
import os


def templates_dir() -> str:
    """Directory holding the Mako templates."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")

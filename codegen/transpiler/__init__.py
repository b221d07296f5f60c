"""GeNNCode transpiler: parse, type-check and print model code strings.

Public interface: :func:`translate_statements`, :func:`translate_expression`,
:class:`Environment`, :class:`FunctionSpec`, :class:`BlockSpec`, :class:`Translation`,
:class:`CodeError`, :class:`ErrorContext` and the dialects ``C_DIALECT``,
``OPENCL_DIALECT`` and ``CUDA_DIALECT``.
"""
from .dialects import C_DIALECT, CUDA_DIALECT, OPENCL_DIALECT, Dialect
from .environment import BlockSpec, Environment, EnvVariable, FunctionSpec
from .errors import CodeError, ErrorContext
from .translate import (Translation, local_scope, referenced_identifiers, subscripted_identifiers,
                        translate_expression, translate_statements)

__all__ = ["CodeError", "ErrorContext", "FunctionSpec", "BlockSpec", "Environment", "EnvVariable",
           "Translation", "local_scope", "translate_statements", "referenced_identifiers", "translate_expression",
           "subscripted_identifiers",
           "Dialect",
           "C_DIALECT", "OPENCL_DIALECT", "CUDA_DIALECT"]

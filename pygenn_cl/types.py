"""The numeric types of GeNNCode and of model variables (``types.Float``, ``types.Uint32`` ...).

They are defined in :mod:`pygenn_cl.codegen.types`, where the transpiler and generator use
them without depending on the model API; this module is the public name PyGeNN scripts use.
"""
from pygenn_cl.codegen.types import (ALL_NUMERIC, Bool, Double, Float, Int8, Int16, Int32, Int64,  # noqa: F401
                                     NumericType, PointerType, ResolvedType, TypeLike, Uint8, Uint16,
                                     Uint32, Uint64, is_scalar_spelling, parse_numeric_type, parse_type,
                                     precision_type)

"""The numeric types of GeNNCode and of model variables.

Type names follow PyGeNN 5 (``types.Float``, ``types.Uint32`` ...).  A type is
"resolved" once ``scalar`` has been replaced by the model's precision; type
strings written by users (``"scalar"``, ``"unsigned int"``, ``"uint8_t"``,
``"scalar*"``) are resolved with :func:`parse_type`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

import numpy as np


@dataclass(frozen=True)
class NumericType:
    """A numeric value type.

    Parameters
    ----------
    name : str
        Canonical C name, used in generated code (stdint names for integers).
    dtype : numpy.dtype
        Matching numpy type.
    rank : int
        Conversion rank used by C's usual arithmetic conversions
        (bool < 8 bit < 16 bit < 32 bit < 64 bit < float < double).
    """

    name: str
    dtype: np.dtype
    rank: int
    is_integer: bool
    is_signed: bool

    @property
    def is_float(self) -> bool:
        return not self.is_integer

    @property
    def size(self) -> int:
        return self.dtype.itemsize

    @property
    def min(self) -> Union[int, float]:
        return np.iinfo(self.dtype).min if self.is_integer else float(np.finfo(self.dtype).min)

    @property
    def max(self) -> Union[int, float]:
        return np.iinfo(self.dtype).max if self.is_integer else float(np.finfo(self.dtype).max)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class PointerType:
    """A pointer to an array of numbers (only used by extra global parameters)."""

    value_type: NumericType

    @property
    def name(self) -> str:
        return self.value_type.name + "*"

    def __str__(self) -> str:
        return self.name


ResolvedType = Union[NumericType, PointerType]

Bool = NumericType("bool", np.dtype(np.uint8), 0, True, False)
Int8 = NumericType("int8_t", np.dtype(np.int8), 1, True, True)
Uint8 = NumericType("uint8_t", np.dtype(np.uint8), 1, True, False)
Int16 = NumericType("int16_t", np.dtype(np.int16), 2, True, True)
Uint16 = NumericType("uint16_t", np.dtype(np.uint16), 2, True, False)
Int32 = NumericType("int32_t", np.dtype(np.int32), 3, True, True)
Uint32 = NumericType("uint32_t", np.dtype(np.uint32), 3, True, False)
Int64 = NumericType("int64_t", np.dtype(np.int64), 4, True, True)
Uint64 = NumericType("uint64_t", np.dtype(np.uint64), 4, True, False)
Float = NumericType("float", np.dtype(np.float32), 5, False, True)
Double = NumericType("double", np.dtype(np.float64), 6, False, True)

ALL_NUMERIC = (Bool, Int8, Uint8, Int16, Uint16, Int32, Uint32, Int64, Uint64, Float, Double)

# Spellings accepted in type strings (LP64 integer model, as in GeNNCode).
_ALIASES = {
    "bool": Bool,
    "char": Int8, "signed char": Int8, "int8_t": Int8,
    "unsigned char": Uint8, "uint8_t": Uint8,
    "short": Int16, "short int": Int16, "signed short": Int16, "int16_t": Int16,
    "unsigned short": Uint16, "unsigned short int": Uint16, "uint16_t": Uint16,
    "int": Int32, "signed": Int32, "signed int": Int32, "int32_t": Int32,
    "unsigned": Uint32, "unsigned int": Uint32, "uint32_t": Uint32,
    "long": Int64, "long int": Int64, "signed long": Int64, "long long": Int64, "int64_t": Int64,
    "unsigned long": Uint64, "unsigned long int": Uint64, "unsigned long long": Uint64,
    "uint64_t": Uint64, "size_t": Uint64,
    "float": Float, "double": Double,
}

TypeLike = Union[str, NumericType, PointerType]


def parse_numeric_type(name: str, scalar: Optional[NumericType] = None) -> NumericType:
    """Resolve a type name such as ``"scalar"`` or ``"unsigned int"``.

    Raises
    ------
    ValueError
        If the name is not a numeric type of GeNNCode, or is ``"scalar"``
        when no scalar type is given.
    """
    words = " ".join(name.replace("const ", " ").split())
    if words == "scalar":
        if scalar is None:
            raise ValueError("type 'scalar' needs the model's precision to be resolved")
        return scalar
    try:
        return _ALIASES[words]
    except KeyError:
        raise ValueError(f"unknown type '{name}'; expected one of scalar, "
                         + ", ".join(sorted(_ALIASES))) from None


def parse_type(spec: TypeLike, scalar: Optional[NumericType] = None) -> ResolvedType:
    """Resolve a type given as a string or a type object (pointers allowed)."""
    if isinstance(spec, (NumericType, PointerType)):
        value_type = spec.value_type if isinstance(spec, PointerType) else spec
        if value_type not in ALL_NUMERIC:  # a type's name is printed into generated code
            raise ValueError(f"unknown type object {spec!r}; use the ones in pygenn_cl.types")
        return spec
    if not isinstance(spec, str):
        raise TypeError(f"a type must be a string or a pygenn_cl.types object, not {spec!r}")
    text = spec.strip()
    if text.endswith("*"):
        return PointerType(parse_numeric_type(text[:-1], scalar))
    return parse_numeric_type(text, scalar)


def is_scalar_spelling(spec: TypeLike) -> bool:
    """True if the type is written as ``scalar`` (so it follows the model precision)."""
    return isinstance(spec, str) and spec.strip().rstrip("*").strip() == "scalar"


def precision_type(precision: TypeLike) -> NumericType:
    """Resolve a model precision (``"float"``, ``"double"`` or a type object)."""
    try:
        resolved = parse_type(precision)
    except (ValueError, TypeError):
        resolved = None
    if resolved not in (Float, Double):
        raise ValueError(f"precision must be 'float' or 'double', not {precision!r}")
    return resolved

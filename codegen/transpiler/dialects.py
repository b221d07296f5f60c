"""Target dialects: how types, literals and maths functions are spelled."""
from __future__ import annotations

from typing import Dict

from .. import types

NumericType = types.NumericType

#: Integer helper suffixes by type name.
_INT_SUFFIX = {"int32_t": "i32", "uint32_t": "u32", "int64_t": "i64", "uint64_t": "u64"}
_FLOAT_MINMAX = {"min": "fmin", "max": "fmax", "abs": "fabs"}


class Dialect:
    """Base dialect (C99).  Subclasses override the class attributes.

    Attributes
    ----------
    name : str
    function_qualifier : str
        Qualifier of helper functions defined in :meth:`preamble`.
    float_suffix_maths : bool
        True if single-precision maths functions carry an ``f`` suffix.
    maths_renames : dict
        Builtin names that have another name in the target.
    int_suffixes : dict
        Literal suffix per integer type name.
    unroll_hint : str
        Written before a ``for`` loop of a few iterations whose bounds are literals (after
        parameter values are substituted); empty where the compiler unrolls such loops
        without being asked.
    """

    name = "c"
    function_qualifier = "static inline"
    float_suffix_maths = True
    maths_renames: Dict[str, str] = {}
    int_suffixes = {"int32_t": "", "uint32_t": "u", "int64_t": "ll", "uint64_t": "ull"}
    unroll_hint = ""
    preamble_header = ("#include <stdint.h>\n#include <stdbool.h>\n"
                       "#include <math.h>\n#include <stdio.h>\n")

    def type_name(self, t: types.ResolvedType) -> str:
        """Spelling of a resolved type."""
        return t.name

    def int_literal(self, value: int, t: NumericType) -> str:
        """An integer literal of type ``t``."""
        return f"{value}{self.int_suffixes[t.name]}"

    def float_literal(self, value: float, t: NumericType) -> str:
        """A floating literal of type ``t`` that round-trips."""
        text = repr(float(value))
        if "." not in text and "e" not in text:
            text += ".0"
        return text + "f" if t == types.Float else text

    def bool_literal(self, value: bool) -> str:
        return "true" if value else "false"

    def maths_function(self, name: str, version: NumericType) -> str:
        """Target name of builtin ``name`` for overload ``version``."""
        if version.is_integer:
            return f"genn_{name}_{_INT_SUFFIX[version.name]}"
        name = _FLOAT_MINMAX.get(name, name)
        name = self.maths_renames.get(name, name)
        if self.float_suffix_maths and version == types.Float:
            name += "f"
        return name

    def preamble(self) -> str:
        """Target code defining the integer ``genn_min/max/abs`` helpers."""
        q = self.function_qualifier
        lines = [self.preamble_header]
        for tname, suffix in _INT_SUFFIX.items():
            t = self.type_name(types.parse_numeric_type(tname))
            lines.append(f"{q} {t} genn_min_{suffix}({t} a, {t} b) {{ return a < b ? a : b; }}")
            lines.append(f"{q} {t} genn_max_{suffix}({t} a, {t} b) {{ return a > b ? a : b; }}")
            body = "a" if suffix.startswith("u") else "a < 0 ? -a : a"
            lines.append(f"{q} {t} genn_abs_{suffix}({t} a) {{ return {body}; }}")
        return "\n".join(lines) + "\n"


class CDialect(Dialect):
    """C99 for the single-threaded CPU backend.

    ``fmin``/``fmax`` become inline helpers: without ``-ffinite-math-only`` gcc calls
    libm's for them (3 % of the Pavlovian model's time).  The helpers keep C99's
    semantics: a NaN argument yields the other argument.
    """

    maths_renames = {"fmin": "genn_fmin", "fmax": "genn_fmax"}

    def preamble(self) -> str:
        lines = [super().preamble()]
        for t, s in (("float", "f"), ("double", "")):
            lines.append(f"{self.function_qualifier} {t} genn_fmin{s}({t} a, {t} b) "
                         "{ return (a < b || b != b) ? a : b; }")
            lines.append(f"{self.function_qualifier} {t} genn_fmax{s}({t} a, {t} b) "
                         "{ return (a > b || b != b) ? a : b; }")
        return "\n".join(lines) + "\n"


class CUDADialect(Dialect):
    """CUDA C++ device code."""

    name = "cuda"
    function_qualifier = "static __device__ __forceinline__"
    preamble_header = ""


class OpenCLDialect(Dialect):
    """OpenCL C 1.2 (overloaded maths, 64-bit ``long``)."""

    name = "opencl"
    float_suffix_maths = False
    # PoCL (LLVM 14) left PoissonExp's 8-term loop rolled, so the neuron loop around it
    # did not vectorise: 94 -> 53 us per step on the microcircuit (scale 0.1, 2 cores).
    # The C99 pragma operator, not __attribute__((opencl_unroll_hint)): that attribute is
    # OpenCL C 2.0, which a compiler may reject under -cl-std=CL1.2, while C99 has every
    # compiler ignore a pragma it does not know (clang, as PoCL, NVIDIA, AMD and Intel use,
    # knows "unroll"); PoCL unrolls and vectorises the same with either.
    unroll_hint = '_Pragma("unroll") '
    maths_renames = {"scalbn": "ldexp", "nearbyint": "rint"}
    int_suffixes = {"int32_t": "", "uint32_t": "u", "int64_t": "l", "uint64_t": "ul"}
    preamble_header = (
        "#ifndef GENN_STDINT_TYPEDEFS\n#define GENN_STDINT_TYPEDEFS\n"
        "typedef char int8_t;\ntypedef uchar uint8_t;\n"
        "typedef short int16_t;\ntypedef ushort uint16_t;\n"
        "typedef int int32_t;\ntypedef uint uint32_t;\n"
        "typedef long int64_t;\ntypedef ulong uint64_t;\n"
        "#endif\n")


C_DIALECT = CDialect()
CUDA_DIALECT = CUDADialect()
OPENCL_DIALECT = OpenCLDialect()

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
        The definition of ``GENN_UNROLL_HINT``, which generated code puts before a ``for``
        loop of a few iterations whose bounds are known once groups are merged (see
        ``codegen.ir``'s unroll markers); empty where the compiler unrolls such loops
        without being asked.
    """

    name = "c"
    function_qualifier = "static inline"
    float_suffix_maths = True
    maths_renames: Dict[str, str] = {}
    int_suffixes = {"int32_t": "", "uint32_t": "u", "int64_t": "ll", "uint64_t": "ull"}
    unroll_hint = ""
    #: address space qualifier of the arena's memory in helper parameters
    global_space = ""
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
        lines += self.check_helpers()
        return "\n".join(lines) + "\n"

    def report_error(self) -> str:
        """Body of ``genn_report_error(e, code, detail)``: the first failure wins."""
        return "if (e->code == 0u) { e->code = code; e->detail = detail; }"

    def check_helpers(self) -> list:
        """Helpers of run-time checks; each reports a failure with ``genn_report_error`` into the
        arena header's error words (``GENN_ERRORS``) and returns a harmless value instead.

        ``genn_div_<t>``/``genn_mod_<t>``: integer division and remainder with a divisor that is
        not a non-zero constant (C's ``/`` by zero traps, and so does ``INT_MIN / -1``, whose
        result is ``INT_MIN`` here as on GPUs); ``genn_check_index``: an index inside an array
        of ``n`` elements, else 0; ``genn_dendritic_row``: the row of a dendritic-delay ring of
        ``ring`` rows that a delay falls in; ``genn_delay_slot``: the delay slot of the step
        ``base + delay`` steps back, for a delay less than ``limit``.
        """
        q, g = self.function_qualifier, self.global_space
        e = f"{g}genn_error_t* e, uint32_t code"
        # The error words have a struct type of their own: a write through a plain uint32_t*
        # may alias the merged groups' uint32_t fields, which loops would then reload after
        # every element; and the report is inline: a call in a hot loop, even one never made,
        # keeps the loop's values out of the registers it may clobber (each cost the
        # microcircuit's spike propagation about 7 % of a step).
        lines = ["typedef struct { uint32_t code; uint32_t detail; } genn_error_t;",
                 f"{q} void genn_report_error({g}genn_error_t* e, uint32_t code, uint32_t detail) "
                 f"{{ {self.report_error()} }}"]
        for tname, suffix in _INT_SUFFIX.items():
            t = self.type_name(types.parse_numeric_type(tname))
            signed = not suffix.startswith("u")
            unsigned = self.type_name(types.parse_numeric_type("u" + tname)) if signed else t
            zero = "if (b == 0) { genn_report_error(e, code, 0u); return 0; } "
            div = f"return b == -1 ? ({t})(({unsigned})0 - ({unsigned})a) : a / b;" if signed else "return a / b;"
            mod = "return b == -1 ? 0 : a % b;" if signed else "return a % b;"
            lines.append(f"{q} {t} genn_div_{suffix}({t} a, {t} b, {e}) {{ {zero}{div} }}")
            lines.append(f"{q} {t} genn_mod_{suffix}({t} a, {t} b, {e}) {{ {zero}{mod} }}")
        lines.append(f"{q} uint64_t genn_check_index(uint64_t i, uint64_t n, {e}) "
                     "{ if (i < n) { return i; } genn_report_error(e, code, (uint32_t)i); return 0; }")
        lines.append(f"{q} uint32_t genn_dendritic_row(uint64_t timestep, uint32_t delay, uint32_t ring, {e}) "
                     "{ if (delay >= ring) { genn_report_error(e, code, delay); delay = 0u; } "
                     "return (uint32_t)((timestep + (uint64_t)delay) % ring); }")
        lines.append(f"{q} uint32_t genn_delay_slot(uint64_t timestep, uint32_t base, uint32_t delay, uint32_t limit, "
                     f"uint32_t slots, {e}) "
                     "{ if (delay >= limit) { genn_report_error(e, code, delay); delay = 0u; } "
                     "return (uint32_t)((timestep + slots - ((base + delay) % slots)) % slots); }")
        return lines


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


    def report_error(self) -> str:
        return "if (atomicCAS((unsigned int*)&e->code, 0u, code) == 0u) { e->detail = detail; }"


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
    global_space = "__global "
    preamble_header = (
        "#ifndef GENN_STDINT_TYPEDEFS\n#define GENN_STDINT_TYPEDEFS\n"
        "typedef char int8_t;\ntypedef uchar uint8_t;\n"
        "typedef short int16_t;\ntypedef ushort uint16_t;\n"
        "typedef int int32_t;\ntypedef uint uint32_t;\n"
        "typedef long int64_t;\ntypedef ulong uint64_t;\n"
        "#endif\n")

    def report_error(self) -> str:
        return "if (atomic_cmpxchg((volatile __global uint*)&e->code, 0u, code) == 0u) { e->detail = detail; }"


C_DIALECT = CDialect()
CUDA_DIALECT = CUDADialect()
OPENCL_DIALECT = OpenCLDialect()

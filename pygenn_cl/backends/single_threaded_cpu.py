"""The single-threaded C backend: sequential loops, compiled with the system C compiler."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

from pygenn_cl.codegen import arena as header
from pygenn_cl.codegen.ir import INIT_KINDS, SPARSE_INIT_KINDS, STEP_KINDS, ModelIR, format_literal
from pygenn_cl.codegen.render import render
from pygenn_cl.codegen import rng as rng_steps
from pygenn_cl.codegen.rng import rng_source
from pygenn_cl.codegen.targets import CodeTarget
from pygenn_cl.codegen.transpiler import C_DIALECT

from .. import c_compiler
from ..validation import compiler_flags, file_stem
from ..runtime import HostMemory, ModelRuntime, RuntimeValues
from .base import Backend, ForwardingStepper, write_sources

C_TARGET = CodeTarget("c", C_DIALECT, parallel=False)


@dataclass(frozen=True)
class COptions:
    """Options that shape the C backend's source: none (compiler flags only shape the build)."""


def generate_c_source(ir: ModelIR, module_directory: Optional[str] = None) -> str:
    """The C source of a model (needs no compiler)."""
    return render("c/model.mako", module_directory, ir=ir, header=header, preamble=C_DIALECT.preamble(),
                  rng=rng_source("c"), time_type=ir.time_type.name, dt=format_literal(ir.dt, ir.time_type),
                  unroll_hint=C_DIALECT.unroll_hint, rng_steps=rng_steps, init_kinds=INIT_KINDS, sparse_init_kinds=SPARSE_INIT_KINDS,
                  synapse_kinds=STEP_KINDS[:-1])


class SingleThreadedCPUBackend(Backend):
    """Runs the model in one CPU thread from a C shared library."""

    name = "single_threaded_cpu"
    timing_is_free = True  # clock reads inside the C step loop
    default_preferences = {
        "optimize_code": True,
        "debug_code": False,
        "fast_math": False,
        "native_arch": True,
        "user_cxx_flags_gnu": "",
        "disk_cache": True,
    }
    flag_preferences = ("user_cxx_flags_gnu",)

    @classmethod
    def availability(cls) -> Tuple[bool, str]:
        cmd = " ".join(c_compiler.compiler_command())
        if shutil.which(c_compiler.compiler_command()[0]) is None:
            return False, f"no C compiler '{cmd}' on PATH (install gcc or set CC)"
        return True, ""

    @classmethod
    def preferred_rank(cls) -> int:
        return 20

    @property
    def target(self) -> CodeTarget:
        return self.with_checks(C_TARGET)

    def options(self) -> COptions:
        return COptions()

    def flags(self):
        prefs = self.preferences
        # -fno-trapping-math: nothing reads floating-point exception flags, and it lets gcc
        # if-convert (and so vectorise) neuron updates; it changes no rounding.
        flags = ["-std=gnu99", "-ffp-contract=off", "-fno-trapping-math"]
        flags += ["-O0", "-g"] if prefs["debug_code"] else (["-O3"] if prefs["optimize_code"] else ["-O0"])
        # Contraction stays off, so using the host's instruction set changes speed, not results.
        if prefs["native_arch"] and prefs["optimize_code"] and not prefs["debug_code"]:
            flags.append("-march=native")
        if prefs["fast_math"]:
            flags.append("-ffast-math")
        flags += compiler_flags("user_cxx_flags_gnu", prefs["user_cxx_flags_gnu"])
        return flags

    def generate_source(self, ir: ModelIR, options: COptions) -> Dict[str, str]:
        return {f"{file_stem(ir.name)}.c": generate_c_source(ir, c_compiler.template_cache_dir())}

    def build(self, ir: ModelIR, sources: Dict[str, str], build_dir: str, always_rebuild: bool,
              never_rebuild: bool) -> str:
        (file_name, source), = sources.items()
        write_sources(sources, build_dir)
        return c_compiler.compile_shared_library(source, self.flags(), build_dir, file_name[:-2], ir.user_code,
                                                 always_rebuild, never_rebuild,
                                                 use_cache=self.preferences["disk_cache"])

    def load(self, ir: ModelIR, artifact: Any, values: RuntimeValues):
        from ..steppers import SharedLibraryModel
        memory_holder = {}

        def make_memory(layout):
            memory_holder["m"] = HostMemory(layout.nbytes)
            return memory_holder["m"]

        runtime = ModelRuntime(ir, make_memory, values)
        library = SharedLibraryModel(artifact, memory_holder["m"].host)
        return runtime, CStepper(library, runtime)

    @classmethod
    def list_devices(cls) -> list:
        return [_cpu_name()]

    def describe_device(self) -> str:
        return _cpu_name()


class CStepper(ForwardingStepper):
    """The C backend's :class:`~pygenn_cl.backends.base.Stepper`: the Cython library wrapper's
    methods, and the kernel timers the library accumulates in the arena's header."""

    def __init__(self, library, runtime: ModelRuntime):
        super().__init__(library)
        self._runtime = runtime
        self.initialize = library.initialize
        self.initialize_sparse = library.initialize_sparse
        self.custom_update = library.custom_update

    def timers(self) -> Dict[str, float]:
        return self._runtime.timers()

    def close(self) -> None:
        self.stepper.close()


def _cpu_name() -> str:
    import platform
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return "one thread of " + line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "one thread of " + (platform.processor() or platform.machine())

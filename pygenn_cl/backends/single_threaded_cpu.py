"""The single-threaded C backend: sequential loops, compiled with the system C compiler."""
from __future__ import annotations

import os
import shutil
from typing import Any, Dict, Optional, Tuple

from mako.lookup import TemplateLookup

from pygenn_cl.codegen.ir import ModelIR, format_literal
from pygenn_cl.codegen.rng import rng_source
from pygenn_cl.codegen.targets import CodeTarget
from pygenn_cl.codegen.transpiler import C_DIALECT

from .. import c_compiler
from ..runtime import HostMemory, ModelRuntime
from .base import Backend

from pygenn_cl.codegen import templates_dir


def template_lookup() -> TemplateLookup:
    return TemplateLookup(directories=[templates_dir()], strict_undefined=True)


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
        return CodeTarget("c", C_DIALECT, parallel=False)

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
        flags += prefs["user_cxx_flags_gnu"].split()
        return flags

    def generate_source(self, ir: ModelIR) -> Dict[str, str]:
        template = template_lookup().get_template("c/model.c.mako")
        text = template.render(ir=ir, preamble=C_DIALECT.preamble(), rng=rng_source("c"),
                               time_type=ir.time_type.name, dt=format_literal(ir.dt, ir.time_type))
        return {f"{ir.name}.c": text}

    def build(self, sources: Dict[str, str], build_dir: str, always_rebuild: bool, never_rebuild: bool) -> str:
        (file_name, source), = sources.items()
        os.makedirs(build_dir, exist_ok=True)
        with open(os.path.join(build_dir, file_name), "w") as f:
            f.write(source)
        return c_compiler.compile_shared_library(source, self.flags(), build_dir, file_name[:-2],
                                                 always_rebuild, never_rebuild,
                                                 use_cache=self.preferences["disk_cache"])

    def load(self, model, ir: ModelIR, artifact: Any, num_recording_timesteps: Optional[int]):
        from ..steppers import SharedLibraryModel
        memory_holder = {}

        def make_memory(layout):
            memory_holder["m"] = HostMemory(layout.nbytes)
            return memory_holder["m"]

        runtime = ModelRuntime(model, ir, make_memory, num_recording_timesteps)
        stepper = SharedLibraryModel(artifact, memory_holder["m"].host)
        return runtime, stepper

    @classmethod
    def list_devices(cls) -> list:
        return [_cpu_name()]

    def describe_device(self) -> str:
        return _cpu_name()


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


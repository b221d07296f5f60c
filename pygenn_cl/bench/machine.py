"""What the benchmarks ran on: the machine and the backends' devices."""
from __future__ import annotations

import os
import platform
import sys
from typing import Dict, List

import numpy as np


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


#: Vector instruction sets, widest first, as /proc/cpuinfo names them (x86, then Arm).
_SIMD_FLAGS = ("avx512f", "avx2", "avx", "sse4_2", "sve2", "sve", "asimd")


def _simd() -> str:
    """The widest vector instruction set the CPU reports: a C compiler told to use the host's
    (``-march=native``) may use it while an OpenCL CPU compiler targets a narrower one."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith(("flags", "Features")):
                    flags = set(line.split(":", 1)[1].split())
                    return next((s for s in _SIMD_FLAGS if s in flags), "none of " + "/".join(_SIMD_FLAGS))
    except OSError:
        pass
    return "unknown"


def _memory_gib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def _compiler_version() -> str:
    try:
        from pygenn_cl import c_compiler
        return c_compiler.compiler_version(" ".join(c_compiler.compiler_command())).splitlines()[0]
    except Exception as exc:  # noqa: BLE001 - informational only
        return f"unknown ({exc})"


def machine_description() -> dict:
    """CPU model and widest vector instruction set, cores, memory, OS, Python, numpy, C compiler."""
    import pygenn_cl
    return {"cpu": _cpu_model(), "simd": _simd(), "cores": os.cpu_count(), "memory_gib": _memory_gib(),
            "platform": platform.platform(), "python": sys.version.split()[0], "numpy": np.__version__,
            "compiler": _compiler_version(), "pygenn_cl": pygenn_cl.__version__}


def opencl_runtime() -> str:
    """The OpenCL platforms this process sees (name and version string, which for PoCL names
    its LLVM), and PyOpenCL's version; or why there are none."""
    try:
        import pyopencl as cl
        platforms = "; ".join(f"{p.name.strip()}: {' '.join(p.version.split())}" for p in cl.get_platforms())
        return f"{platforms or 'no platform'} (PyOpenCL {cl.VERSION_TEXT})"
    except Exception as exc:  # noqa: BLE001 - informational only
        return f"unavailable ({type(exc).__name__}: {exc})"


def device_descriptions() -> Dict[str, dict]:
    """For every backend: available or not (and why), and its devices
    (what ``python -m pygenn_cl devices`` prints)."""
    from pygenn_cl.backends import BACKENDS, availability, backend_class
    out = {}
    for name in BACKENDS:
        ok, why = availability(name)
        devices: List[str] = []
        if ok:
            try:
                devices = list(backend_class(name).list_devices())
            except Exception as exc:  # noqa: BLE001 - informational only
                devices = [f"(listing devices failed: {exc})"]
        out[name] = {"available": ok, "why": None if ok else why, "devices": devices}
    return out


def format_machine(machine: dict, devices: Dict[str, dict]) -> str:
    lines = [f"pygenn_cl {machine['pygenn_cl']}",
             f"machine: {machine['cpu']} ({machine.get('simd', 'unknown')}), {machine['cores']} cores, "
             f"{machine['memory_gib']} GiB RAM",
             f"         {machine['platform']}; Python {machine['python']}; numpy {machine['numpy']}; "
             f"{machine['compiler']}",
             "backends:"]
    for name, d in devices.items():
        lines.append(f"  {name}: {'available' if d['available'] else 'unavailable (' + str(d['why']) + ')'}")
        lines.extend(f"      {line}" for line in d["devices"])
    return "\n".join(lines)

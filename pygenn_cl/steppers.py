"""The backends' steppers (Cython), importable from one place.

Each runs a loaded model's step loop with no Python per step and derives from
:class:`Stepper` (``_runtime.pyx``), which owns the timestep, the closed state and
the chunked, interruptible ``run_steps`` loop.
"""
from ._runtime import Stepper
from ._runtime_c import SharedLibraryModel
from ._runtime_cuda import CUDAStepper
from ._runtime_opencl import OpenCLStepper, error_name as opencl_error_name

__all__ = ["Stepper", "SharedLibraryModel", "OpenCLStepper", "CUDAStepper", "opencl_error_name"]

"""The CUDA driver API calls the CUDA backend makes outside the step loop (through ctypes).

A loaded model owns one reference to its device's *primary context*: :class:`PrimaryContext`
retains it at load and releases it once at unload (``cuDevicePrimaryCtxRetain`` /
``cuDevicePrimaryCtxRelease``), and every piece of work pushes it and pops it again
(:meth:`PrimaryContext.current`), so the thread's current context is what it was before.
Several loaded models, and other CUDA users in the process (PyCUDA, CuPy, PyTorch: they use
the same primary context, or their own), keep their references and their current context.

PyCUDA is not used for this: its ``Context.detach()`` of a primary context that is not
current pushes it, releases it and leaves the released context current, and the context is
torn down when the last model goes.  The arena's device memory is allocated, zeroed
(``cuMemsetD8``) and copied here too, inside the pushed context.

The stepper (``_runtime_cuda.CUDAStepper``) opens the same library (``cuda_library_path``)
and takes the context's handle.
"""
from __future__ import annotations

import ctypes
import functools
from contextlib import contextmanager
from typing import Iterator, Tuple

CUDA_SUCCESS = 0
CUDA_ERROR_INVALID_CONTEXT = 201

_c_size = ctypes.c_size_t
_c_ptr = ctypes.c_uint64        # CUdeviceptr
_c_handle = ctypes.c_void_p     # CUcontext


class CUDADriverError(RuntimeError):
    """A CUDA driver call failed (the message names the call and the error)."""

    def __init__(self, call: str, code: int, name: str):
        super().__init__(f"CUDA driver call {call} failed: {name} ({code})")
        self.call, self.code = call, code


class Driver:
    """The CUDA driver library at ``path`` (``libcuda.so.1``, or a stand-in in tests)."""

    #: name -> (argument types); every function returns a CUresult (int)
    SIGNATURES = {
        "cuInit": (ctypes.c_uint,),
        "cuDeviceGet": (ctypes.POINTER(ctypes.c_int), ctypes.c_int),
        "cuDevicePrimaryCtxRetain": (ctypes.POINTER(_c_handle), ctypes.c_int),
        "cuDevicePrimaryCtxRelease": (ctypes.c_int,),
        "cuCtxPushCurrent_v2": (_c_handle,),
        "cuCtxPopCurrent_v2": (ctypes.POINTER(_c_handle),),
        "cuCtxGetCurrent": (ctypes.POINTER(_c_handle),),
        "cuMemGetInfo_v2": (ctypes.POINTER(_c_size), ctypes.POINTER(_c_size)),
        "cuMemAlloc_v2": (ctypes.POINTER(_c_ptr), _c_size),
        "cuMemFree_v2": (_c_ptr,),
        "cuMemsetD8_v2": (_c_ptr, ctypes.c_ubyte, _c_size),
        "cuMemcpyHtoD_v2": (_c_ptr, ctypes.c_void_p, _c_size),
        "cuMemcpyDtoH_v2": (ctypes.c_void_p, _c_ptr, _c_size),
        "cuGetErrorName": (ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)),
    }

    def __init__(self, path: str):
        self.path = path
        self.lib = ctypes.CDLL(path)
        self.fn = {}
        for name, argtypes in self.SIGNATURES.items():
            # CUDA 11 renamed cuDevicePrimaryCtxRelease to _v2 (same arguments); take the newest
            symbol = None
            for candidate in (name + "_v2", name) if name == "cuDevicePrimaryCtxRelease" else (name,):
                symbol = getattr(self.lib, candidate, None)
                if symbol is not None:
                    break
            if symbol is None:
                raise RuntimeError(f"the CUDA driver library {path} has no '{name}'; the NVIDIA driver is too old")
            symbol.argtypes = argtypes
            symbol.restype = ctypes.c_int
            self.fn[name] = symbol
        self.call("cuInit", 0)

    def error_name(self, code: int) -> str:
        text = ctypes.c_char_p()
        if self.fn["cuGetErrorName"](code, ctypes.byref(text)) == CUDA_SUCCESS and text.value:
            return text.value.decode()
        return f"CUresult {code}"

    def call(self, name: str, *args) -> None:
        code = self.fn[name](*args)
        if code != CUDA_SUCCESS:
            raise CUDADriverError(name, code, self.error_name(code))

    def current_context(self) -> int:
        """Handle of the calling thread's current context (0: none)."""
        ctx = _c_handle()
        self.call("cuCtxGetCurrent", ctypes.byref(ctx))
        return ctx.value or 0


@functools.lru_cache(maxsize=None)
def driver(path: str) -> Driver:
    """The :class:`Driver` of the library at ``path`` (one per process and path)."""
    return Driver(path)


class PrimaryContext:
    """One reference to a device's primary context, held from creation until :meth:`release`."""

    def __init__(self, drv: Driver, ordinal: int):
        self.driver = drv
        self.ordinal = ordinal
        device = ctypes.c_int()
        drv.call("cuDeviceGet", ctypes.byref(device), ordinal)
        self.device = device.value
        ctx = _c_handle()
        drv.call("cuDevicePrimaryCtxRetain", ctypes.byref(ctx), self.device)
        self.handle = ctx.value or 0
        self.retained = True

    @contextmanager
    def current(self) -> Iterator[None]:
        """Make the context current for the calls inside; the previous one is current after."""
        if not self.retained:
            raise RuntimeError("the CUDA context was released (the model was unloaded)")
        self.driver.call("cuCtxPushCurrent_v2", _c_handle(self.handle))
        try:
            yield
        finally:
            popped = _c_handle()
            self.driver.call("cuCtxPopCurrent_v2", ctypes.byref(popped))

    def memory_info(self) -> Tuple[int, int]:
        """(free, total) bytes of the device."""
        free, total = _c_size(), _c_size()
        with self.current():
            self.driver.call("cuMemGetInfo_v2", ctypes.byref(free), ctypes.byref(total))
        return free.value, total.value

    def release(self) -> None:
        """Give the reference back (once; later calls do nothing)."""
        if self.retained:
            self.retained = False
            self.driver.call("cuDevicePrimaryCtxRelease", self.device)


class DeviceBuffer:
    """``nbytes`` of device memory in ``context``, zeroed on the device; freed by :meth:`free`."""

    def __init__(self, context: PrimaryContext, nbytes: int):
        self.context = context
        self.nbytes = max(nbytes, 1)
        drv = context.driver
        address = _c_ptr()
        with context.current():
            drv.call("cuMemAlloc_v2", ctypes.byref(address), self.nbytes)
            self.address = address.value
            try:
                drv.call("cuMemsetD8_v2", _c_ptr(self.address), 0, self.nbytes)
            except CUDADriverError:
                drv.call("cuMemFree_v2", _c_ptr(self.address))
                raise

    def to_device(self, offset: int, host_address: int, nbytes: int) -> None:
        with self.context.current():
            self.context.driver.call("cuMemcpyHtoD_v2", _c_ptr(self.address + offset), ctypes.c_void_p(host_address),
                                     nbytes)

    def to_host(self, host_address: int, offset: int, nbytes: int) -> None:
        with self.context.current():
            self.context.driver.call("cuMemcpyDtoH_v2", ctypes.c_void_p(host_address), _c_ptr(self.address + offset),
                                     nbytes)

    def free(self) -> None:
        if self.address:
            with self.context.current():
                self.context.driver.call("cuMemFree_v2", _c_ptr(self.address))
            self.address = 0

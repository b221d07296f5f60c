# cython: language_level=3
"""The base class every backend's stepper derives from (see ``_runtime.pyx``).

A backend's stepper is a ``cdef class`` in its own extension module
(``_runtime_c``, ``_runtime_opencl``, ``_runtime_cuda``) that cimports
:class:`Stepper` and implements its ``cdef`` methods.
"""
from libc.stdint cimport uint64_t

# Stepper._state: a stepper is usable only while OPEN; BUSY while one of its calls runs
# without the GIL (another thread must not close or step it then); CLOSED for good.
cdef enum StepperState:
    STEPPER_OPEN = 0
    STEPPER_BUSY = 1
    STEPPER_CLOSED = 2


cdef double now() noexcept nogil


cdef class Stepper:
    cdef public uint64_t timestep
    cdef int _state
    # The Python objects that own the memory and handles the C side uses (the arena's
    # host array or device buffers, the queue or context ...): alive until close().
    cdef object _keepalive
    # run_steps: steps of the next chunk (learned across calls), and what chunk sizes are
    # a multiple of (CUDA graphs: the steps per graph).
    cdef uint64_t _chunk
    cdef uint64_t _chunk_quantum

    # -- implemented by each backend ----------------------------------------------------
    # One step (with the GIL held); 0 or an error code for _raise_error.
    cdef int _step(self) noexcept nogil
    # n steps, waiting for them to finish; advances timestep by the steps actually done
    # (also when it fails); 0 or an error code for _raise_error.
    cdef int _run_chunk(self, uint64_t n) noexcept nogil
    # Raise the exception describing error code err (returned by _step or _run_chunk).
    cdef int _raise_error(self, int err) except -1
    # Release the handles (called once, by close(), with the stepper no longer usable);
    # 0 or an error code for _raise_error, reported by close() once everything is released.
    cdef int _release(self) noexcept

    # -- shared -------------------------------------------------------------------------
    cdef int _check_open(self) except -1
    cdef int _enter(self) except -1
    cdef void _leave(self) noexcept

# cython: language_level=3, boundscheck=False, wraparound=False
"""Cython runtime: the base of every backend's stepper and the one run loop they share.

A stepper calls a loaded model's entry points with no Python in between:
``step_time()`` is one C call (plus a check that the stepper is still open), and
``run_steps(n)`` runs in chunks with the GIL released.  Each backend implements
:class:`Stepper` in its own extension module:

* ``_runtime_c.SharedLibraryModel``: the C backend's compiled library (``dlopen``);
* ``_runtime_opencl.OpenCLStepper``: kernels enqueued through the OpenCL C API;
* ``_runtime_cuda.CUDAStepper``: kernels launched through the CUDA driver API.

``pygenn_cl.steppers`` imports all three.

Safety: a stepper keeps alive the Python objects owning the memory and handles it uses
until ``close()``; after ``close()`` every call that would touch them raises
``RuntimeError`` (a bound ``step_time`` kept past ``GeNNModel.unload()`` cannot crash).

Interrupts: ``run_steps`` runs chunks bounded in wall time (about ``CHUNK_SECONDS``) and
checks for signals between them, so Ctrl-C stops a long run within a chunk, leaving
``timestep`` equal to the steps done and the model usable.
"""
cimport cython
from cpython.exc cimport PyErr_CheckSignals
from libc.stdint cimport uint64_t
from posix.time cimport clock_gettime, timespec, CLOCK_MONOTONIC

# run_steps: a chunk should take about this long; longer chunks delay Ctrl-C (and progress
# bars), shorter ones cost a GIL round trip and (SIMT) a device synchronisation each.
cdef double CHUNK_SECONDS = 0.05
# the first chunk of a stepper's first run_steps call (the rate is learned from then on)
cdef uint64_t FIRST_CHUNK = 4
# a chunk grows at most this many times over the last one (timer resolution, noise)
cdef uint64_t MAX_GROWTH = 8
cdef uint64_t MAX_CHUNK = 1ULL << 40

CLOSED_MESSAGE = "the model was unloaded; call load() again"
BUSY_MESSAGE = "the model is running in another thread (run_steps or initialisation)"


cdef double now() noexcept nogil:
    """Monotonic clock, in seconds."""
    cdef timespec ts
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return ts.tv_sec + 1e-9 * ts.tv_nsec


cdef class Stepper:
    """What every backend's stepper shares: the timestep, the open/closed state and ``run_steps``.

    Not instantiated directly: each backend derives from it (see the module's docstring).
    """

    def __cinit__(self, *args, **kwargs):
        self.timestep = 0
        self._state = STEPPER_OPEN
        self._keepalive = None
        self._chunk = FIRST_CHUNK
        self._chunk_quantum = 1

    # -- implemented by each backend ------------------------------------------------------
    cdef int _step(self) noexcept nogil:
        return -1

    cdef int _run_chunk(self, uint64_t n) noexcept nogil:
        return -1

    cdef int _raise_error(self, int err) except -1:
        raise NotImplementedError(f"{type(self).__name__} does not implement stepping (error {err})")

    cdef int _release(self) noexcept:
        return 0

    # -- state ----------------------------------------------------------------------------
    cdef int _check_open(self) except -1:
        if self._state == STEPPER_OPEN:
            return 0
        raise RuntimeError(CLOSED_MESSAGE if self._state == STEPPER_CLOSED else BUSY_MESSAGE)

    cdef int _enter(self) except -1:
        """Mark the stepper busy for a call that releases the GIL (pair with _leave)."""
        self._check_open()
        self._state = STEPPER_BUSY
        return 0

    cdef void _leave(self) noexcept:
        if self._state == STEPPER_BUSY:
            self._state = STEPPER_OPEN

    @property
    def closed(self):
        """Whether ``close()`` was called (every call that runs the model then raises)."""
        return self._state == STEPPER_CLOSED

    def check_open(self):
        """Raise ``RuntimeError`` unless the stepper can run the model now."""
        self._check_open()

    # -- stepping -------------------------------------------------------------------------
    @cython.always_allow_keywords(False)  # METH_NOARGS: the cheapest call CPython has
    def step_time(self):
        """Advance the model by one step (SIMT backends: enqueue it, without waiting)."""
        cdef int err
        if self._state != STEPPER_OPEN:
            self._check_open()
        err = self._step()
        if err != 0:
            self._raise_error(err)

    def run_steps(self, uint64_t num_steps, progress=None, uint64_t chunk=0):
        """Advance ``num_steps`` steps and wait for them.

        The steps run in chunks with the GIL released; between chunks ``progress(n)`` (if
        given) is called with the steps of the chunk, and signals are handled: Ctrl-C
        raises ``KeyboardInterrupt`` within about ``CHUNK_SECONDS``, with ``timestep``
        counting the steps done.  Chunks are sized to take about ``CHUNK_SECONDS``
        (learned from the previous chunks); ``chunk`` > 0 fixes their size instead.
        """
        cdef uint64_t done = 0
        cdef uint64_t n, size, ideal
        cdef int err = 0
        cdef double start, elapsed
        self._check_open()
        size = chunk if chunk else max(self._chunk, self._chunk_quantum)
        while done < num_steps:
            # also after progress(): it may have unloaded the model
            self._check_open()
            n = min(size, num_steps - done)
            self._state = STEPPER_BUSY
            with nogil:
                start = now()
                err = self._run_chunk(n)
                elapsed = now() - start
            self._leave()
            if err != 0:
                self._raise_error(err)
            done += n
            if chunk == 0:
                # steps per CHUNK_SECONDS at this chunk's rate, grown at most MAX_GROWTH times
                if elapsed * MAX_GROWTH * size <= CHUNK_SECONDS * n:
                    ideal = size * MAX_GROWTH
                else:
                    ideal = <uint64_t>(CHUNK_SECONDS * n / elapsed)
                ideal = min(ideal, MAX_CHUNK)
                if ideal > self._chunk_quantum:
                    size = ideal - ideal % self._chunk_quantum
                else:
                    size = self._chunk_quantum
                self._chunk = size
            if progress is not None:
                progress(n)
            PyErr_CheckSignals()

    # -- closing --------------------------------------------------------------------------
    def close(self):
        """Release the model's handles and memory; every later call raises ``RuntimeError``.

        Idempotent.  Raises if the model is running in another thread, and (after releasing
        everything) if waiting for the device reported an error.
        """
        cdef int err
        if self._state == STEPPER_CLOSED:
            return
        if self._state == STEPPER_BUSY:
            raise RuntimeError(f"cannot unload: {BUSY_MESSAGE}")
        self._state = STEPPER_CLOSED
        err = self._release()
        self._keepalive = None
        if err != 0:
            self._raise_error(err)

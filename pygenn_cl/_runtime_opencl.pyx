# cython: language_level=3, boundscheck=False, wraparound=False
"""The OpenCL backend's stepper: kernels are enqueued through the OpenCL C API with the
kernel and queue handles PyOpenCL created; only the timestep argument changes per step."""
from libc.stdint cimport uint64_t, uintptr_t
from libc.stdlib cimport malloc, free
from posix.dlfcn cimport dlopen, dlsym, dlclose, dlerror, RTLD_NOW, RTLD_LOCAL

from pygenn_cl._runtime cimport Stepper, STEPPER_OPEN

ctypedef int (*cl_set_kernel_arg_fn)(void*, unsigned int, size_t, const void*) noexcept nogil
ctypedef int (*cl_enqueue_ndrange_fn)(void*, void*, unsigned int, const size_t*, const size_t*,
                                      const size_t*, unsigned int, const void*, void*) noexcept nogil
ctypedef int (*cl_queue_fn)(void*) noexcept nogil
ctypedef int (*cl_profiling_info_fn)(void*, unsigned int, size_t, void*, size_t*) noexcept nogil

cdef enum:
    MAX_STEP_KERNELS = 8
    # the queue is flushed every FLUSH_EVERY enqueued steps and finished every FINISH_EVERY,
    # so that it cannot grow without bound
    FLUSH_EVERY = 64
    FINISH_EVERY = 4096
    CL_PROFILING_COMMAND_START = 0x1282
    CL_PROFILING_COMMAND_END = 0x1283


cdef void* _symbol(void* handle, str name) except NULL:
    cdef void* sym = dlsym(handle, name.encode())
    if sym == NULL:
        raise RuntimeError(f"the OpenCL library has no entry point '{name}'")
    return sym


def error_name(int err):
    """The name of OpenCL status code ``err`` (``CL_OUT_OF_RESOURCES``), from PyOpenCL's table."""
    try:
        import pyopencl
        for name, value in vars(pyopencl.status_code).items():
            if value == err and not name.startswith("_"):
                return f"CL_{name}"
    except ImportError:
        pass
    return "an unknown OpenCL error"


cdef class OpenCLStepper(Stepper):
    """Enqueues a model's per-step kernels with no Python per kernel and no host sync per step.

    Parameters
    ----------
    opencl_library : str
        Path of the OpenCL ICD loader PyOpenCL uses.
    queue : pyopencl.CommandQueue
        The queue (its ``int_ptr`` is used); held until ``close()``.
    kernels : list of pyopencl.Kernel
        The step's kernels, in launch order; argument 0 (the arena) and any from 2 on
        must already be set.  Held until ``close()``.
    global_sizes : list of int
    local_size : int
    keepalive : object
        The other Python objects the kernels use (the arena's buffers, the program):
        held until ``close()``.
    timing : bool
        Measure each step kernel with OpenCL profiling events (the queue must have been created
        with profiling enabled): each launch gets an event, read (start to end of the
        kernel's execution) and released whenever the queue is finished, so the host never
        waits per kernel.
    """

    cdef void* _lib
    cdef cl_set_kernel_arg_fn _set_arg
    cdef cl_enqueue_ndrange_fn _enqueue
    cdef cl_queue_fn _flush
    cdef cl_queue_fn _finish
    cdef void* _queue
    cdef void* _kernels[MAX_STEP_KERNELS]
    cdef size_t _global[MAX_STEP_KERNELS]
    cdef size_t _local
    cdef int _num_kernels
    cdef uint64_t _unflushed
    cdef bint _timing
    cdef double _kernel_seconds[MAX_STEP_KERNELS]
    cdef const char* _failed  # the OpenCL call that returned the last error
    cdef cl_profiling_info_fn _profiling_info
    cdef cl_queue_fn _release_event
    cdef void** _events       # timing: the events of launches not yet read, and their kernels
    cdef int* _event_kernel
    cdef size_t _num_events
    cdef size_t _max_events

    def __cinit__(self, str opencl_library, object queue, list kernels, list global_sizes,
                  size_t local_size, object keepalive, bint timing=False):
        self._lib = NULL
        self._events = NULL
        self._event_kernel = NULL
        self._num_events = 0
        self._max_events = 0
        if len(kernels) > MAX_STEP_KERNELS:
            raise ValueError("too many step kernels")
        if len(global_sizes) != len(kernels):
            raise ValueError("one global size per kernel is needed")
        self._keepalive = (queue, kernels, keepalive)
        self._queue = <void*><uintptr_t>queue.int_ptr
        self._num_kernels = len(kernels)
        for i in range(self._num_kernels):
            self._kernels[i] = <void*><uintptr_t>kernels[i].int_ptr
            self._global[i] = global_sizes[i]
        self._local = local_size
        self._unflushed = 0
        self._timing = timing
        self._failed = ""
        for i in range(MAX_STEP_KERNELS):
            self._kernel_seconds[i] = 0.0
        self._lib = dlopen(opencl_library.encode(), RTLD_NOW | RTLD_LOCAL)
        if self._lib == NULL:
            raise RuntimeError(f"cannot open the OpenCL library {opencl_library}: {(<bytes>dlerror()).decode()}")
        self._set_arg = <cl_set_kernel_arg_fn>_symbol(self._lib, "clSetKernelArg")
        self._enqueue = <cl_enqueue_ndrange_fn>_symbol(self._lib, "clEnqueueNDRangeKernel")
        self._flush = <cl_queue_fn>_symbol(self._lib, "clFlush")
        self._finish = <cl_queue_fn>_symbol(self._lib, "clFinish")
        self._profiling_info = <cl_profiling_info_fn>_symbol(self._lib, "clGetEventProfilingInfo")
        self._release_event = <cl_queue_fn>_symbol(self._lib, "clReleaseEvent")
        if timing:
            # every launch of FINISH_EVERY steps: the queue is finished (and they are read) by then
            self._max_events = FINISH_EVERY * MAX_STEP_KERNELS
            self._events = <void**>malloc(self._max_events * sizeof(void*))
            self._event_kernel = <int*>malloc(self._max_events * sizeof(int))
            if self._events == NULL or self._event_kernel == NULL:
                raise MemoryError("no memory for the timing events")

    cdef int _step(self) noexcept nogil:
        cdef int i, err
        cdef void** event = NULL
        for i in range(self._num_kernels):
            err = self._set_arg(self._kernels[i], 1, sizeof(uint64_t), &self.timestep)
            if err != 0:
                self._failed = "clSetKernelArg"
                return err
            if self._timing:  # profiling: an event per launch, read when the queue is finished
                if self._num_events == self._max_events:
                    err = self._finish_queue()
                    if err != 0:
                        return err
                event = &self._events[self._num_events]
                event[0] = NULL
            err = self._enqueue(self._queue, self._kernels[i], 1, NULL, &self._global[i], &self._local,
                                0, NULL, event)
            if err != 0:
                self._failed = "clEnqueueNDRangeKernel"
                return err
            if self._timing:
                self._event_kernel[self._num_events] = i
                self._num_events += 1
        self.timestep += 1
        self._unflushed += 1
        if self._unflushed % FLUSH_EVERY == 0:
            err = self._flush(self._queue)
            if err != 0:
                self._failed = "clFlush"
                return err
        if self._unflushed >= FINISH_EVERY:  # keeps the queue from growing without bound
            self._unflushed = 0
            return self._finish_queue()
        return 0

    cdef int _finish_queue(self) noexcept nogil:
        cdef int err = self._finish(self._queue)
        if err != 0:
            self._failed = "clFinish"
            return err
        return self._read_events()

    cdef int _read_events(self) noexcept nogil:
        """Add the execution time of every finished launch's event to its kernel, and release them."""
        cdef size_t j
        cdef unsigned long long start, end
        cdef int err = 0, e
        for j in range(self._num_events):
            if err == 0:
                e = self._profiling_info(self._events[j], CL_PROFILING_COMMAND_START, sizeof(start), &start, NULL)
                if e == 0:
                    e = self._profiling_info(self._events[j], CL_PROFILING_COMMAND_END, sizeof(end), &end, NULL)
                if e == 0:
                    self._kernel_seconds[self._event_kernel[j]] += 1e-9 * <double>(end - start)
                else:
                    err = e
                    self._failed = "clGetEventProfilingInfo"
            self._release_event(self._events[j])
        self._num_events = 0
        return err

    cdef int _run_chunk(self, uint64_t n) noexcept nogil:
        cdef uint64_t k
        cdef int err
        for k in range(n):
            err = self._step()
            if err != 0:
                self._finish(self._queue)  # the steps enqueued before the error complete
                return err
        self._unflushed = 0
        return self._finish_queue()

    cdef int _raise_error(self, int err) except -1:
        raise RuntimeError(f"OpenCL call {(<bytes>self._failed).decode()} failed with {error_name(err)} ({err}) "
                           "while running the model's kernels")

    def kernel_seconds(self):
        """Seconds each step kernel ran on the device (measured only when timing is enabled;
        waits for the enqueued steps first)."""
        if self._timing and self._num_events and self._state == STEPPER_OPEN:
            self.finish()
        return [self._kernel_seconds[i] for i in range(self._num_kernels)]

    def finish(self):
        """Wait for every enqueued step."""
        cdef int err
        self._enter()
        with nogil:
            err = self._finish_queue()
        self._leave()
        if err != 0:
            self._raise_error(err)

    cdef int _release(self) noexcept:
        cdef int err = 0
        if self._lib != NULL:
            err = self._finish_queue()
            if err != 0:  # the events are released all the same
                self._read_events()
            dlclose(self._lib)
            self._lib = NULL
        free(self._events)
        free(self._event_kernel)
        self._events = NULL
        self._event_kernel = NULL
        return err

    def __dealloc__(self):
        self._release()

# cython: language_level=3, boundscheck=False, wraparound=False
"""Cython runtime: calls a generated model's entry points with no Python in between.

:class:`SharedLibraryModel` opens a compiled model library (C backend) with
``dlopen`` and keeps C function pointers to its entry points, so that
``step_time()`` is one C call and ``run_steps(n)`` loops in C with the GIL
released.
"""
from libc.stdint cimport uint64_t, uintptr_t
from posix.time cimport clock_gettime, timespec, CLOCK_MONOTONIC
from posix.dlfcn cimport dlopen, dlsym, dlclose, dlerror, RTLD_NOW, RTLD_LOCAL

ctypedef void (*step_fn)(char*, uint64_t) noexcept nogil
ctypedef void (*run_fn)(char*, uint64_t, uint64_t) noexcept nogil
ctypedef void (*void_fn)(char*) noexcept nogil
ctypedef void (*custom_update_fn)(char*, unsigned int, uint64_t) noexcept nogil


cdef void* _symbol(void* handle, str name) except NULL:
    cdef void* sym = dlsym(handle, name.encode())
    if sym == NULL:
        raise RuntimeError(f"generated model library has no entry point '{name}'")
    return sym


cdef class SharedLibraryModel:
    """A loaded model library and its step counter.

    Parameters
    ----------
    path : str
        Path of the compiled shared library.
    arena_address : int
        Address of the model's memory (kept alive by the caller).
    """

    cdef void* _handle
    cdef step_fn _step
    cdef run_fn _run
    cdef void_fn _initialize
    cdef void_fn _initialize_sparse
    cdef custom_update_fn _custom_update
    cdef char* _arena
    cdef public uint64_t timestep

    def __cinit__(self, str path, uintptr_t arena_address):
        self._handle = dlopen(path.encode(), RTLD_NOW | RTLD_LOCAL)
        if self._handle == NULL:
            raise RuntimeError(f"cannot load model library {path}: {(<bytes>dlerror()).decode()}")
        self._step = <step_fn>_symbol(self._handle, "genn_step_time")
        self._run = <run_fn>_symbol(self._handle, "genn_run_steps")
        self._initialize = <void_fn>_symbol(self._handle, "genn_initialize")
        self._initialize_sparse = <void_fn>_symbol(self._handle, "genn_initialize_sparse")
        self._custom_update = <custom_update_fn>_symbol(self._handle, "genn_custom_update")
        self._arena = <char*>arena_address
        self.timestep = 0

    def step_time(self):
        """Advance the model by one step."""
        self._step(self._arena, self.timestep)
        self.timestep += 1

    def run_steps(self, uint64_t num_steps, progress=None, uint64_t chunk=0):
        """Advance ``num_steps`` steps in C; ``progress`` is an optional callable(n_done)."""
        cdef uint64_t done = 0
        cdef uint64_t n
        if chunk == 0:
            chunk = num_steps if progress is None else max(num_steps // 100, <uint64_t>1)
        while done < num_steps:
            n = min(chunk, num_steps - done)
            with nogil:
                self._run(self._arena, self.timestep, n)
            self.timestep += n
            done += n
            if progress is not None:
                progress(n)

    def initialize(self):
        with nogil:
            self._initialize(self._arena)

    def initialize_sparse(self):
        with nogil:
            self._initialize_sparse(self._arena)

    def custom_update(self, unsigned int group):
        """Run custom update group ``group`` at the current timestep."""
        with nogil:
            self._custom_update(self._arena, group, self.timestep)

    def close(self):
        if self._handle != NULL:
            dlclose(self._handle)
            self._handle = NULL

    def __dealloc__(self):
        self.close()


# ---------------------------------------------------------------------------
# OpenCL: kernels are enqueued through the OpenCL C API with the kernel and
# queue handles PyOpenCL created; only the timestep argument changes per step.
# ---------------------------------------------------------------------------
ctypedef int (*cl_set_kernel_arg_fn)(void*, unsigned int, size_t, const void*) noexcept nogil
ctypedef int (*cl_enqueue_ndrange_fn)(void*, void*, unsigned int, const size_t*, const size_t*,
                                      const size_t*, unsigned int, const void*, void*) noexcept nogil
ctypedef int (*cl_queue_fn)(void*) noexcept nogil

DEF MAX_STEP_KERNELS = 8
DEF FLUSH_EVERY = 64
DEF FINISH_EVERY = 4096


cdef class OpenCLStepper:
    """Enqueues a model's per-step kernels with no Python per kernel and no host sync per step.

    Parameters
    ----------
    opencl_library : str
        Path of the OpenCL ICD loader PyOpenCL uses.
    queue : int
        ``cl_command_queue`` handle (``queue.int_ptr``).
    kernels : list of int
        ``cl_kernel`` handles of the step's kernels, in launch order; argument 0
        (the arena) must already be set.
    global_sizes : list of int
    local_size : int
    keepalive : object
        Python objects owning the handles.
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
    cdef object _keepalive
    cdef bint _timing
    cdef double _kernel_seconds[MAX_STEP_KERNELS]
    cdef public uint64_t timestep

    def __cinit__(self, str opencl_library, uintptr_t queue, list kernels, list global_sizes,
                  size_t local_size, object keepalive, bint timing=False):
        if len(kernels) > MAX_STEP_KERNELS:
            raise ValueError("too many step kernels")
        self._lib = dlopen(opencl_library.encode(), RTLD_NOW | RTLD_LOCAL)
        if self._lib == NULL:
            raise RuntimeError(f"cannot open the OpenCL library {opencl_library}: {(<bytes>dlerror()).decode()}")
        self._set_arg = <cl_set_kernel_arg_fn>_symbol(self._lib, "clSetKernelArg")
        self._enqueue = <cl_enqueue_ndrange_fn>_symbol(self._lib, "clEnqueueNDRangeKernel")
        self._flush = <cl_queue_fn>_symbol(self._lib, "clFlush")
        self._finish = <cl_queue_fn>_symbol(self._lib, "clFinish")
        self._queue = <void*>queue
        self._num_kernels = len(kernels)
        for i in range(self._num_kernels):
            self._kernels[i] = <void*><uintptr_t>kernels[i]
            self._global[i] = global_sizes[i]
        self._local = local_size
        self._keepalive = keepalive
        self._unflushed = 0
        self._timing = timing
        for i in range(MAX_STEP_KERNELS):
            self._kernel_seconds[i] = 0.0
        self.timestep = 0

    cdef int _enqueue_step(self) noexcept nogil:
        cdef int i, err
        cdef double start = 0.0
        for i in range(self._num_kernels):
            err = self._set_arg(self._kernels[i], 1, sizeof(uint64_t), &self.timestep)
            if err != 0:
                return err
            if self._timing:  # profiling only: waits for each kernel
                start = _now()
            err = self._enqueue(self._queue, self._kernels[i], 1, NULL, &self._global[i], &self._local,
                                0, NULL, NULL)
            if err != 0:
                return err
            if self._timing:
                err = self._finish(self._queue)
                self._kernel_seconds[i] += _now() - start
                if err != 0:
                    return err
        self.timestep += 1
        self._unflushed += 1
        if self._unflushed % FLUSH_EVERY == 0:
            self._flush(self._queue)
        if self._unflushed >= FINISH_EVERY:  # keeps the queue from growing without bound
            self._unflushed = 0
            return self._finish(self._queue)
        return 0

    def step_time(self):
        """Enqueue one step (returns without waiting for the device)."""
        cdef int err = self._enqueue_step()
        if err != 0:
            _raise_cl(err)

    def run_steps(self, uint64_t num_steps, progress=None, uint64_t chunk=0):
        cdef uint64_t done = 0
        cdef uint64_t n, k
        cdef int err = 0
        if chunk == 0:
            chunk = num_steps if progress is None else max(num_steps // 100, <uint64_t>1)
        while done < num_steps:
            n = min(chunk, num_steps - done)
            with nogil:
                for k in range(n):
                    err = self._enqueue_step()
                    if err != 0:
                        break
                if err == 0:
                    err = self._finish(self._queue)
            if err != 0:
                _raise_cl(err)
            done += n
            if progress is not None:
                progress(n)

    def kernel_seconds(self):
        """Seconds spent in each step kernel (measured only when timing is enabled)."""
        return [self._kernel_seconds[i] for i in range(self._num_kernels)]

    def finish(self):
        cdef int err
        with nogil:
            err = self._finish(self._queue)
        if err != 0:
            _raise_cl(err)

    def close(self):
        if self._lib != NULL:
            self._finish(self._queue)
            dlclose(self._lib)
            self._lib = NULL
        self._keepalive = None

    def __dealloc__(self):
        if self._lib != NULL:
            dlclose(self._lib)
            self._lib = NULL


cdef inline double _now() noexcept nogil:
    cdef timespec ts
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return ts.tv_sec + 1e-9 * ts.tv_nsec


_CL_ERRORS = {-4: "CL_MEM_OBJECT_ALLOCATION_FAILURE (out of device memory)",
              -5: "CL_OUT_OF_RESOURCES", -6: "CL_OUT_OF_HOST_MEMORY",
              -36: "CL_INVALID_COMMAND_QUEUE", -48: "CL_INVALID_KERNEL", -52: "CL_INVALID_KERNEL_ARGS",
              -54: "CL_INVALID_WORK_GROUP_SIZE"}


def _raise_cl(int err):
    raise RuntimeError(f"OpenCL error {err} ({_CL_ERRORS.get(err, 'see the OpenCL error codes')}) "
                       "while running the model's step kernels")

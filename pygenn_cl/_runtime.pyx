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


# ---------------------------------------------------------------------------
# CUDA: the compiled module (cubin) is loaded and its kernels launched through
# the CUDA driver API (libcuda, opened with dlopen), in the CUDA context PyCUDA
# made.  Each call pushes that context and pops it again, so several loaded
# models, and other CUDA users in the process, do not disturb each other.
# ---------------------------------------------------------------------------
ctypedef int (*cu_module_load_data_fn)(void**, const void*) noexcept nogil
ctypedef int (*cu_module_get_function_fn)(void**, void*, const char*) noexcept nogil
ctypedef int (*cu_module_unload_fn)(void*) noexcept nogil
ctypedef int (*cu_launch_kernel_fn)(void*, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int,
                                    unsigned int, unsigned int, void*, void**, void**) noexcept nogil
ctypedef int (*cu_void_fn)() noexcept nogil
ctypedef int (*cu_handle_fn)(void*) noexcept nogil
ctypedef int (*cu_ctx_pop_fn)(void**) noexcept nogil
ctypedef int (*cu_stream_create_fn)(void**, unsigned int) noexcept nogil
ctypedef int (*cu_begin_capture_v2_fn)(void*, int) noexcept nogil
ctypedef int (*cu_end_capture_fn)(void*, void**) noexcept nogil
ctypedef int (*cu_instantiate_flags_fn)(void**, void*, unsigned long long) noexcept nogil
ctypedef int (*cu_instantiate_v1_fn)(void**, void*, void**, char*, size_t) noexcept nogil
ctypedef int (*cu_graph_launch_fn)(void*, void*) noexcept nogil
ctypedef int (*cu_get_error_name_fn)(int, const char**) noexcept nogil

DEF MAX_CUDA_KERNELS = 64
DEF CU_STREAM_CAPTURE_MODE_THREAD_LOCAL = 1


cdef void* _cu_symbol(void* handle, str name, bint required=True) except? NULL:
    cdef void* sym = dlsym(handle, name.encode())
    if sym == NULL and required:
        raise RuntimeError(f"the CUDA driver library has no '{name}'; the NVIDIA driver is too old")
    return sym


cdef class CUDAStepper:
    """Launches a model's kernels through the CUDA driver API with no Python per kernel.

    Parameters
    ----------
    cuda_library : str
        The CUDA driver library (``libcuda.so.1``).
    context : int
        ``CUcontext`` handle (PyCUDA's ``Context.handle``); it must outlive the stepper.
    cubin : bytes
        The compiled module.
    arena : int
        Device address of the model's arena.
    names : list of str
        Every kernel of the module that has work, with ``sizes`` (threads, a multiple of ``block``).
    step_names : list of str
        The kernels of one step, in launch order.
    block : int
        Threads per block.
    timing : bool
        Measure each step kernel (waits for each one).
    graph_steps : int
        Steps per CUDA graph in ``run_steps`` (0: plain launches).
    """

    cdef void* _lib
    cdef void* _ctx
    cdef void* _module
    cdef void* _stream
    cdef cu_module_load_data_fn _load_data
    cdef cu_module_get_function_fn _get_function
    cdef cu_module_unload_fn _unload
    cdef cu_launch_kernel_fn _launch
    cdef cu_handle_fn _push
    cdef cu_ctx_pop_fn _pop
    cdef cu_handle_fn _stream_sync
    cdef cu_handle_fn _stream_destroy
    cdef cu_begin_capture_v2_fn _begin_capture_v2
    cdef cu_handle_fn _begin_capture_v1
    cdef cu_end_capture_fn _end_capture
    cdef cu_instantiate_flags_fn _instantiate_flags
    cdef cu_instantiate_v1_fn _instantiate_v1
    cdef cu_graph_launch_fn _graph_launch
    cdef cu_handle_fn _graph_exec_destroy
    cdef cu_handle_fn _graph_destroy
    cdef cu_get_error_name_fn _error_name
    cdef void* _functions[MAX_CUDA_KERNELS]
    cdef unsigned int _grid[MAX_CUDA_KERNELS]
    cdef int _step[MAX_CUDA_KERNELS]
    cdef int _num_step
    cdef unsigned int _block
    cdef unsigned long long _arena
    cdef uint64_t _param_timestep
    cdef bint _timing
    cdef uint64_t _graph_steps
    cdef double _kernel_seconds[MAX_CUDA_KERNELS]
    cdef dict _index
    cdef public uint64_t timestep

    def __cinit__(self, str cuda_library, uintptr_t context, bytes cubin, unsigned long long arena, list names,
                  list sizes, list step_names, unsigned int block, bint timing=False, uint64_t graph_steps=0):
        cdef int err
        cdef const char* image = cubin
        cdef bytes name
        self._lib = NULL
        self._module = NULL
        self._stream = NULL
        if len(names) > MAX_CUDA_KERNELS:
            raise ValueError(f"too many kernels ({len(names)} > {MAX_CUDA_KERNELS})")
        self._lib = dlopen(cuda_library.encode(), RTLD_NOW | RTLD_LOCAL)
        if self._lib == NULL:
            raise RuntimeError(f"cannot open the CUDA driver library {cuda_library}: {(<bytes>dlerror()).decode()}")
        self._load_data = <cu_module_load_data_fn>_cu_symbol(self._lib, "cuModuleLoadData")
        self._get_function = <cu_module_get_function_fn>_cu_symbol(self._lib, "cuModuleGetFunction")
        self._unload = <cu_module_unload_fn>_cu_symbol(self._lib, "cuModuleUnload")
        self._launch = <cu_launch_kernel_fn>_cu_symbol(self._lib, "cuLaunchKernel")
        self._push = <cu_handle_fn>_cu_symbol(self._lib, "cuCtxPushCurrent_v2")
        self._pop = <cu_ctx_pop_fn>_cu_symbol(self._lib, "cuCtxPopCurrent_v2")
        self._stream_sync = <cu_handle_fn>_cu_symbol(self._lib, "cuStreamSynchronize")
        self._stream_destroy = <cu_handle_fn>_cu_symbol(self._lib, "cuStreamDestroy_v2")
        self._begin_capture_v2 = <cu_begin_capture_v2_fn>_cu_symbol(self._lib, "cuStreamBeginCapture_v2", False)
        self._begin_capture_v1 = <cu_handle_fn>_cu_symbol(self._lib, "cuStreamBeginCapture", False)
        self._end_capture = <cu_end_capture_fn>_cu_symbol(self._lib, "cuStreamEndCapture", False)
        self._instantiate_flags = <cu_instantiate_flags_fn>_cu_symbol(self._lib, "cuGraphInstantiateWithFlags", False)
        self._instantiate_v1 = <cu_instantiate_v1_fn>_cu_symbol(self._lib, "cuGraphInstantiate", False)
        self._graph_launch = <cu_graph_launch_fn>_cu_symbol(self._lib, "cuGraphLaunch", False)
        self._graph_exec_destroy = <cu_handle_fn>_cu_symbol(self._lib, "cuGraphExecDestroy", False)
        self._graph_destroy = <cu_handle_fn>_cu_symbol(self._lib, "cuGraphDestroy", False)
        self._error_name = <cu_get_error_name_fn>_cu_symbol(self._lib, "cuGetErrorName", False)
        cdef cu_stream_create_fn stream_create = <cu_stream_create_fn>_cu_symbol(self._lib, "cuStreamCreate")
        graphs_ok = (self._begin_capture_v2 != NULL or self._begin_capture_v1 != NULL) and \
            self._end_capture != NULL and self._graph_launch != NULL and self._graph_exec_destroy != NULL and \
            self._graph_destroy != NULL and (self._instantiate_flags != NULL or self._instantiate_v1 != NULL)
        self._graph_steps = graph_steps if graphs_ok else 0
        self._ctx = <void*>context
        self._arena = arena
        self._block = block
        self._timing = timing
        self._index = {}
        for i in range(MAX_CUDA_KERNELS):
            self._kernel_seconds[i] = 0.0
        self.timestep = 0
        self._check(self._push(self._ctx), "cuCtxPushCurrent")
        try:
            # flags 0: a blocking stream, ordered with PyCUDA's copies on the legacy default stream
            self._check(stream_create(&self._stream, 0), "cuStreamCreate")
            self._check(self._load_data(&self._module, image), "cuModuleLoadData")
            for i, kernel in enumerate(names):
                name = kernel.encode()
                self._check(self._get_function(&self._functions[i], self._module, name),
                            f"cuModuleGetFunction('{kernel}')")
                if sizes[i] % block:
                    raise ValueError(f"kernel '{kernel}': {sizes[i]} threads is not a multiple of the block size")
                self._grid[i] = sizes[i] // block
                self._index[kernel] = i
        finally:
            self._pop_context()
        self._num_step = len(step_names)
        for i, kernel in enumerate(step_names):
            self._step[i] = self._index[kernel]

    # -- errors ------------------------------------------------------------------------
    cdef str _describe(self, int err):
        cdef const char* text = NULL
        if self._error_name != NULL and self._error_name(err, &text) == 0 and text != NULL:
            return f"{(<bytes>text).decode()} ({err})"
        return f"CUresult {err}"

    cdef int _check(self, int err, str call) except -1:
        if err != 0:
            hint = " (out of device memory)" if err == 2 else \
                " (the model's kernels faulted; rerun with debug_code=True and compute-sanitizer)" if err in (700, 719) \
                else ""
            raise RuntimeError(f"CUDA driver call {call} failed: {self._describe(err)}{hint}")
        return 0

    cdef void _pop_context(self) noexcept:
        cdef void* popped = NULL
        self._pop(&popped)

    # -- launching ---------------------------------------------------------------------
    cdef int _launch_one(self, int k, uint64_t timestep) noexcept nogil:
        cdef void* params[2]
        self._param_timestep = timestep
        params[0] = &self._arena
        params[1] = &self._param_timestep
        # parameters are copied at launch (and at capture), so reusing the slots is safe
        return self._launch(self._functions[k], self._grid[k], 1, 1, self._block, 1, 1, 0, self._stream,
                            params, NULL)

    cdef int _launch_step(self, const char** failed) noexcept nogil:
        cdef int i, err
        cdef double start = 0.0
        for i in range(self._num_step):
            if self._timing:  # profiling only: waits for each kernel
                start = _now()
            err = self._launch_one(self._step[i], self.timestep)
            if err != 0:
                failed[0] = "cuLaunchKernel"
                return err
            if self._timing:
                err = self._stream_sync(self._stream)
                self._kernel_seconds[i] += _now() - start
                if err != 0:
                    failed[0] = "cuStreamSynchronize"
                    return err
        self.timestep += 1
        return 0

    cdef int _run_graph(self, uint64_t n, const char** failed) noexcept nogil:
        """Capture ``n`` steps into a graph, then launch it once."""
        cdef void* graph = NULL
        cdef void* graph_exec = NULL
        cdef int err, end_err
        cdef uint64_t start = self.timestep
        cdef uint64_t k
        if self._begin_capture_v2 != NULL:
            err = self._begin_capture_v2(self._stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL)
        else:
            err = self._begin_capture_v1(self._stream)
        if err != 0:
            failed[0] = "cuStreamBeginCapture"
            return err
        for k in range(n):
            err = self._launch_step(failed)
            if err != 0:
                break
        end_err = self._end_capture(self._stream, &graph)
        self.timestep = start
        if err == 0 and end_err != 0:
            failed[0] = "cuStreamEndCapture"
            err = end_err
        if err == 0:
            if self._instantiate_flags != NULL:
                err = self._instantiate_flags(&graph_exec, graph, 0)
            else:
                err = self._instantiate_v1(&graph_exec, graph, NULL, NULL, 0)
            if err != 0:
                failed[0] = "cuGraphInstantiate"
        if err == 0:
            err = self._graph_launch(graph_exec, self._stream)
            if err != 0:
                failed[0] = "cuGraphLaunch"
            else:
                self.timestep = start + n
        if graph_exec != NULL:
            self._graph_exec_destroy(graph_exec)  # released once the launch completes
        if graph != NULL:
            self._graph_destroy(graph)
        return err

    def step_time(self):
        """Launch one step's kernels (returns without waiting for the device)."""
        cdef const char* failed = NULL
        cdef int err
        self._check(self._push(self._ctx), "cuCtxPushCurrent")
        err = self._launch_step(&failed)
        self._pop_context()
        if err != 0:
            self._check(err, (<bytes>failed).decode())

    def run_steps(self, uint64_t num_steps, progress=None, uint64_t chunk=0):
        """Run ``num_steps`` steps and wait for them; ``progress`` is an optional callable(n_done)."""
        cdef uint64_t done = 0
        cdef uint64_t n, k, block
        cdef const char* failed = NULL
        cdef int err = 0
        if chunk == 0:
            chunk = num_steps if progress is None else max(num_steps // 100, <uint64_t>1)
        self._check(self._push(self._ctx), "cuCtxPushCurrent")
        try:
            while done < num_steps:
                n = min(chunk, num_steps - done)
                with nogil:
                    k = 0
                    while k < n and err == 0:
                        if self._graph_steps > 1 and self._num_step > 0 and not self._timing and n - k >= 2:
                            block = min(self._graph_steps, n - k)
                            err = self._run_graph(block, &failed)
                            k += block
                        else:
                            err = self._launch_step(&failed)
                            k += 1
                    if err == 0:
                        err = self._stream_sync(self._stream)
                        if err != 0:
                            failed = "cuStreamSynchronize"
                if err != 0:
                    self._check(err, (<bytes>failed).decode())
                done += n
                if progress is not None:
                    progress(n)
        finally:
            self._pop_context()

    def launch(self, str name, uint64_t timestep, bint wait=True):
        """Launch kernel ``name`` (if it has work) at ``timestep``; ``wait`` for it to finish."""
        cdef int k
        cdef int err = 0
        index = self._index.get(name)
        if index is None:
            return
        k = index
        self._check(self._push(self._ctx), "cuCtxPushCurrent")
        try:
            self._check(self._launch_one(k, timestep), f"cuLaunchKernel('{name}')")
            if wait:
                with nogil:
                    err = self._stream_sync(self._stream)
                self._check(err, f"cuStreamSynchronize (after '{name}')")
        finally:
            self._pop_context()

    def synchronize(self):
        """Wait for every launched kernel."""
        cdef int err
        if self._stream == NULL:
            return
        self._check(self._push(self._ctx), "cuCtxPushCurrent")
        with nogil:
            err = self._stream_sync(self._stream)
        self._pop_context()
        self._check(err, "cuStreamSynchronize")

    def kernel_seconds(self):
        """Seconds spent in each step kernel (measured only when timing is enabled)."""
        return [self._kernel_seconds[i] for i in range(self._num_step)]

    @property
    def uses_graphs(self):
        return self._graph_steps > 1

    def close(self):
        """Wait for the device, then unload the module and destroy the stream (the context stays)."""
        if self._lib == NULL:
            return
        if self._push(self._ctx) == 0:
            if self._stream != NULL:
                self._stream_sync(self._stream)
                self._stream_destroy(self._stream)
                self._stream = NULL
            if self._module != NULL:
                self._unload(self._module)
                self._module = NULL
            self._pop_context()
        dlclose(self._lib)
        self._lib = NULL

    def __dealloc__(self):
        self.close()

# cython: language_level=3, boundscheck=False, wraparound=False
"""The CUDA backend's stepper.

The compiled module (cubin) is loaded and its kernels launched through the CUDA driver
API (libcuda, opened with dlopen), in the CUDA context PyCUDA made.  Each call pushes
that context and pops it again, so several loaded models, and other CUDA users in the
process, do not disturb each other.
"""
from libc.stdint cimport uint64_t, uintptr_t
from posix.dlfcn cimport dlopen, dlsym, dlclose, dlerror, RTLD_NOW, RTLD_LOCAL

from pygenn_cl._runtime cimport Stepper, STEPPER_OPEN

ctypedef int (*cu_module_load_data_fn)(void**, const void*) noexcept nogil
ctypedef int (*cu_module_get_function_fn)(void**, void*, const char*) noexcept nogil
ctypedef int (*cu_module_unload_fn)(void*) noexcept nogil
ctypedef int (*cu_launch_kernel_fn)(void*, unsigned int, unsigned int, unsigned int, unsigned int, unsigned int,
                                    unsigned int, unsigned int, void*, void**, void**) noexcept nogil
ctypedef int (*cu_handle_fn)(void*) noexcept nogil
ctypedef int (*cu_ctx_pop_fn)(void**) noexcept nogil
ctypedef int (*cu_stream_create_fn)(void**, unsigned int) noexcept nogil
ctypedef int (*cu_begin_capture_v2_fn)(void*, int) noexcept nogil
ctypedef int (*cu_end_capture_fn)(void*, void**) noexcept nogil
ctypedef int (*cu_instantiate_flags_fn)(void**, void*, unsigned long long) noexcept nogil
ctypedef int (*cu_instantiate_v1_fn)(void**, void*, void**, char*, size_t) noexcept nogil
ctypedef int (*cu_graph_launch_fn)(void*, void*) noexcept nogil
ctypedef int (*cu_get_error_name_fn)(int, const char**) noexcept nogil
ctypedef int (*cu_memset_d32_async_fn)(unsigned long long, unsigned int, size_t, void*) noexcept nogil
ctypedef int (*cu_event_create_fn)(void**, unsigned int) noexcept nogil
ctypedef int (*cu_event_record_fn)(void*, void*) noexcept nogil
ctypedef int (*cu_event_elapsed_fn)(float*, void*, void*) noexcept nogil

from pygenn_cl.codegen.arena import TIMESTEP_BASE as TIMESTEP_BASE_WORD

cdef enum:
    MAX_CUDA_KERNELS = 64
    # timing: events of this many launches are recorded before the stream is waited for and read
    MAX_TIMED_LAUNCHES = 1024
    CU_STREAM_CAPTURE_MODE_THREAD_LOCAL = 1
    CUDA_ERROR_OUT_OF_MEMORY = 2
    CUDA_ERROR_ILLEGAL_ADDRESS = 700
    CUDA_ERROR_LAUNCH_FAILED = 719


cdef void* _cu_symbol(void* handle, str name, bint required=True) except? NULL:
    cdef void* sym = dlsym(handle, name.encode())
    if sym == NULL and required:
        raise RuntimeError(f"the CUDA driver library has no '{name}'; the NVIDIA driver is too old")
    return sym


cdef class CUDAStepper(Stepper):
    """Launches a model's kernels through the CUDA driver API with no Python per kernel.

    Parameters
    ----------
    cuda_library : str
        The CUDA driver library (``libcuda.so.1``).
    context : int
        ``CUcontext`` handle (``cuda_driver.PrimaryContext.handle``).
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
        Measure each step kernel with a pair of CUDA events around its launch, read (and the
        events reused) whenever the stream is waited for: at the end of a chunk of
        ``run_steps``, in ``synchronize()`` and ``kernel_seconds()``, or after
        ``MAX_TIMED_LAUNCHES`` launches; the host never waits per kernel.
    graph_steps : int
        Steps per CUDA graph in ``run_steps`` (0: plain launches).  The graph is captured and
        instantiated once, at its first use, and relaunched for every block of that many
        steps; fewer steps are launched plainly.
    keepalive : object
        The Python objects owning ``context`` and ``arena`` (the context reference and the
        device buffer): held until ``close()``.
    timestep_base_word : int
        The arena header word kernels add their timestep argument to
        (``codegen.arena.TIMESTEP_BASE``).
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
    cdef cu_memset_d32_async_fn _memset_d32_async
    cdef void* _graph_exec        # the instantiated graph of _graph_steps steps (NULL until first used)
    cdef uint64_t _base           # the arena's timestep base as the host last set it
    cdef unsigned long long _base_address
    cdef uint64_t _graph_launches
    cdef cu_event_record_fn _event_record
    cdef cu_event_elapsed_fn _event_elapsed
    cdef cu_handle_fn _event_destroy
    cdef void* _event_start[MAX_TIMED_LAUNCHES]
    cdef void* _event_end[MAX_TIMED_LAUNCHES]
    cdef int _timed_kernel[MAX_TIMED_LAUNCHES]
    cdef int _num_timed
    cdef int _num_events       # event pairs created (timing only)
    cdef void* _functions[MAX_CUDA_KERNELS]
    cdef unsigned int _grid[MAX_CUDA_KERNELS]
    cdef int _step_kernels[MAX_CUDA_KERNELS]
    cdef int _num_step
    cdef unsigned int _block
    cdef unsigned long long _arena
    cdef uint64_t _param_arg
    cdef bint _timing
    cdef uint64_t _graph_steps
    cdef double _kernel_seconds[MAX_CUDA_KERNELS]
    cdef dict _index
    cdef const char* _failed  # the driver call that returned the last error

    def __cinit__(self, str cuda_library, uintptr_t context, bytes cubin, unsigned long long arena, list names,
                  list sizes, list step_names, unsigned int block, bint timing=False, uint64_t graph_steps=0,
                  object keepalive=None, unsigned int timestep_base_word=TIMESTEP_BASE_WORD):
        cdef int err
        cdef const char* image = cubin
        cdef bytes name
        self._lib = NULL
        self._module = NULL
        self._stream = NULL
        self._graph_exec = NULL
        self._num_timed = 0
        self._num_events = 0
        self._base = 0
        self._graph_launches = 0
        self._base_address = arena + 8 * timestep_base_word
        self._failed = ""
        self._keepalive = keepalive
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
        self._memset_d32_async = <cu_memset_d32_async_fn>_cu_symbol(self._lib, "cuMemsetD32Async", False)
        cdef cu_stream_create_fn stream_create = <cu_stream_create_fn>_cu_symbol(self._lib, "cuStreamCreate")
        cdef cu_event_create_fn event_create = NULL
        if timing:
            event_create = <cu_event_create_fn>_cu_symbol(self._lib, "cuEventCreate")
            self._event_record = <cu_event_record_fn>_cu_symbol(self._lib, "cuEventRecord")
            self._event_elapsed = <cu_event_elapsed_fn>_cu_symbol(self._lib, "cuEventElapsedTime")
            self._event_destroy = <cu_handle_fn>_cu_symbol(self._lib, "cuEventDestroy_v2")
        graphs_ok = (self._begin_capture_v2 != NULL or self._begin_capture_v1 != NULL) and \
            self._end_capture != NULL and self._graph_launch != NULL and self._graph_exec_destroy != NULL and \
            self._graph_destroy != NULL and (self._instantiate_flags != NULL or self._instantiate_v1 != NULL) and \
            self._memset_d32_async != NULL
        self._graph_steps = graph_steps if graphs_ok else 0
        if self._graph_steps > 1:
            self._chunk_quantum = self._graph_steps  # run_steps' chunks: whole graphs
        self._ctx = <void*>context
        self._arena = arena
        self._block = block
        self._timing = timing
        self._index = {}
        for i in range(MAX_CUDA_KERNELS):
            self._kernel_seconds[i] = 0.0
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
            if timing:
                while self._num_events < MAX_TIMED_LAUNCHES:
                    self._check(event_create(&self._event_start[self._num_events], 0), "cuEventCreate")
                    err = event_create(&self._event_end[self._num_events], 0)
                    if err != 0:
                        self._event_destroy(self._event_start[self._num_events])
                        self._check(err, "cuEventCreate")
                    self._num_events += 1
        finally:
            self._pop_context()
        self._num_step = len(step_names)
        for i, kernel in enumerate(step_names):
            self._step_kernels[i] = self._index[kernel]

    # -- errors ------------------------------------------------------------------------
    cdef str _describe(self, int err):
        cdef const char* text = NULL
        if self._error_name != NULL and self._error_name(err, &text) == 0 and text != NULL:
            return f"{(<bytes>text).decode()} ({err})"
        return f"CUresult {err}"

    cdef int _check(self, int err, str call) except -1:
        if err != 0:
            hint = " (out of device memory)" if err == CUDA_ERROR_OUT_OF_MEMORY else \
                " (the model's kernels faulted; rerun with debug_code=True and compute-sanitizer)" \
                if err in (CUDA_ERROR_ILLEGAL_ADDRESS, CUDA_ERROR_LAUNCH_FAILED) else ""
            raise RuntimeError(f"CUDA driver call {call} failed: {self._describe(err)}{hint}")
        return 0

    cdef int _raise_error(self, int err) except -1:
        return self._check(err, (<bytes>self._failed).decode())

    cdef void _pop_context(self) noexcept nogil:
        cdef void* popped = NULL
        self._pop(&popped)

    cdef int _push_context(self) noexcept nogil:
        cdef int err = self._push(self._ctx)
        if err != 0:
            self._failed = "cuCtxPushCurrent"
        return err

    # -- launching ---------------------------------------------------------------------
    # A kernel's timestep is the arena's timestep base (a header word) plus its argument
    # (GENN_TIMESTEP in preamble_cuda.mako).  Plain launches pass timestep - base; the graph of
    # _graph_steps steps is captured once with arguments 0, 1, ... and relaunched after the
    # base is set to the first step's timestep (two 32-bit memsets queued before the launch).
    cdef int _launch_arg(self, int k, uint64_t arg) noexcept nogil:
        cdef void* params[2]
        self._param_arg = arg
        params[0] = &self._arena
        params[1] = &self._param_arg
        # parameters are copied at launch (and at capture), so reusing the slots is safe
        return self._launch(self._functions[k], self._grid[k], 1, 1, self._block, 1, 1, 0, self._stream,
                            params, NULL)

    cdef int _launch_one(self, int k, uint64_t timestep) noexcept nogil:
        return self._launch_arg(k, timestep - self._base)  # (mod 2^64, as the kernel adds it back)

    cdef int _launch_kernels(self, uint64_t arg) noexcept nogil:
        """The step's kernels with argument ``arg`` (no timing)."""
        cdef int i, err
        for i in range(self._num_step):
            err = self._launch_arg(self._step_kernels[i], arg)
            if err != 0:
                self._failed = "cuLaunchKernel"
                return err
        return 0

    cdef int _launch_step(self) noexcept nogil:
        """One step's kernels (the context must be current)."""
        cdef int i, j, err
        if not self._timing:
            err = self._launch_kernels(self.timestep - self._base)
            if err != 0:
                return err
            self.timestep += 1
            return 0
        for i in range(self._num_step):
            if self._num_timed == MAX_TIMED_LAUNCHES:  # every event pair is in use: read them
                err = self._sync_stream()
                if err != 0:
                    return err
            j = self._num_timed
            err = self._event_record(self._event_start[j], self._stream)
            if err == 0:
                err = self._launch_one(self._step_kernels[i], self.timestep)
                if err != 0:
                    self._failed = "cuLaunchKernel"
                    return err
                err = self._event_record(self._event_end[j], self._stream)
            if err != 0:
                self._failed = "cuEventRecord"
                return err
            self._timed_kernel[j] = i
            self._num_timed += 1
        self.timestep += 1
        return 0

    cdef int _sync_stream(self) noexcept nogil:
        """Wait for the stream, then read the timing events of the launches it ran."""
        cdef int err = self._stream_sync(self._stream)
        if err != 0:
            self._failed = "cuStreamSynchronize"
            return err
        return self._read_events()

    cdef int _read_events(self) noexcept nogil:
        cdef int j, err
        cdef float ms
        for j in range(self._num_timed):
            err = self._event_elapsed(&ms, self._event_start[j], self._event_end[j])
            if err != 0:
                self._num_timed = 0
                self._failed = "cuEventElapsedTime"
                return err
            self._kernel_seconds[self._timed_kernel[j]] += 1e-3 * <double>ms
        self._num_timed = 0
        return 0

    cdef int _capture_graph(self) noexcept nogil:
        """Capture _graph_steps steps (arguments 0, 1, ...) and instantiate them, once."""
        cdef void* graph = NULL
        cdef int err, end_err
        cdef uint64_t k
        if self._begin_capture_v2 != NULL:
            err = self._begin_capture_v2(self._stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL)
        else:
            err = self._begin_capture_v1(self._stream)
        if err != 0:
            self._failed = "cuStreamBeginCapture"
            return err
        for k in range(self._graph_steps):
            err = self._launch_kernels(k)
            if err != 0:
                break
        end_err = self._end_capture(self._stream, &graph)
        if err == 0 and end_err != 0:
            self._failed = "cuStreamEndCapture"
            err = end_err
        if err == 0:
            if self._instantiate_flags != NULL:
                err = self._instantiate_flags(&self._graph_exec, graph, 0)
            else:
                err = self._instantiate_v1(&self._graph_exec, graph, NULL, NULL, 0)
            if err != 0:
                self._failed = "cuGraphInstantiate"
                self._graph_exec = NULL
        if graph != NULL:
            self._graph_destroy(graph)  # the instantiated graph does not need it
        return err

    cdef int _run_graph(self) noexcept nogil:
        """_graph_steps steps as one launch of the instantiated graph."""
        cdef int err
        if self._graph_exec == NULL:
            err = self._capture_graph()
            if err != 0:
                return err
        err = self._memset_d32_async(self._base_address, <unsigned int>(self.timestep & 0xFFFFFFFFu), 1,
                                     self._stream)
        if err == 0:
            err = self._memset_d32_async(self._base_address + 4, <unsigned int>(self.timestep >> 32), 1,
                                         self._stream)
        if err != 0:
            self._failed = "cuMemsetD32Async"
            return err
        self._base = self.timestep
        err = self._graph_launch(self._graph_exec, self._stream)
        if err != 0:
            self._failed = "cuGraphLaunch"
            return err
        self._graph_launches += 1
        self.timestep += self._graph_steps
        return 0

    cdef int _step(self) noexcept nogil:
        cdef int err = self._push_context()
        if err != 0:
            return err
        err = self._launch_step()
        self._pop_context()
        return err

    cdef int _run_chunk(self, uint64_t n) noexcept nogil:
        cdef uint64_t k = 0
        cdef int err = self._push_context()
        if err != 0:
            return err
        while k < n and err == 0:
            if self._graph_steps > 1 and self._num_step > 0 and not self._timing and n - k >= self._graph_steps:
                err = self._run_graph()
                k += self._graph_steps
            else:
                err = self._launch_step()
                k += 1
        if err == 0:
            err = self._sync_stream()
        else:
            self._stream_sync(self._stream)  # the steps launched before the error complete
            self._num_timed = 0
        self._pop_context()
        return err

    def launch(self, str name, uint64_t timestep, bint wait=True):
        """Launch kernel ``name`` (if it has work) at ``timestep``; ``wait`` for it to finish."""
        cdef int k
        cdef int err = 0
        self._check_open()
        index = self._index.get(name)
        if index is None:
            return
        k = index
        self._check(self._push(self._ctx), "cuCtxPushCurrent")
        try:
            self._check(self._launch_one(k, timestep), f"cuLaunchKernel('{name}')")
            if wait:
                self._enter()
                with nogil:
                    err = self._stream_sync(self._stream)
                self._leave()
                self._check(err, f"cuStreamSynchronize (after '{name}')")
        finally:
            self._pop_context()

    def synchronize(self):
        """Wait for every launched kernel."""
        cdef int err
        self._enter()
        with nogil:
            err = self._push_context()
            if err == 0:
                err = self._sync_stream()
                self._pop_context()
        self._leave()
        if err != 0:
            self._raise_error(err)

    def kernel_seconds(self):
        """Seconds each step kernel ran on the device (measured only when timing is enabled;
        waits for the launched steps first)."""
        if self._timing and self._num_timed and self._state == STEPPER_OPEN:
            self.synchronize()
        return [self._kernel_seconds[i] for i in range(self._num_step)]

    @property
    def uses_graphs(self):
        return self._graph_steps > 1

    @property
    def graph_launches(self):
        """Launches of the step graph so far (it is captured and instantiated once)."""
        return self._graph_launches

    cdef int _release(self) noexcept:
        """Wait for the device, then unload the module and destroy the stream (the context stays)."""
        cdef int err = 0
        if self._lib == NULL:
            return 0
        # (symbols looked up in order: push and pop are NULL only if the stream and module are)
        if self._push != NULL and self._pop != NULL and self._push(self._ctx) == 0:
            if self._stream != NULL:
                err = self._stream_sync(self._stream)
                if err != 0:
                    self._failed = "cuStreamSynchronize"
                self._stream_destroy(self._stream)
                self._stream = NULL
            if self._graph_exec != NULL:
                self._graph_exec_destroy(self._graph_exec)
                self._graph_exec = NULL
            while self._num_events > 0:
                self._num_events -= 1
                self._event_destroy(self._event_start[self._num_events])
                self._event_destroy(self._event_end[self._num_events])
            if self._module != NULL:
                self._unload(self._module)
                self._module = NULL
            self._pop_context()
        dlclose(self._lib)
        self._lib = NULL
        return err

    def __dealloc__(self):
        self._release()

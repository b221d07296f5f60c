# cython: language_level=3, boundscheck=False, wraparound=False
"""Cython runtime: calls a generated model's entry points with no Python in between.

:class:`SharedLibraryModel` opens a compiled model library (C backend) with
``dlopen`` and keeps C function pointers to its entry points, so that
``step_time()`` is one C call and ``run_steps(n)`` loops in C with the GIL
released.
"""
from libc.stdint cimport uint64_t, uintptr_t
from posix.dlfcn cimport dlopen, dlsym, dlclose, dlerror, RTLD_NOW, RTLD_LOCAL

ctypedef void (*step_fn)(char*, uint64_t) noexcept nogil
ctypedef void (*run_fn)(char*, uint64_t, uint64_t) noexcept nogil
ctypedef void (*void_fn)(char*) noexcept nogil


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

    def close(self):
        if self._handle != NULL:
            dlclose(self._handle)
            self._handle = NULL

    def __dealloc__(self):
        self.close()

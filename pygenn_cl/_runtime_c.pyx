# cython: language_level=3, boundscheck=False, wraparound=False
"""The C backend's stepper: a compiled model library opened with ``dlopen``.

:class:`SharedLibraryModel` keeps C function pointers to the library's entry points, so
that ``step_time()`` is one C call and ``run_steps(n)`` loops in C with the GIL released.
"""
cimport cython
from cpython.buffer cimport PyObject_GetBuffer, PyBuffer_Release, PyBUF_WRITABLE, PyBUF_C_CONTIGUOUS
from libc.stdint cimport uint64_t
from posix.dlfcn cimport dlopen, dlsym, dlclose, dlerror, RTLD_NOW, RTLD_LOCAL

from pygenn_cl._runtime cimport Stepper, STEPPER_OPEN

ctypedef void (*step_fn)(char*, uint64_t) noexcept nogil
ctypedef void (*run_fn)(char*, uint64_t, uint64_t) noexcept nogil
ctypedef void (*void_fn)(char*) noexcept nogil
ctypedef void (*custom_update_fn)(char*, unsigned int, uint64_t) noexcept nogil


cdef void* _symbol(void* handle, str name) except NULL:
    cdef void* sym = dlsym(handle, name.encode())
    if sym == NULL:
        raise RuntimeError(f"generated model library has no entry point '{name}'")
    return sym


cdef class SharedLibraryModel(Stepper):
    """A loaded model library, the model's memory and its step counter.

    Parameters
    ----------
    path : str
        Path of the compiled shared library.
    arena : writable C-contiguous buffer
        The model's memory (``HostMemory.host``, a numpy uint8 array): held, and used
        through its buffer, until ``close()``.
    """

    cdef void* _handle
    cdef step_fn _step_fn
    cdef run_fn _run
    cdef void_fn _initialize
    cdef void_fn _initialize_sparse
    cdef custom_update_fn _custom_update
    cdef char* _arena
    cdef Py_buffer _buffer
    cdef bint _has_buffer

    def __cinit__(self, str path, object arena):
        self._handle = NULL
        self._has_buffer = False
        PyObject_GetBuffer(arena, &self._buffer, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS)
        self._has_buffer = True
        self._arena = <char*>self._buffer.buf
        self._keepalive = arena
        self._handle = dlopen(path.encode(), RTLD_NOW | RTLD_LOCAL)
        if self._handle == NULL:
            raise RuntimeError(f"cannot load model library {path}: {(<bytes>dlerror()).decode()}")
        self._step_fn = <step_fn>_symbol(self._handle, "genn_step_time")
        self._run = <run_fn>_symbol(self._handle, "genn_run_steps")
        self._initialize = <void_fn>_symbol(self._handle, "genn_initialize")
        self._initialize_sparse = <void_fn>_symbol(self._handle, "genn_initialize_sparse")
        self._custom_update = <custom_update_fn>_symbol(self._handle, "genn_custom_update")

    cdef int _step(self) noexcept nogil:
        self._step_fn(self._arena, self.timestep)
        self.timestep += 1
        return 0

    @cython.always_allow_keywords(False)
    def step_time(self):
        """Advance the model by one step."""
        if self._state != STEPPER_OPEN:
            self._check_open()
        self._step_fn(self._arena, self.timestep)
        self.timestep += 1

    cdef int _run_chunk(self, uint64_t n) noexcept nogil:
        self._run(self._arena, self.timestep, n)
        self.timestep += n
        return 0

    cdef int _raise_error(self, int err) except -1:
        raise RuntimeError(f"model library error {err}")  # the generated library reports none

    def initialize(self):
        self._enter()
        with nogil:
            self._initialize(self._arena)
        self._leave()

    def initialize_sparse(self):
        self._enter()
        with nogil:
            self._initialize_sparse(self._arena)
        self._leave()

    def custom_update(self, unsigned int group):
        """Run custom update group ``group`` at the current timestep."""
        self._enter()
        with nogil:
            self._custom_update(self._arena, group, self.timestep)
        self._leave()

    cdef int _release(self) noexcept:
        if self._handle != NULL:
            dlclose(self._handle)
            self._handle = NULL
        if self._has_buffer:
            PyBuffer_Release(&self._buffer)
            self._has_buffer = False
        self._arena = NULL
        return 0

    def __dealloc__(self):
        self._release()

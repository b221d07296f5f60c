"""Backend-neutral runtime: lays out the model's memory, fills the merged-group
tables, initialises the model and gives numpy views of its arrays.

All of a model's state lives in one *arena*: a header, the merged-group
tables, then every array, each at a 64-byte aligned byte offset.  Generated
code reaches everything through the arena's base address, so the same layout
works for host memory (C backend) and for device buffers (OpenCL, CUDA).

A device may cap the size of one buffer (OpenCL's ``CL_DEVICE_MAX_MEM_ALLOC_SIZE``:
2 GiB on PoCL, often a quarter of the memory on GPUs).  The arena is then cut
into *segments*, each its own buffer, at array boundaries.  The tables hold an
array's *address*: its segment in the top byte and its offset in that segment
below (``GENN_ADDR`` in the kernels); with one segment that is the offset itself.
The host copy stays one contiguous array.
"""
from __future__ import annotations

import abc
import mmap
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, NamedTuple, Optional, Tuple

import numpy as np

from pygenn_cl.codegen import arena as header
from pygenn_cl.codegen.ir import ArrayLength, ModelIR
from pygenn_cl.codegen.simt import ARENA_SEGMENT_SHIFT, MAX_ARENA_SEGMENTS


ALIGNMENT = 64


def _align(n: int) -> int:
    return (n + ALIGNMENT - 1) // ALIGNMENT * ALIGNMENT


def format_bytes(n: int) -> str:
    """``n`` bytes in the largest binary unit that keeps it at least 1 (e.g. '3.1 GiB')."""
    for unit, size in (("PiB", 2**50), ("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n:,} bytes"


class Memory(abc.ABC):
    """Where the arena lives; ``host`` is the host copy as a uint8 numpy array."""

    host: np.ndarray

    @abc.abstractmethod
    def push(self, offset: int, nbytes: int) -> None:
        """Copy a byte range of the host copy to the device."""

    @abc.abstractmethod
    def pull(self, offset: int, nbytes: int) -> None:
        """Copy a byte range of the device to the host copy."""


class HostMemory(Memory):
    """Memory of the C backend: the host copy *is* the model's memory."""

    def __init__(self, nbytes: int):
        # An anonymous mapping: zero pages, page-aligned, each faulted in where the model first
        # writes it.  numpy's own large allocations ask for transparent huge pages, whose
        # faults cost 2-3 times as much on the 2-core VM the benchmarks ran on (a 10^6-neuron
        # network's 700 MB of connectivity, written at random places: benchmarks/NOTES.md).
        if hasattr(mmap, "MAP_PRIVATE"):        # POSIX (fileno -1: anonymous); private: fork() copies it
            try:
                mapping = mmap.mmap(-1, max(nbytes, 1), flags=mmap.MAP_PRIVATE)
            except (OSError, OverflowError) as exc:     # ENOMEM, or more than the address space
                raise MemoryError(str(exc)) from None
            raw = np.frombuffer(mapping, dtype=np.uint8)
        else:
            raw = np.zeros(nbytes + ALIGNMENT, dtype=np.uint8)
        start = (-raw.ctypes.data) % ALIGNMENT
        self.host = raw[start:start + nbytes]

    @property
    def address(self) -> int:
        return self.host.ctypes.data

    def push(self, offset: int, nbytes: int) -> None:
        pass

    def pull(self, offset: int, nbytes: int) -> None:
        pass


def table_dtype(mg) -> np.dtype:
    """numpy layout matching the C struct of a merged group (fields are sorted largest first)."""
    return np.dtype([(f.name, f.struct_type.dtype) for f in mg.fields], align=True)


class Segment(NamedTuple):
    """A byte range of the arena that lives in one device buffer."""
    start: int
    nbytes: int


class ArenaLayout:
    """Byte offsets of the header, tables and arrays for given array sizes.

    Parameters
    ----------
    ir : ModelIR
    sizes : dict
        Elements of every array.
    max_segment_bytes : int, optional
        Largest buffer the device allows; None: one segment, however large.
    """

    def __init__(self, ir: ModelIR, sizes: Dict[str, int], max_segment_bytes: Optional[int] = None):
        offset = _align(8 * (header.HEADER_WORDS + ir.num_tables))
        self.tables: Dict[int, Tuple[int, np.dtype]] = {}
        for mg in ir.all_groups():
            dtype = table_dtype(mg)
            self.tables[mg.table] = (offset, dtype)
            offset = _align(offset + dtype.itemsize * len(mg.members))
        if max_segment_bytes is not None and offset > max_segment_bytes:
            raise MemoryError(f"the model's merged-group tables take {format_bytes(offset)}, more than one "
                              f"device buffer may hold ({format_bytes(max_segment_bytes)})")
        starts = [0]
        self.arrays: Dict[str, Tuple[int, int]] = {}
        self.addresses: Dict[str, int] = {}
        for name, spec in ir.arrays.items():
            count = sizes[name]
            nbytes = max(count, 1) * spec.ctype.size
            if max_segment_bytes is not None and _align(offset + nbytes) - starts[-1] > max_segment_bytes:
                if _align(nbytes) > max_segment_bytes:
                    raise MemoryError(f"population '{name.split('.')[0]}': array '{name}' takes "
                                      f"{format_bytes(nbytes)} ({count:,} elements), more than one device "
                                      f"buffer may hold ({format_bytes(max_segment_bytes)})")
                starts.append(offset)
                if len(starts) > MAX_ARENA_SEGMENTS:
                    raise MemoryError(f"the model needs more than {MAX_ARENA_SEGMENTS} device buffers of at most "
                                      f"{format_bytes(max_segment_bytes)} (array '{name}' and those after it "
                                      "do not fit)")
            self.arrays[name] = (offset, count)
            self.addresses[name] = ((len(starts) - 1) << ARENA_SEGMENT_SHIFT) | (offset - starts[-1])
            offset = _align(offset + nbytes)
        self.nbytes = offset
        ends = starts[1:] + [offset]
        self.segments: List[Segment] = [Segment(a, b - a) for a, b in zip(starts, ends)]


@dataclass(frozen=True)
class RuntimeValues:
    """What loading needs besides the IR: values that are not part of the model description."""

    seed: int
    num_recording_timesteps: int = 0
    #: array name -> values of every extra global parameter in the IR
    egp_values: Mapping[str, np.ndarray] = field(default_factory=dict)


class ModelRuntime:
    """The state of a loaded model, independent of backend.

    Parameters
    ----------
    ir : ModelIR
    make_memory : callable(ArenaLayout) -> Memory
    values : RuntimeValues
        The seed, the number of recording steps and every extra global parameter's values.
    max_segment_bytes : int, optional
        Largest device buffer (see ``ArenaLayout``).
    """

    def __init__(self, ir: ModelIR, make_memory, values: RuntimeValues, max_segment_bytes: Optional[int] = None):
        self.ir = ir
        self.num_recording_timesteps = values.num_recording_timesteps or 0
        self.layout = ArenaLayout(ir, self._array_sizes(values), max_segment_bytes)
        try:
            self.memory: Memory = make_memory(self.layout)
        except MemoryError as exc:
            raise MemoryError(f"cannot allocate the model's {format_bytes(self.layout.nbytes)} of memory ({exc}); "
                              f"its largest arrays: {self._largest_arrays()}") from None
        self._views: Dict[str, np.ndarray] = {}
        # arrays whose host copy is known to hold the device's values (pulled, or written
        # and pushed, since load): pull_once() skips them
        self._on_host: set = set()
        self._write_header_and_tables(values.seed)
        for name, spec in ir.arrays.items():
            if spec.egp:
                self.view(name)[:] = values.egp_values[name]
                self.push(name)

    # -- layout ------------------------------------------------------------------
    def _largest_arrays(self, count: int = 3) -> str:
        """The ``count`` largest arrays, with their sizes, for messages."""
        sizes = sorted(((n * self.ir.arrays[name].ctype.size, name, n) for name, (_, n) in self.layout.arrays.items()),
                       reverse=True)[:count]
        return ", ".join(f"'{name}' {format_bytes(nbytes)} ({n:,} elements)" for nbytes, name, n in sizes)

    def _array_sizes(self, values: RuntimeValues) -> Dict[str, int]:
        sizes = {}
        for name, spec in self.ir.arrays.items():
            if spec.egp:
                if name not in values.egp_values:
                    raise RuntimeError(f"extra global parameter array '{name}' has no values")
                sizes[name] = int(np.asarray(values.egp_values[name]).size)
            else:
                sizes[name] = spec.num_elements(self.num_recording_timesteps)
        return sizes

    def _write_header_and_tables(self, seed: int) -> None:
        words = self.memory.host[:8 * (header.HEADER_WORDS + self.ir.num_tables)].view(np.uint64)
        words[header.SEED] = seed
        words[header.NUM_RECORDING_TIMESTEPS] = max(self.num_recording_timesteps, 1)
        for mg in self.ir.all_groups():
            offset, dtype = self.layout.tables[mg.table]
            words[header.TABLES + mg.table] = offset
            table = self.memory.host[offset:offset + dtype.itemsize * len(mg.members)].view(dtype)
            arrays = {f.name for f in mg.fields if f.is_array}
            for i, member in enumerate(mg.members):
                for field_name, value in mg.field_values(member).items():
                    if isinstance(value, ArrayLength):  # known only now (extra global parameters)
                        value = self.layout.arrays[value.array][1]
                    table[i][field_name] = self.layout.addresses[value] if field_name in arrays else value
        self.memory.push(0, self.layout.arrays[next(iter(self.layout.arrays))][0]
                         if self.layout.arrays else self.layout.nbytes)

    # -- arrays ------------------------------------------------------------------
    def view(self, name: str) -> np.ndarray:
        """Host view of an array (zero-copy)."""
        view = self._views.get(name)
        if view is None:
            if name not in self.layout.arrays:
                raise KeyError(f"model has no array '{name}' (it may be unused and so not generated)")
            offset, count = self.layout.arrays[name]
            dtype = self.ir.arrays[name].ctype.dtype
            view = self.memory.host[offset:offset + count * dtype.itemsize].view(dtype)
            self._views[name] = view
        return view

    def _range(self, name: str) -> Tuple[int, int]:
        offset, count = self.layout.arrays[name]
        return offset, count * self.ir.arrays[name].ctype.size

    def push(self, name: str) -> None:
        self.memory.push(*self._range(name))

    def pull(self, name: str) -> None:
        self.memory.pull(*self._range(name))
        if self.ir.step_checks:  # (SIMT backends do not look after each step_time(): the host would wait)
            self.check_runtime_errors()
        self._on_host.add(name)

    def pull_once(self, name: str) -> None:
        """Pull ``name`` unless its host copy already holds the device's values.

        For arrays only the host changes after initialisation (SPARSE connectivity): the
        first read pulls them, later reads do not.
        """
        if name not in self._on_host:
            self.pull(name)

    def forget_host_copy(self, *names: str) -> None:
        """The device changed these arrays: the next ``pull_once`` pulls them again."""
        self._on_host.difference_update(names)

    def has_array(self, name: str) -> bool:
        return name in self.layout.arrays

    # -- timers ------------------------------------------------------------------
    def timers(self) -> Dict[str, float]:
        """Seconds the C backend's clock reads accumulated in the header (``timing_enabled``)."""
        start = 8 * header.TIMERS
        self.memory.pull(start, 8 * len(header.TIMER_NAMES))
        values = self.memory.host[start:start + 8 * len(header.TIMER_NAMES)].view(np.float64)
        return dict(zip(header.TIMER_NAMES, (float(v) for v in values)))

    # -- dynamic parameters ----------------------------------------------------------
    def set_dynamic_param(self, group: str, role: str, name: str, value) -> None:
        """Write a dynamic parameter (``name`` of the ``role`` model of ``group``: "neuron",
        "wu", "ps", "cs" or "cu") into every merged-group table entry that holds it."""
        wanted = (group, role, name)
        for mg in self.ir.all_groups():
            for i, member in enumerate(mg.members):
                for key, dynamic in member.dynamic.items():
                    if dynamic == wanted:
                        offset, dtype = self.layout.tables[mg.table]
                        table = self.memory.host[offset:offset + dtype.itemsize * len(mg.members)].view(dtype)
                        table[i][key] = value
                        self.memory.push(offset + i * dtype.itemsize, dtype.itemsize)

    # -- connectivity --------------------------------------------------------------
    def set_connectivity(self, row_length: str, ind: str, num_pre: int, pre: np.ndarray, post: np.ndarray,
                         owner: str) -> None:
        """Write user-given SPARSE connectivity into arrays ``row_length`` and ``ind`` (synapses
        sorted by presynaptic index, stably); ``owner`` names the synapse group in errors."""
        order = np.argsort(pre, kind="stable")
        lengths = self.view(row_length)
        rows = self.view(ind).reshape(num_pre, -1)
        counts = np.bincount(pre, minlength=num_pre) if pre.size else np.zeros(num_pre, np.int64)
        if counts.max(initial=0) > rows.shape[1]:
            row = int(np.argmax(counts))
            raise ValueError(f"{owner}: row {row} has {counts[row]} synapses, more than "
                             f"max_connections = {rows.shape[1]}")
        lengths[:] = counts
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        sorted_pre = pre[order]
        column = np.arange(pre.size) - starts[sorted_pre]
        rows[sorted_pre, column] = post[order]
        self.push(row_length)
        self.push(ind)
        self._on_host.update((row_length, ind))

    def check_errors(self, when: str = "") -> None:
        """Raise the ``ValueError`` of the first error slot device code has set, or the
        ``SimulationError`` of the first run-time check that failed (``when``, e.g. "by step
        10", is added to its message)."""
        self.check_runtime_errors(when)
        if not self.ir.error_slots:
            return
        from pygenn_cl.codegen.names import ERRORS_ARRAY
        self.pull(ERRORS_ARRAY)
        errors = self.view(ERRORS_ARRAY)
        for slot, error in enumerate(self.ir.error_slots):
            if errors[slot]:
                raise ValueError(error.message)

    def check_runtime_errors(self, when: str = "") -> None:
        """Raise a ``SimulationError`` if a run-time check of generated code failed (see
        ``codegen.ir.RuntimeCheck``); the error words are cleared, so each failure is reported once."""
        if not self.ir.runtime_checks:
            return
        start = 8 * header.ERRORS
        self.memory.pull(start, 8)
        words = self.memory.host[start:start + 8].view(np.uint32)
        number = int(words[0])
        if number == 0:
            return
        detail = int(words[1])
        words[:] = 0
        self.memory.push(start, 8)
        from .errors import SimulationError
        if not 0 < number <= len(self.ir.runtime_checks):
            raise SimulationError(f"generated code reported an unknown error {number} (a pygenn_cl bug)")
        check = self.ir.runtime_checks[number - 1]
        message = check.message.replace("{detail}", str(detail - 2**32 if detail >= 2**31 else detail))
        if check.array:
            message = message.replace("{length}", str(self.layout.arrays[check.array][1]))
        raise SimulationError(message + (f" ({when})" if when else ""))

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
from typing import TYPE_CHECKING, Dict, List, NamedTuple, Optional, Tuple

import numpy as np

from pygenn_cl.codegen.ir import ModelIR
from pygenn_cl.codegen.simt import ARENA_SEGMENT_SHIFT, MAX_ARENA_SEGMENTS

if TYPE_CHECKING:
    from .genn_model import GeNNModel

ALIGNMENT = 64
HEADER_WORDS = 6  # seed, num_recording_timesteps, 4 timers (double)
TIMER_NAMES = ("neuron_update", "presynaptic_update", "init", "init_sparse")


def _align(n: int) -> int:
    return (n + ALIGNMENT - 1) // ALIGNMENT * ALIGNMENT


def format_bytes(n: int) -> str:
    """``n`` bytes in the largest binary unit that keeps it at least 1 (e.g. '3.1 GiB')."""
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
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
        offset = _align(8 * (HEADER_WORDS + ir.num_tables))
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


class ModelRuntime:
    """The state of a loaded model, independent of backend.

    Parameters
    ----------
    model : GeNNModel
    ir : ModelIR
    make_memory : callable(ArenaLayout) -> Memory
    num_recording_timesteps : int or None
    max_segment_bytes : int, optional
        Largest device buffer (see ``ArenaLayout``).
    """

    def __init__(self, model: "GeNNModel", ir: ModelIR, make_memory, num_recording_timesteps: Optional[int],
                 max_segment_bytes: Optional[int] = None):
        self.model = model
        self.ir = ir
        self.num_recording_timesteps = num_recording_timesteps or 0
        self.layout = ArenaLayout(ir, self._array_sizes(), max_segment_bytes)
        self.memory: Memory = make_memory(self.layout)
        self._views: Dict[str, np.ndarray] = {}
        self._write_header_and_tables()
        self._write_extra_global_params()

    # -- layout ------------------------------------------------------------------
    def _array_sizes(self) -> Dict[str, int]:
        sizes = {}
        egps = self.model._extra_global_params_by_array()
        for name, spec in self.ir.arrays.items():
            if name in egps:
                egp = egps[name]
                if egp.init_values is None:
                    raise RuntimeError(f"{egp.group.describe()}: extra global parameter '{egp.name}' has no "
                                       "values; call extra_global_params[...].set_init_values() before load()")
                sizes[name] = int(egp.init_values.size)
            else:
                sizes[name] = spec.num_elements(self.num_recording_timesteps)
        return sizes

    def _write_header_and_tables(self) -> None:
        header = self.memory.host[:8 * (HEADER_WORDS + self.ir.num_tables)].view(np.uint64)
        header[0] = self.model._effective_seed
        header[1] = max(self.num_recording_timesteps, 1)
        for mg in self.ir.all_groups():
            offset, dtype = self.layout.tables[mg.table]
            header[HEADER_WORDS + mg.table] = offset
            table = self.memory.host[offset:offset + dtype.itemsize * len(mg.members)].view(dtype)
            for i, member in enumerate(mg.members):
                for field_name, value in mg.field_values(member).items():
                    is_array = any(f.name == field_name and f.is_array for f in mg.fields)
                    table[i][field_name] = self.layout.addresses[value] if is_array else value
        self.memory.push(0, self.layout.arrays[next(iter(self.layout.arrays))][0]
                         if self.layout.arrays else self.layout.nbytes)

    def _write_extra_global_params(self) -> None:
        for name, egp in self.model._extra_global_params_by_array().items():
            if name in self.layout.arrays:
                self.view(name)[:] = egp.init_values
                self.push(name)

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

    def has_array(self, name: str) -> bool:
        return name in self.layout.arrays

    # -- timers ------------------------------------------------------------------
    def timers(self) -> Dict[str, float]:
        self.memory.pull(16, 32)
        values = self.memory.host[16:48].view(np.float64)
        return dict(zip(TIMER_NAMES, (float(v) for v in values)))

    # -- dynamic parameters ----------------------------------------------------------
    def set_dynamic_param(self, owner: str, name: str, value) -> None:
        """Write a dynamic parameter into every merged-group table entry that holds it."""
        for mg in self.ir.all_groups():
            for i, member in enumerate(mg.members):
                for key, (member_owner, param) in member.dynamic.items():
                    if member_owner == owner and param == name:
                        offset, dtype = self.layout.tables[mg.table]
                        table = self.memory.host[offset:offset + dtype.itemsize * len(mg.members)].view(dtype)
                        table[i][key] = value
                        self.memory.push(offset + i * dtype.itemsize, dtype.itemsize)

    # -- connectivity --------------------------------------------------------------
    def set_connectivity(self, sg, pre: np.ndarray, post: np.ndarray) -> None:
        """Write user-given SPARSE connectivity (sorted by presynaptic index, stable)."""
        order = np.argsort(pre, kind="stable")
        row_length = self.view(f"{sg.name}.rowLength")
        ind = self.view(f"{sg.name}.ind").reshape(sg.src.size, -1)
        counts = np.bincount(pre, minlength=sg.src.size) if pre.size else np.zeros(sg.src.size, np.int64)
        if counts.max(initial=0) > ind.shape[1]:
            row = int(np.argmax(counts))
            raise ValueError(f"{sg.describe()}: row {row} has {counts[row]} synapses, more than "
                             f"max_connections = {ind.shape[1]}")
        row_length[:] = counts
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        sorted_pre = pre[order]
        column = np.arange(pre.size) - starts[sorted_pre]
        ind[sorted_pre, column] = post[order]
        self.push(f"{sg.name}.rowLength")
        self.push(f"{sg.name}.ind")

    def check_errors(self) -> None:
        if not self.ir.error_slots:
            return
        self.pull("errors")
        errors = self.view("errors")
        for slot, sg_name in enumerate(self.ir.error_slots):
            if errors[slot] and sg_name.endswith("/columns"):
                sg = self.model.synapse_populations[sg_name.rsplit("/", 1)[0]]
                raise ValueError(f"{sg.describe()}: a postsynaptic neuron has more synapses than "
                                 f"max_source_connections = {sg.max_source_connections}; set "
                                 "max_source_connections higher before build()")
            if errors[slot]:
                sg = self.model.synapse_populations[sg_name]
                raise ValueError(f"{sg.describe()}: {sg.connectivity_init.snippet.describe()} made more "
                                 f"synapses in a row than max_connections = {sg.max_connections}; set "
                                 "max_connections higher before build()")

"""Thread layout of SIMT kernels (shared by the OpenCL and CUDA backends).

Every kernel launch covers all merged groups of one kind.  Each member group
gets a contiguous range of threads.  With one neuron per thread (GPUs) each
range is padded to the block (work-group) size, so a block never spans two
groups: barriers and per-block recording words then stay within one group.
With several neurons per thread (CPU devices) no kernel uses barriers or local
memory, so small ranges (under two blocks) are packed without padding: on a CPU
a padding work-item costs as much setup as a busy one, and the microcircuit's 55
synapse groups of ~10 work-items each filled 3,520 work-items per step.  Large
ranges still get whole blocks: PoCL runs a work-group whose work-items all take
one group's branch faster (the 10^5-neuron scaling network took ~35 % longer
with every range packed).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List

from .ir import Member, MergedGroup, ModelIR

# A device buffer may be capped (OpenCL's CL_DEVICE_MAX_MEM_ALLOC_SIZE), so the arena may be cut
# into segments, each a kernel argument: an array's address in a table is its segment in the
# top byte and its offset in that segment below (the runtime's ArenaLayout).
ARENA_SEGMENT_SHIFT = 56
MAX_ARENA_SEGMENTS = 8
# Timestep argument of a launch that returns at once (GENN_WARM_UP_STEP): drivers that compile
# a kernel for its launch size on first use (PoCL) then do so at load, not in the first step.
WARM_UP_STEP = 2 ** 64 - 1
# Thread ids and the member tables of a launch are 32-bit (a launch rounds up to whole blocks).
MAX_THREADS = 2 ** 32 - 1024


@dataclass
class KernelRange:
    """Thread ranges of one merged group within a kernel launch."""

    group: MergedGroup
    starts: List[int]   # first thread of each member, then the end of the last
    table: str = ""     # name of the program-scope copy of ``starts`` (several members only)

    @property
    def begin(self) -> int:
        return self.starts[0]

    @property
    def end(self) -> int:
        return self.starts[-1]


def threads_needed(kind: str, mg: MergedGroup, member: Member, neurons_per_thread: int = 1) -> int:
    """Number of threads one member group needs in a kernel of ``kind``.

    ``neurons_per_thread``: neurons each thread of the neuron update kernel loops over, and
    row positions each thread of a SPARSE POSTSYNAPTIC presynaptic update loops over
    (1 on GPUs; 32 on CPU devices, see ``backends.opencl.default_neurons_per_thread``).
    """
    values = member.values
    if kind == "neuron_update":
        return -(-values["num_neurons"] // neurons_per_thread)
    if kind == "neuron_init":
        return values["num_neurons"]
    if kind == "presynaptic_update":
        strategy = mg.code.strategy
        if strategy == "dense_post":
            return values["num_post"]
        if strategy == "sparse_post":
            return -(-values["row_stride"] // neurons_per_thread)
        return values["num_pre"] * values["threads_per_spike"]
    if kind == "synapse_dynamics":
        return values["num_pre"] * (values["row_stride"] if mg.code.sparse else values["num_post"])
    if kind == "postsynaptic_update":
        return values["col_stride"] if mg.code.sparse else values["num_pre"]
    if kind == "connectivity_remap":
        return values["num_pre"]
    if kind == "connectivity_remap_sort":
        return values["num_post"]
    if kind.startswith("custom_update"):
        shape = mg.code.shape
        if shape == "neuron":
            return 1 if mg.code.reduction else values["num_neurons"]
        return values["num_pre"] * (values["num_post"] if shape == "dense" else values["row_stride"])
    if kind == "dense_init":
        return values["num_post"]
    if kind == "connectivity_prelude":
        return 1
    if kind == "connectivity_init":
        return values["num_pre"] if mg.code.by_row else values["num_post"]
    if kind in ("sparse_init", "connectivity_sort"):
        return values["num_pre"]
    raise KeyError(kind)


def kernel_ranges(ir: ModelIR, kind: str, block_size: int, groups: List[MergedGroup] = None,
                  neurons_per_thread: int = 1) -> List[KernelRange]:
    """Thread ranges of every merged group of ``kind`` (padded to ``block_size`` when
    ``neurons_per_thread`` is 1)."""
    out = []
    next_start = 0
    source = ir.kernels[kind] if groups is None else groups
    for index, mg in enumerate(source):
        starts = []
        for member in mg.members:
            n = max(1, threads_needed(kind, mg, member, neurons_per_thread))
            if neurons_per_thread == 1 or n >= 2 * block_size:
                # whole blocks of its own (CPU devices: only for large members, whose
                # work-groups then run one group's code; small ones are packed)
                next_start = -(-next_start // block_size) * block_size
                starts.append(next_start)
                next_start += -(-n // block_size) * block_size
            else:
                starts.append(next_start)
                next_start += n
            if next_start > MAX_THREADS:
                raise ValueError(f"the {kind} kernel needs {next_start:,} threads up to and including group "
                                 f"'{member.group}' ({n:,} of them), more than the {MAX_THREADS:,} that its 32-bit "
                                 "thread ids reach; split the largest groups")
        starts.append(next_start)
        out.append(KernelRange(mg, starts, f"genn_starts_{kind}_{index}" if len(starts) > 2 else ""))
    return out


def simt_kernels(ir: ModelIR) -> Dict[str, List[MergedGroup]]:
    """Kernels of a SIMT backend: the IR's kinds plus the helper kernels of sparse connectivity."""
    kernels = dict(ir.kernels)
    conn = ir.kernels["connectivity_init"]
    kernels["connectivity_prelude"] = [mg for mg in conn if mg.code.multinomial]
    kernels["connectivity_sort"] = [mg for mg in conn if not mg.code.by_row]
    kernels["connectivity_remap_sort"] = list(ir.kernels["connectivity_remap"])
    return kernels


def launch_size(ranges: List[KernelRange], block_size: int) -> int:
    """Global size of a kernel covering ``ranges``: their end, rounded up to whole blocks."""
    if not ranges:
        return 0
    return -(-ranges[-1].end // block_size) * block_size

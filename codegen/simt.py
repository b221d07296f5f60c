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


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _presynaptic(code, v, npt) -> int:
    if code.strategy in ("dense_post", "bitmask_post"):   # a thread per postsynaptic neuron
        return v["num_post"]
    if code.strategy == "bitmask_word":    # a thread per word of the rows
        return v["bitmask_words"]
    if code.strategy == "toeplitz":        # a thread per diagonal
        return v["row_stride"]
    if code.strategy == "procedural":      # threads per spike (CPU devices: per npt spikes)
        return _ceil_div(v["num_pre"], npt) * v["threads_per_spike"]
    if code.strategy == "sparse_post":     # a thread per (npt) row position(s)
        return _ceil_div(v["row_stride"], npt)
    return v["num_pre"] * v["threads_per_spike"]  # *_pre, procedural: threads per spike


def _custom_update(code, v, npt) -> int:
    if code.shape == "neuron":
        return 1 if code.reduction else v["num_neurons"]  # reductions: one thread, in order
    return v["num_pre"] * (v["num_post"] if code.shape == "dense" else v["row_stride"])


def _custom_connectivity_update(code, v, npt) -> int:
    # a thread per row; where columns are rebuilt, a thread per column clears its length too
    return max(v["num_pre"], v["num_post"]) if code.remap else v["num_pre"]


#: Kernel families run by ``model.custom_update(name)`` for update group ``k``, in launch order:
#: the custom updates, the custom connectivity updates' rows, then the columns they changed.
CUSTOM_UPDATE_FAMILIES = ("custom_update", "custom_connectivity_update", "custom_connectivity_remap",
                          "custom_connectivity_remap_sort")


def custom_update_launches(index: int) -> List[str]:
    """The kernels of custom update group ``index``, in launch order (those without work are
    not built)."""
    return [f"{family}{index}_" for family in CUSTOM_UPDATE_FAMILIES]


#: kernel family -> threads one member needs, from (its code, its values, neurons per thread)
THREADS = {
    "neuron_update": lambda code, v, npt: _ceil_div(v["num_neurons"], npt),
    "neuron_init": lambda code, v, npt: v["num_neurons"],
    "presynaptic_update": _presynaptic,
    "synapse_dynamics": lambda code, v, npt: v["num_pre"] * (v["row_stride"] if code.sparse else v["num_post"]),
    "postsynaptic_update": lambda code, v, npt: v["col_stride"] if code.sparse else v["num_pre"],
    "connectivity_remap": lambda code, v, npt: v["num_pre"],
    "connectivity_remap_sort": lambda code, v, npt: v["num_post"],
    "dense_init": lambda code, v, npt: v["num_post"],
    "connectivity_prelude": lambda code, v, npt: 1,
    "connectivity_init": lambda code, v, npt: (v["num_pre"] if code.by_row else v["num_post"]) if code.builds else 0,
    "connectivity_sort": lambda code, v, npt: v["num_pre"],
    "sparse_init": lambda code, v, npt: v["num_pre"],
    "kernel_init": lambda code, v, npt: v["kernel_size"],
}


def threads_needed(kind: str, mg: MergedGroup, member: Member, neurons_per_thread: int = 1) -> int:
    """Number of threads one member group needs in a kernel of ``kind``.

    ``neurons_per_thread``: neurons each thread of the neuron update kernel loops over, and
    row positions each thread of a SPARSE POSTSYNAPTIC presynaptic update loops over
    (1 on GPUs; 32 on CPU devices, see ``backends.opencl.default_neurons_per_thread``).
    """
    family = kind.rstrip("_").rstrip("0123456789") if kind.endswith("_") else kind
    needed = {"custom_update": _custom_update, "custom_connectivity_update": _custom_connectivity_update,
              "custom_connectivity_remap": THREADS["connectivity_remap"],
              "custom_connectivity_remap_sort": THREADS["connectivity_remap_sort"]}.get(family) or THREADS[kind]
    return needed(mg.code, member.values, neurons_per_thread)


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
    for index in ir.custom_update_groups.values():
        remaps = [mg for mg in ir.kernels[ir.custom_connectivity_update_kind(index)] if mg.code.remap]
        kernels[f"custom_connectivity_remap{index}_"] = remaps
        kernels[f"custom_connectivity_remap_sort{index}_"] = list(remaps)
    return kernels


def launch_size(ranges: List[KernelRange], block_size: int) -> int:
    """Global size of a kernel covering ``ranges``: their end, rounded up to whole blocks."""
    if not ranges:
        return 0
    return -(-ranges[-1].end // block_size) * block_size

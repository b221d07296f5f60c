"""Enumerations of PyGeNN 5's public API."""
from __future__ import annotations

from enum import Enum, IntEnum, IntFlag


class VarAccessMode(IntFlag):
    """How code may access a variable or a reference to one."""

    READ_WRITE = 1
    READ_ONLY = 2
    BROADCAST = 4
    REDUCE_SUM = 8
    REDUCE_MAX = 16


class VarAccess(IntEnum):
    """Access of neuron, synapse and current-source variables."""

    READ_WRITE = 0
    READ_ONLY = 1
    READ_ONLY_DUPLICATE = 2
    READ_ONLY_SHARED_NEURON = 3

    @property
    def mode(self) -> VarAccessMode:
        return VarAccessMode.READ_WRITE if self == VarAccess.READ_WRITE else VarAccessMode.READ_ONLY


class CustomUpdateVarAccess(IntEnum):
    """Access of custom-update variables (the custom-update issue uses these)."""

    READ_WRITE = 0
    READ_ONLY = 1
    BROADCAST_DELAY = 2
    READ_ONLY_SHARED = 3
    READ_ONLY_SHARED_NEURON = 4
    REDUCE_BATCH_SUM = 5
    REDUCE_BATCH_MAX = 6
    REDUCE_NEURON_SUM = 7
    REDUCE_NEURON_MAX = 8


class VarLocation(IntEnum):
    """Where a variable lives: device only, or with a host copy."""

    DEVICE = 1
    HOST_DEVICE = 3
    HOST_DEVICE_ZERO_COPY = 7


class SynapseMatrixType(Enum):
    """Connectivity storage of a synapse group."""

    DENSE = "DENSE"
    SPARSE = "SPARSE"

    @classmethod
    def resolve(cls, value: "SynapseMatrixType | str") -> "SynapseMatrixType":
        if isinstance(value, cls):
            return value
        if isinstance(value, str) and value in cls.__members__:
            return cls[value]
        supported = ", ".join(cls.__members__)
        raise ValueError(f"unknown or unsupported matrix type {value!r}; supported: {supported}")


class ParallelismHint(Enum):
    """Preferred parallelisation of spike propagation on SIMT backends."""

    POSTSYNAPTIC = "POSTSYNAPTIC"
    PRESYNAPTIC = "PRESYNAPTIC"

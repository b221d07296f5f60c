"""Enumerations of PyGeNN 5's public API, with PyGeNN's values.

Access modes, dimensions, locations and matrix types are bit flags, as in PyGeNN, so the
bit tests PyGeNN code does work unchanged::

    if var.access & VarAccessModeAttribute.READ_ONLY: ...
    if get_var_access_dim(var.access) & VarAccessDim.BATCH: ...
    if sg.matrix_type & SynapseMatrixConnectivity.SPARSE: ...

The combined enumerations (``VarAccess``, ``VarAccessMode``, ``CustomUpdateVarAccess``,
``VarLocation``, ``SynapseMatrixType``) are ``IntEnum``s whose values are the OR of their
attribute flags; the flags themselves are ``IntFlag``s.
"""
from __future__ import annotations

from enum import IntEnum, IntFlag
from typing import Optional, Union


class _Named:
    """``str()`` gives ``Class.MEMBER``, as PyGeNN's enumerations do (IntEnum's is the number)."""

    def __str__(self) -> str:
        return f"{type(self).__name__}.{self.name}"


class VarAccessModeAttribute(_Named, IntFlag):
    """Flags of an access mode.  Read-only and read-write are separate flags so that
    ``mode & VarAccessModeAttribute.READ_ONLY`` tests read-only access."""

    READ_ONLY = 1
    READ_WRITE = 2
    REDUCE = 4
    SUM = 8
    MAX = 16
    # pygenn_cl's value: the reference documentation lists no value for this flag
    BROADCAST = 128


class VarAccessDim(_Named, IntFlag):
    """Dimensions a variable has: one value per element (neuron or synapse), per batch."""

    ELEMENT = 32
    BATCH = 64


class VarAccessMode(_Named, IntEnum):
    """How code may access a variable reference."""

    READ_WRITE = VarAccessModeAttribute.READ_WRITE
    READ_ONLY = VarAccessModeAttribute.READ_ONLY
    BROADCAST = VarAccessModeAttribute.BROADCAST
    REDUCE_SUM = VarAccessModeAttribute.REDUCE | VarAccessModeAttribute.SUM
    REDUCE_MAX = VarAccessModeAttribute.REDUCE | VarAccessModeAttribute.MAX


class VarAccess(_Named, IntEnum):
    """Access mode and dimensions of neuron, synapse and current-source variables."""

    READ_WRITE = VarAccessModeAttribute.READ_WRITE | VarAccessDim.ELEMENT | VarAccessDim.BATCH
    READ_ONLY = VarAccessModeAttribute.READ_ONLY | VarAccessDim.ELEMENT
    READ_ONLY_DUPLICATE = VarAccessModeAttribute.READ_ONLY | VarAccessDim.ELEMENT | VarAccessDim.BATCH
    READ_ONLY_SHARED_NEURON = VarAccessModeAttribute.READ_ONLY | VarAccessDim.BATCH

    @property
    def mode(self) -> VarAccessMode:
        return VarAccessMode(int(self) & _MODE_BITS)


class CustomUpdateVarAccess(_Named, IntEnum):
    """Access of custom-update variables.  Their dimension bits are *subtractive*:
    ``VarAccessDim.ELEMENT`` set means the variable is shared across neurons."""

    READ_WRITE = VarAccessModeAttribute.READ_WRITE
    READ_ONLY = VarAccessModeAttribute.READ_ONLY
    # pygenn_cl's value: the reference documentation lists no value for this member
    BROADCAST_DELAY = VarAccessModeAttribute.BROADCAST
    READ_ONLY_SHARED = VarAccessModeAttribute.READ_ONLY | VarAccessDim.BATCH
    READ_ONLY_SHARED_NEURON = VarAccessModeAttribute.READ_ONLY | VarAccessDim.ELEMENT
    REDUCE_BATCH_SUM = VarAccessModeAttribute.REDUCE | VarAccessModeAttribute.SUM | VarAccessDim.BATCH
    REDUCE_BATCH_MAX = VarAccessModeAttribute.REDUCE | VarAccessModeAttribute.MAX | VarAccessDim.BATCH
    REDUCE_NEURON_SUM = VarAccessModeAttribute.REDUCE | VarAccessModeAttribute.SUM | VarAccessDim.ELEMENT
    REDUCE_NEURON_MAX = VarAccessModeAttribute.REDUCE | VarAccessModeAttribute.MAX | VarAccessDim.ELEMENT


_MODE_BITS = int(VarAccessModeAttribute.READ_ONLY | VarAccessModeAttribute.READ_WRITE
                 | VarAccessModeAttribute.REDUCE | VarAccessModeAttribute.SUM | VarAccessModeAttribute.MAX
                 | VarAccessModeAttribute.BROADCAST)
_DIM_BITS = int(VarAccessDim.ELEMENT | VarAccessDim.BATCH)


def get_var_access_dim(access: Union[VarAccess, CustomUpdateVarAccess],
                       dims: Optional[VarAccessDim] = None) -> VarAccessDim:
    """The dimensions of a variable with ``access``.

    ``get_var_access_dim(var_access)`` gives a neuron, synapse or current-source
    variable's dimensions; ``get_var_access_dim(custom_update_var_access, dims)`` those of
    a custom-update variable, whose access removes dimensions from ``dims``, the
    dimensions of what the custom update runs over.
    """
    if isinstance(access, CustomUpdateVarAccess):
        if dims is None:
            raise TypeError("get_var_access_dim(CustomUpdateVarAccess, dims): the dimensions of the "
                            "custom update are needed")
        return VarAccessDim(int(dims) & ~int(access) & _DIM_BITS)
    if dims is not None:
        raise TypeError("get_var_access_dim(VarAccess) takes no dimensions")
    return VarAccessDim(int(VarAccess(access)) & _DIM_BITS)


class VarLocationAttribute(_Named, IntFlag):
    """Where a variable's memory is."""

    HOST = 1
    DEVICE = 2
    ZERO_COPY = 4


class VarLocation(_Named, IntEnum):
    """Where a variable lives: device only, or with a host copy."""

    DEVICE = VarLocationAttribute.DEVICE
    HOST_DEVICE = VarLocationAttribute.HOST | VarLocationAttribute.DEVICE
    HOST_DEVICE_ZERO_COPY = VarLocationAttribute.HOST | VarLocationAttribute.DEVICE | VarLocationAttribute.ZERO_COPY


class SynapseMatrixConnectivity(_Named, IntFlag):
    """How a synapse group's connectivity is represented."""

    DENSE = 1
    BITMASK = 2
    SPARSE = 4
    PROCEDURAL = 8
    TOEPLITZ = 16


class SynapseMatrixWeight(_Named, IntFlag):
    """How a synapse group's variables are stored."""

    INDIVIDUAL = 64
    PROCEDURAL = 128
    KERNEL = 256


class SynapseMatrixType(_Named, IntEnum):
    """Connectivity and weight storage of a synapse group (connectivity | weight flags)."""

    DENSE = SynapseMatrixConnectivity.DENSE | SynapseMatrixWeight.INDIVIDUAL
    DENSE_PROCEDURALG = SynapseMatrixConnectivity.DENSE | SynapseMatrixWeight.PROCEDURAL
    BITMASK = SynapseMatrixConnectivity.BITMASK | SynapseMatrixWeight.INDIVIDUAL
    SPARSE = SynapseMatrixConnectivity.SPARSE | SynapseMatrixWeight.INDIVIDUAL
    PROCEDURAL = SynapseMatrixConnectivity.PROCEDURAL | SynapseMatrixWeight.PROCEDURAL
    PROCEDURAL_KERNELG = SynapseMatrixConnectivity.PROCEDURAL | SynapseMatrixWeight.KERNEL
    TOEPLITZ = SynapseMatrixConnectivity.TOEPLITZ | SynapseMatrixWeight.KERNEL

    @property
    def connectivity(self) -> SynapseMatrixConnectivity:
        """How the connectivity is represented (``DENSE``, ``BITMASK``, ``SPARSE``, ``PROCEDURAL``
        or ``TOEPLITZ``)."""
        return SynapseMatrixConnectivity(int(self) & _CONNECTIVITY_BITS)

    @property
    def weight(self) -> SynapseMatrixWeight:
        """How per-synapse variables are stored (``INDIVIDUAL``, ``PROCEDURAL`` or ``KERNEL``)."""
        return SynapseMatrixWeight(int(self) & ~_CONNECTIVITY_BITS)

    @classmethod
    def resolve(cls, value: "SynapseMatrixType | str") -> "SynapseMatrixType":
        """The member ``value`` names (a member, its name or its value)."""
        given = value
        if isinstance(value, str) and value in cls.__members__:
            value = cls[value]
        elif not isinstance(value, cls):
            try:
                value = cls(value) if isinstance(value, int) and not isinstance(value, bool) else None
            except ValueError:
                value = None
            if value is None:
                raise ValueError(f"unknown matrix type {given!r}; matrix types: {', '.join(cls.__members__)}")
        return value


_CONNECTIVITY_BITS = int(SynapseMatrixConnectivity.DENSE | SynapseMatrixConnectivity.BITMASK
                         | SynapseMatrixConnectivity.SPARSE | SynapseMatrixConnectivity.PROCEDURAL
                         | SynapseMatrixConnectivity.TOEPLITZ)


class ParallelismHint(_Named, IntEnum):
    """Preferred parallelisation of spike propagation on SIMT backends."""

    POSTSYNAPTIC = 0
    PRESYNAPTIC = 1
    WORD_PACKED_BITMASK = 2


class PlogSeverity(_Named, IntEnum):
    """Log levels (``GeNNModel``'s ``*_log_level`` arguments; pygenn_cl logs nothing)."""

    NONE = 0
    FATAL = 1
    ERROR = 2
    WARNING = 3
    INFO = 4
    DEBUG = 5
    VERBOSE = 6

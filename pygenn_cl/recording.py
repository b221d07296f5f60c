"""The spike recording system, shared by every backend.

Generated code writes one bit per neuron per step into a circular buffer of
``num_recording_timesteps`` rows of ``ceil(N / 32)`` uint32 words: step ``k``
goes to row ``k % num_recording_timesteps``, bit ``i % 32`` of word ``i // 32``
for neuron ``i``.  The host pulls the whole buffer in one transfer
(``GeNNModel.pull_recording_buffers_from_device``) and decodes it here.
"""
from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, List, Tuple

import numpy as np

if TYPE_CHECKING:
    from .genn_groups import NeuronGroup


def words_per_step(num_neurons: int) -> int:
    """Number of uint32 words holding one step's spikes of ``num_neurons`` neurons."""
    return (num_neurons + 31) // 32


def decode_bitfield(buffer: np.ndarray, num_neurons: int, timestep: int,
                    num_recording_timesteps: int, dt: float) -> Tuple[np.ndarray, np.ndarray]:
    """Turn a circular recording buffer into spike times and neuron ids.

    Parameters
    ----------
    buffer : ndarray of uint32, ``num_recording_timesteps * words_per_step(num_neurons)`` words
    num_neurons : int
    timestep : int
        The model's timestep now; the buffer holds the last
        ``min(timestep, num_recording_timesteps)`` steps.
    num_recording_timesteps : int
    dt : float

    Returns
    -------
    times, ids : ndarray
        Spike times in ms (sorted) and the neuron of each spike.
    """
    words = words_per_step(num_neurons)
    rows = buffer.reshape(num_recording_timesteps, words)
    num_steps = min(timestep, num_recording_timesteps)
    steps = np.arange(timestep - num_steps, timestep)
    ordered = rows[steps % num_recording_timesteps]
    # Spikes are sparse: unpack only the non-zero words.
    step_idx, word_idx = np.nonzero(ordered)
    values = np.ascontiguousarray(ordered[step_idx, word_idx], dtype="<u4")
    bits = np.unpackbits(values.view(np.uint8).reshape(-1, 4), axis=1, bitorder="little")
    spike_idx, bit = np.nonzero(bits)
    ids = word_idx[spike_idx].astype(np.int64) * 32 + bit
    times = steps[step_idx[spike_idx]] * dt
    keep = ids < num_neurons
    return times[keep].astype(np.float64), ids[keep]


class SpikeRecording:
    """Recorded spikes of one neuron population."""

    def __init__(self, pop: "NeuronGroup"):
        self.pop = pop
        self.pulled_at = 0
        self.last_pull_timestep = 0
        self._decoded = None

    def mark_pulled(self, timestep: int) -> None:
        model = self.pop._model
        if timestep - self.last_pull_timestep > model._num_recording_timesteps:
            warnings.warn(f"{self.pop.describe()}: {timestep - self.last_pull_timestep} steps ran since "
                          f"the last pull of the recording buffers, more than num_recording_timesteps = "
                          f"{model._num_recording_timesteps}; only the last "
                          f"{model._num_recording_timesteps} steps are available", RuntimeWarning,
                          stacklevel=3)
        self.last_pull_timestep = timestep
        self.pulled_at = timestep
        self._decoded = None

    def data(self) -> List[Tuple[np.ndarray, np.ndarray]]:
        pop = self.pop
        model = pop._model
        if not pop.spike_recording_enabled:
            raise RuntimeError(f"{pop.describe()}: spike recording is not enabled; set "
                               "spike_recording_enabled = True before build()")
        runtime = model._require_loaded(pop.describe())
        if self._decoded is None:
            buffer = runtime.view(pop._record_array())
            self._decoded = decode_bitfield(buffer, pop.size, self.pulled_at, model._num_recording_timesteps,
                                            model.dt)
        return [self._decoded]

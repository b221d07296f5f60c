"""The spike recording system, shared by every backend.

Generated code writes one bit per neuron per step into a circular buffer of
``num_recording_timesteps`` rows of ``ceil(N / 32)`` uint32 words: step ``k``
goes to row ``k % num_recording_timesteps``, bit ``i % 32`` of word ``i // 32``
for neuron ``i``.  The host pulls the whole buffer in one transfer
(``GeNNModel.pull_recording_buffers_from_device``) and decodes it here.
"""
from __future__ import annotations

import warnings
from typing import Callable, List, Optional, Tuple

import numpy as np

from pygenn_cl.codegen.arena import words_per_step

__all__ = ["words_per_step", "decode_bitfield", "RecordingBuffer"]


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


class RecordingBuffer:
    """One recording buffer (spikes of a population, or spike-like events of a synapse group).

    Parameters
    ----------
    array_name : str
        The buffer's array in the model's memory.
    num_neurons : int
    owner : str
        Description used in messages, e.g. "neuron population 'Exc'".
    enabled : callable() -> bool
        Whether recording was enabled (before build()).
    what : str
        "spike" or "spike-like event".
    """

    def __init__(self, array_name: str, num_neurons: int, owner: str, enabled: Callable[[], bool], what: str):
        self.array_name = array_name
        self.num_neurons = num_neurons
        self.owner = owner
        self.enabled = enabled
        self.what = what
        self.reset()

    def reset(self) -> None:
        self.pulled_at = 0
        self.last_pull_timestep = 0
        self.pulled = False
        self._decoded = None

    def pull(self, runtime, timestep: int) -> None:
        """Download the buffer (one transfer) and note when."""
        runtime.pull(self.array_name)
        num_rec = runtime.num_recording_timesteps
        if timestep - self.last_pull_timestep > num_rec:
            warnings.warn(f"{self.owner}: {timestep - self.last_pull_timestep} steps ran since the last pull "
                          f"of the recording buffers, more than num_recording_timesteps = {num_rec}; only the "
                          f"last {num_rec} steps are available", RuntimeWarning, stacklevel=3)
        self.last_pull_timestep = timestep
        self.pulled_at = timestep
        self.pulled = True
        self._decoded = None

    def data(self, runtime, dt: float, timestep: Optional[int] = None) -> List[Tuple[np.ndarray, np.ndarray]]:
        """``[(times, ids)]``: one entry per batch, as of the last pull.

        ``timestep`` (the model's now) makes reading buffers that were never pulled after steps
        ran an error, and reading ones pulled before later steps a warning."""
        if not self.enabled():
            flag = "spike_recording_enabled" if self.what == "spike" else "spike_event_recording_enabled"
            raise RuntimeError(f"{self.owner}: {self.what} recording is not enabled; set {flag} = True on the "
                               "neuron population before build()")
        if timestep is not None and timestep > self.pulled_at:
            if not self.pulled:
                raise RuntimeError(f"{self.owner}: the {self.what} recording buffer was not pulled since load() "
                                   f"({timestep} steps ran); call model.pull_recording_buffers_from_device() first")
            warnings.warn(f"{self.owner}: {timestep - self.pulled_at} steps ran since the recording buffers were "
                          f"last pulled (at step {self.pulled_at}); the data ends there. Call "
                          "model.pull_recording_buffers_from_device() first", RuntimeWarning, stacklevel=3)
        if self._decoded is None:
            self._decoded = decode_bitfield(runtime.view(self.array_name), self.num_neurons, self.pulled_at,
                                            runtime.num_recording_timesteps, dt)
        return [self._decoded]

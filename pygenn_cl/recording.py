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

    The buffer is read where it lies: the rows of those steps form at most two contiguous
    runs of the circular buffer (the older ones from row ``first % R`` on, then the rows from
    0), each scanned for non-zero words as a view, so nothing is copied but the spikes.
    """
    words = words_per_step(num_neurons)
    rows = buffer.reshape(num_recording_timesteps, words)
    num_steps = min(timestep, num_recording_timesteps)
    first = timestep - num_steps                 # the oldest step still in the buffer
    start = first % num_recording_timesteps
    runs = [(start, min(start + num_steps, num_recording_timesteps), first)]
    if start + num_steps > num_recording_timesteps:   # wraps around to row 0
        runs.append((0, start + num_steps - num_recording_timesteps,
                     first + num_recording_timesteps - start))
    times, ids = [], []
    for begin, end, first_step in runs:
        flat = rows[begin:end].reshape(-1)       # a view: the rows are contiguous
        nonzero = np.flatnonzero(flat != 0)    # (numpy finds True in a bool array ~6x faster)
        if not nonzero.size:
            continue
        values = flat[nonzero].astype("<u4", copy=False)
        # bit b of word w is neuron 32 w + b; unpack only the non-zero words
        bits = np.unpackbits(values.view(np.uint8), bitorder="little")
        set_bits = np.flatnonzero(bits != 0)
        word_of_spike, bit = set_bits >> 5, set_bits & 31
        position = nonzero[word_of_spike]
        step_in_run, word = np.divmod(position, words)
        ids.append(word * 32 + bit)
        times.append((first_step + step_in_run) * dt)
    if not ids:
        return np.zeros(0, np.float64), np.zeros(0, np.int64)
    ids = np.concatenate(ids).astype(np.int64, copy=False)
    times = np.concatenate(times).astype(np.float64, copy=False)
    keep = ids < num_neurons
    return times[keep], ids[keep]


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

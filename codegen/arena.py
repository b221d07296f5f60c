"""Layout of the arena's header: the words that generated code and the runtime share.

The arena is a model's whole memory: this header, the merged-group tables, then the arrays
(see ``pygenn_cl.runtime.ArenaLayout``).  Templates print these offsets into the generated
macros (``common/arena.mako``); the runtime writes and reads the same words.
"""
SEED = 0                      # the model's 64-bit seed
NUM_RECORDING_TIMESTEPS = 1   # rows of the spike recording buffers
TIMERS = 2                    # four doubles: seconds in kernels, when timing is enabled
ERRORS = 6                    # two uint32: the first failed run-time check (index + 1), and a detail
TIMESTEP_BASE = 7             # CUDA kernels: timestep = this word + their timestep argument
TABLES = 8                    # then one word per merged group: its table's byte offset
HEADER_WORDS = TABLES

#: Timers, by index in the four doubles from word TIMERS.
TIMER_NEURON, TIMER_SYNAPSE, TIMER_INIT, TIMER_INIT_SPARSE = range(4)
TIMER_NAMES = ("neuron_update", "presynaptic_update", "init", "init_sparse")

WORDS = (("seed", SEED), ("num_recording_timesteps", NUM_RECORDING_TIMESTEPS), ("timers", TIMERS),
         ("run-time errors", ERRORS), ("timestep base", TIMESTEP_BASE), ("table offsets", TABLES))


def words_per_step(num_neurons: int) -> int:
    """Number of uint32 words holding one step's spike (or event) bits of ``num_neurons`` neurons."""
    return (num_neurons + 31) // 32

"""Pure-numpy reference for the Philox4x32-10 generator used by generated code.

Bit-exact with ``codegen/rng.py``'s ``genn_philox4x32_10``, ``genn_rand``,
``genn_uniform_f`` and ``genn_uniform_d``.  Everything is vectorised over
counters / elements.

Stream semantics: an RNG initialised with ``genn_rng_init(r, seed_lo,
seed_hi, stream, element, step)`` returns, as its k-th ``genn_rand`` draw,
word ``k % 4`` of ``philox4x32_10(ctr=(element, stream, step, k // 4),
key=(seed_lo, seed_hi))``.
"""
import numpy as np

PHILOX_M0 = np.uint64(0xD2511F53)
PHILOX_M1 = np.uint64(0xCD9E8D57)
PHILOX_W0 = np.uint32(0x9E3779B9)
PHILOX_W1 = np.uint32(0xBB67AE85)
_MASK32 = np.uint64(0xFFFFFFFF)
_SHIFT32 = np.uint64(32)


def split_seed(seed):
    """Split a 64-bit integer seed into (seed_lo, seed_hi) 32-bit words."""
    seed = int(seed) & 0xFFFFFFFFFFFFFFFF
    return seed & 0xFFFFFFFF, seed >> 32


def philox4x32_10(ctr, key):
    """Philox4x32-10 block function.

    ``ctr``: array-like of shape (..., 4); ``key``: shape (..., 2) (broadcast
    against ``ctr``).  Returns uint32 array of shape broadcast(...) + (4,).
    """
    ctr = np.asarray(ctr, dtype=np.uint64) & _MASK32
    key = np.asarray(key, dtype=np.uint64) & _MASK32
    shape = np.broadcast_shapes(ctr.shape[:-1], key.shape[:-1])
    c0, c1, c2, c3 = (np.broadcast_to(ctr[..., i], shape).copy() for i in range(4))
    k0 = np.broadcast_to(key[..., 0], shape).astype(np.uint32)
    k1 = np.broadcast_to(key[..., 1], shape).astype(np.uint32)
    with np.errstate(over="ignore"):
        for rnd in range(10):
            if rnd > 0:
                k0 = k0 + PHILOX_W0
                k1 = k1 + PHILOX_W1
            p0 = PHILOX_M0 * c0          # exact: 32x32 -> 64 bits
            p1 = PHILOX_M1 * c2
            n0 = (p1 >> _SHIFT32) ^ c1 ^ k0.astype(np.uint64)
            n1 = p1 & _MASK32
            n2 = (p0 >> _SHIFT32) ^ c3 ^ k1.astype(np.uint64)
            n3 = p0 & _MASK32
            c0, c1, c2, c3 = n0, n1, n2, n3
    return np.stack([c0, c1, c2, c3], axis=-1).astype(np.uint32)


def rand_words(seed_lo, seed_hi, stream, element, step, n_draws):
    """The first ``n_draws`` ``genn_rand`` words.

    ``seed_lo``, ``seed_hi``, ``stream``, ``element`` and ``step`` may be
    scalars or broadcastable arrays; the result has shape
    broadcast(...) + (n_draws,), dtype uint32.
    """
    seed_lo, seed_hi, stream, element, step = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.uint64) for v in (seed_lo, seed_hi, stream, element, step)))
    n_blocks = (int(n_draws) + 3) // 4
    blk = np.arange(n_blocks, dtype=np.uint64)
    shape = seed_lo.shape + (n_blocks,)
    ctr = np.stack([np.broadcast_to(element[..., None], shape),
                    np.broadcast_to(stream[..., None], shape),
                    np.broadcast_to(step[..., None], shape),
                    np.broadcast_to(blk, shape)], axis=-1)
    key = np.stack([np.broadcast_to(seed_lo[..., None], shape),
                    np.broadcast_to(seed_hi[..., None], shape)], axis=-1)
    out = philox4x32_10(ctr, key)                      # (..., n_blocks, 4)
    out = out.reshape(seed_lo.shape + (n_blocks * 4,))
    return out[..., :n_draws]


def words_to_uniform_f(words):
    """``genn_uniform_f`` from one word each: ((x >> 8) + 1) * 2^-24, float32 in (0, 1]."""
    w = np.asarray(words, dtype=np.uint32)
    return (((w >> np.uint32(8)).astype(np.float64) + 1.0) * 2.0 ** -24).astype(np.float32)


def words_to_uniform_d(hi_words, lo_words):
    """``genn_uniform_d`` from two words (first word -> high 27 bits), float64 in (0, 1]."""
    hi = np.asarray(hi_words, dtype=np.uint32) >> np.uint32(5)
    lo = np.asarray(lo_words, dtype=np.uint32) >> np.uint32(6)
    return (hi.astype(np.float64) * 67108864.0 + lo.astype(np.float64) + 1.0) * 2.0 ** -53


def uniform_f(seed_lo, seed_hi, stream, element, step, n_draws):
    """The first ``n_draws`` ``genn_uniform_f`` values (float32, shape (..., n_draws))."""
    return words_to_uniform_f(rand_words(seed_lo, seed_hi, stream, element, step, n_draws))


def uniform_d(seed_lo, seed_hi, stream, element, step, n_draws):
    """The first ``n_draws`` ``genn_uniform_d`` values (float64, two words each)."""
    w = rand_words(seed_lo, seed_hi, stream, element, step, 2 * int(n_draws))
    return words_to_uniform_d(w[..., 0::2], w[..., 1::2])


# Known-answer vectors for Philox4x32-10: (counter, key, expected output)
KAT_VECTORS = [
    ((0x00000000, 0x00000000, 0x00000000, 0x00000000), (0x00000000, 0x00000000),
     (0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8)),
    ((0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff), (0xffffffff, 0xffffffff),
     (0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd)),
    ((0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344), (0xa4093822, 0x299f31d0),
     (0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1)),
]

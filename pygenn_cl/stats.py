"""Small statistics helpers used at build time (pure Python, no scipy)."""
from __future__ import annotations

import math
from typing import List

# Terms of the binomial pmf smaller than this fraction of the mode's term are
# dropped; what is dropped is far below any quantile the library asks for.
_TAIL_CUTOFF = 1e-40
# Relative slack when comparing a cumulative sum with its target, so that an
# exact tie (P(X <= k) == q, e.g. n=1, p=0.1, q=0.9) is resolved to the
# mathematically correct, smaller k despite rounding in the recurrences.
_TIE_SLACK = 1e-9


def binomial_inverse_cdf(q: float, n: int, p: float) -> int:
    """Smallest ``k`` such that ``P(X <= k) >= q`` for ``X ~ Binomial(n, p)``.

    Matches ``scipy.stats.binom.ppf`` for ``0 < q < 1``.  The pmf is walked
    outward from the mode with the ratio recurrence, so only the terms that
    matter (a few tens of standard deviations) are visited; this stays fast
    for ``n`` up to about 1e9 as long as ``n * p * (1 - p)`` is moderate.

    Parameters
    ----------
    q : float
        Quantile in [0, 1].
    n : int
        Number of trials (>= 0).
    p : float
        Success probability in [0, 1].
    """
    n = int(n)
    p = float(p)
    q = float(q)
    if n < 0:
        raise ValueError(f"binomial number of trials must be non-negative, not {n}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"binomial probability must be in [0, 1], not {p}")
    if math.isnan(q) or q < 0.0 or q > 1.0:
        raise ValueError(f"quantile must be in [0, 1], not {q}")
    if n == 0 or p == 0.0 or q <= 0.0:
        return 0
    if p == 1.0 or q >= 1.0:
        return n

    mode = min(n, int(math.floor((n + 1) * p)))
    odds = p / (1.0 - p)

    # Weights relative to the mode's pmf term, walking right then left.
    right: List[float] = []  # k = mode+1, mode+2, ...
    w = 1.0
    k = mode
    while k < n:
        w *= (n - k) / (k + 1.0) * odds
        k += 1
        if w < _TAIL_CUTOFF:
            break
        right.append(w)
    left: List[float] = []  # k = mode-1, mode-2, ...
    w = 1.0
    k = mode
    while k > 0:
        w *= k / ((n - k + 1.0) * odds)
        k -= 1
        if w < _TAIL_CUTOFF:
            break
        left.append(w)

    lo_k = mode - len(left)          # smallest k with a retained term
    weights = left[::-1] + [1.0] + right  # weights[i] is the term of k = lo_k + i
    total = math.fsum(weights)

    if q < 0.5:
        # Lower tail: first k whose cumulative sum reaches q.
        target = q * total * (1.0 - _TIE_SLACK)
        acc = 0.0
        for i, wi in enumerate(weights):
            acc += wi
            if acc >= target:
                return lo_k + i
        return lo_k + len(weights) - 1
    # Upper tail: smallest k with P(X > k) <= 1 - q (1 - q is exact here).
    target = (1.0 - q) * total * (1.0 + _TIE_SLACK)
    acc = 0.0  # sum of terms above index i
    for i in range(len(weights) - 1, -1, -1):
        if acc > target:
            return lo_k + i + 1
        acc += weights[i]
    # P(X > lo_k - 1) is (nearly) 1 > 1 - q, so the answer is lo_k.
    return lo_k

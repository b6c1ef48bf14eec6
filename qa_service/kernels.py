"""The numeric inner loops of scoring a question, compiled with numba.

Each is written as plain Python over numpy arrays, so it can also run uncompiled; the tests
run both and compare them, and compare both with scikit-learn's and rapidfuzz's own paths.
The compiled versions are what the engine calls: a question is scored in three calls (TF-IDF,
fuzzy ratio, intent blend) instead of dozens of small numpy operations, which on a web
request cost more than the arithmetic; typo correction uses the fuzzy ratio too.

Arithmetic is done in the order the reference implementations use (the query's columns in
order of first occurrence, sums from left to right, no fused multiply-add), so the results
are the same to the last bit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bytes = npt.NDArray[np.uint8]
Words = npt.NDArray[np.uint64]
Table = npt.NDArray[np.uint64]  # (words, 256)


def _score_bank(
    columns: Ints,
    offsets: Ints,
    indptr: Ints,
    indices: Ints,
    data: Floats,
    idf: Floats,
    tf: Floats,
    n_rows: int,
) -> Floats:
    """TF-IDF cosine scores of one query against several indexes stored as one CSC matrix.

    Index k owns columns `offsets[k]` to `offsets[k + 1]`, and its own range of rows;
    `columns` are the query's feature columns in every index, repeats kept, each index's in
    its order of features. The query vector of each index is weighed as scikit-learn's
    TfidfVectorizer does (sublinear tf from the `tf` table, idf, l2 norm), and its scores are
    the sums over its columns' postings.
    """
    out = np.zeros(n_rows, dtype=np.float64)
    counts = np.zeros(offsets[-1], dtype=np.int64)
    order = np.empty(columns.size, dtype=np.int64)
    weights = np.empty(columns.size, dtype=np.float64)
    for k in range(offsets.size - 1):
        lo = offsets[k]
        hi = offsets[k + 1]
        m = 0
        for i in range(columns.size):
            j = columns[i]
            if lo <= j < hi:
                if counts[j] == 0:
                    order[m] = j
                    m += 1
                counts[j] += 1
        norm = 0.0
        for i in range(m):
            j = order[i]
            c = counts[j]
            w = (tf[c] if c < tf.size else 1.0 + np.log(np.float64(c))) * idf[j]
            weights[i] = w
            norm += w * w
        if norm == 0.0:
            continue
        norm = np.sqrt(norm)
        for i in range(m):
            j = order[i]
            w = weights[i] / norm
            for p in range(indptr[j], indptr[j + 1]):
                out[indices[p]] += data[p] * w
    return out


def _intent_scores(
    word_scores: Floats,
    char_scores: Floats,
    query: Bytes,
    choices: Bytes,
    starts: Ints,
    choice_of: Ints,
    owner_starts: Ints,
    owners: Ints,
    clause_scores: Floats,
    supported: Ints,
    supported_starts: Ints,
    supported_clauses: Ints,
    support: float,
    cues_said: Ints,
    cue: float,
    bars: Floats,
) -> Floats:
    """Each intent's score: its best example's blend 0.45 word + 0.30 character + 0.25
    fuzzy score, plus `support` times the best retrieval score among the clauses it cites,
    plus `cue` for each of its cue phrases the question says.

    Examples come intent by intent: `owners[k]`'s examples start at `owner_starts[k]`;
    example e's fuzzy score is the ratio (see `_ratios`) of the query to choice
    `choice_of[e]`. `supported[k]`'s cited clauses are
    `supported_clauses[supported_starts[k]:...]`.

    The fuzzy ratio is the costly part, and it is computed only where it can matter. An
    intent's score is exact if it could reach its bar, or could be the nearest miss (the
    best score / bar, which the answer's confidence uses when nothing passes). Bounds from
    the rest of the blend and from the lengths (a common subsequence is at most the shorter
    string) settle the others, which keep their score with fuzzy scores of 0: lower than
    the exact one, and still below both the bar and the nearest miss. The decisions and
    confidences are those of the exact scores.
    """
    n_intents = bars.size
    n = word_scores.size
    m = query.size
    table = _pattern(query)
    state = np.empty(table.shape[0], dtype=np.uint64)
    ratios = np.full(starts.size - 1, -1.0)
    bonus = np.zeros(n_intents, dtype=np.float64)
    has_bonus = np.zeros(n_intents, dtype=np.bool_)
    for k in range(supported.size):
        end = supported_starts[k + 1] if k + 1 < supported.size else supported_clauses.size
        best = clause_scores[supported_clauses[supported_starts[k]]]
        for i in range(supported_starts[k] + 1, end):
            best = max(best, clause_scores[supported_clauses[i]])
        bonus[supported[k]] = support * best
        has_bonus[supported[k]] = True
    lower = np.zeros(n_intents, dtype=np.float64)
    upper = np.zeros(n_intents, dtype=np.float64)
    for k in range(owners.size):
        end = owner_starts[k + 1] if k + 1 < owners.size else n
        low = 0.0
        high = 0.0
        for e in range(owner_starts[k], end):
            partial = 0.45 * word_scores[e] + 0.30 * char_scores[e]
            c = choice_of[e]
            length = starts[c + 1] - starts[c]
            low = max(low, partial + 0.25 * 0.0)
            high = max(high, partial + 0.25 * _ratio(m, min(m, length), length, 100.0))
        lower[owners[k]] = low
        upper[owners[k]] = high
    nearest = 0.0
    for i in range(n_intents):
        lower[i] = _finish(lower[i], has_bonus[i], bonus[i], cues_said[i], cue)
        upper[i] = _finish(upper[i], has_bonus[i], bonus[i], cues_said[i], cue)
        nearest = max(nearest, lower[i] / bars[i])
    out = lower.copy()
    for k in range(owners.size):
        i = owners[k]
        if upper[i] < bars[i] and upper[i] / bars[i] < nearest:
            continue  # can neither pass nor be the nearest miss
        end = owner_starts[k + 1] if k + 1 < owners.size else n
        best = 0.0
        for e in range(owner_starts[k], end):
            c = choice_of[e]
            if ratios[c] < 0.0:
                lcs = _lcs(table, m, choices, starts[c], starts[c + 1], state)
                ratios[c] = _ratio(m, lcs, starts[c + 1] - starts[c], 100.0)
            best = max(best, 0.45 * word_scores[e] + 0.30 * char_scores[e] + 0.25 * ratios[c])
        out[i] = _finish(best, has_bonus[i], bonus[i], cues_said[i], cue)
    return out


def _finish(score: float, has_bonus: bool, bonus: float, said: int, cue: float) -> float:
    """A best example's blend plus the intent's support and cues, added in that order."""
    if has_bonus:
        score += bonus
    for _ in range(said):
        score += cue
    return score


def _ratios(query: Bytes, choices: Bytes, starts: Ints, scale: float) -> Floats:
    """rapidfuzz's `fuzz.ratio` of the query to each choice, divided by `scale`: 100 times
    the Indel similarity 1 - (len1 + len2 - 2 LCS) / (len1 + len2), computed as rapidfuzz
    does. Choice k is `choices[starts[k]:starts[k + 1]]` (bytes)."""
    n = starts.size - 1
    out = np.empty(n, dtype=np.float64)
    m = query.size
    table = _pattern(query)
    state = np.empty(table.shape[0], dtype=np.uint64)
    for k in range(n):
        lcs = _lcs(table, m, choices, starts[k], starts[k + 1], state)
        out[k] = _ratio(m, lcs, starts[k + 1] - starts[k], scale)
    return out


def _ratio(m: int, lcs: int, length: int, scale: float) -> float:
    total = m + length
    if total == 0:
        return 100.0 / scale
    distance = total - 2 * lcs
    similarity = 1.0 - distance / total
    return similarity * 100.0 / scale


def _pattern(query: Bytes) -> Table:
    """Bit-parallel LCS's match masks: bit i of row w, column c is set where the query's
    character 64 w + i is c."""
    m = query.size
    table = np.zeros((max((m + 63) // 64, 1), 256), dtype=np.uint64)
    for i in range(m):
        table[i // 64, query[i]] |= np.uint64(1) << np.uint64(i % 64)
    return table


def _lcs(table: Table, m: int, choices: Bytes, lo: int, hi: int, state: Words) -> int:
    """The length of the longest common subsequence of the query (as `table`) and
    `choices[lo:hi]`: the bit-parallel algorithm of Hyyrö (2004), 64 query characters to a
    machine word."""
    words = table.shape[0]
    one = np.uint64(1)
    full = ~np.uint64(0)
    last = (one << np.uint64(m % 64)) - one if m % 64 else full
    first = table[0]
    if words == 1:  # the usual case: one machine word, no carries between words
        v = full
        for p in range(lo, hi):
            u = v & first[choices[p]]
            v = (v + u) | (v - u)
        return _ones(~v & last)
    if words == 2:  # two words, the carry passed in registers
        second = table[1]
        v = full
        v2 = full
        for p in range(lo, hi):
            u = v & first[choices[p]]
            x = v + u
            carry = np.uint64(1) if x < v else np.uint64(0)
            v = x | (v - u)
            u2 = v2 & second[choices[p]]
            v2 = (v2 + u2 + carry) | (v2 - u2)
        return _ones(~v) + _ones(~v2 & last)
    state[:] = full
    for p in range(lo, hi):
        carry = np.uint64(0)
        for w in range(words):
            v = state[w]
            u = v & table[w, choices[p]]
            x = v + u
            y = x + carry
            carry = np.uint64(1) if (x < v or y < x) else np.uint64(0)
            state[w] = y | (v - u)
    lcs = 0
    for w in range(words):
        lcs += _ones(~state[w] & (last if w == words - 1 else full))
    return lcs


def _ones(bits: np.uint64) -> int:
    """The number of set bits (SWAR population count)."""
    bits = bits - ((bits >> np.uint64(1)) & np.uint64(0x5555555555555555))
    bits = (bits & np.uint64(0x3333333333333333)) + (
        (bits >> np.uint64(2)) & np.uint64(0x3333333333333333)
    )
    bits = (bits + (bits >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return int((bits * np.uint64(0x0101010101010101)) >> np.uint64(56))


def _compile(function: Callable[..., Any]) -> Callable[..., Any]:
    # cache: compiled code is kept beside the module, so later starts load it in milliseconds.
    return njit(cache=True, nogil=True)(function)


# Helpers first: a compiled function calls the compiled versions of the ones it names.
_ones = _compile(_ones)
_ratio = _compile(_ratio)
_finish = _compile(_finish)
_pattern = _compile(_pattern)
_lcs = _compile(_lcs)
score_bank: Callable[..., Floats] = _compile(_score_bank)
intent_scores: Callable[..., Floats] = _compile(_intent_scores)
ratios: Callable[..., Floats] = _compile(_ratios)

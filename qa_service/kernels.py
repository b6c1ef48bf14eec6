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


def _score_bank(
    columns: Ints,
    bounds: Ints,
    indptr: Ints,
    indices: Ints,
    data: Floats,
    idf: Floats,
    tf: Floats,
    n_columns: int,
    n_rows: int,
) -> Floats:
    """TF-IDF cosine scores of one query against several indexes stored as one CSC matrix.

    `columns[bounds[k]:bounds[k + 1]]` are the query's feature columns in index k, repeats
    kept; each index's columns and rows are disjoint ranges of the shared matrix. The query
    vector of each index is weighed as scikit-learn's TfidfVectorizer does (sublinear tf
    from the `tf` table, idf, l2 norm), and its scores are the sums over its columns' postings.
    """
    out = np.zeros(n_rows, dtype=np.float64)
    counts = np.zeros(n_columns, dtype=np.int64)
    order = np.empty(columns.size, dtype=np.int64)
    weights = np.empty(columns.size, dtype=np.float64)
    for k in range(bounds.size - 1):
        m = 0
        for i in range(bounds[k], bounds[k + 1]):
            j = columns[i]
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
    fuzzy_scores: Floats,
    owner_starts: Ints,
    owners: Ints,
    n_intents: int,
    clause_scores: Floats,
    supported: Ints,
    supported_starts: Ints,
    supported_clauses: Ints,
    support: float,
) -> Floats:
    """Each intent's score: its best example's blend of word, character and fuzzy scores,
    plus `support` times the best retrieval score among the clauses it cites.

    Examples come intent by intent: `owners[k]`'s examples start at `owner_starts[k]`.
    `supported[k]`'s cited clauses are `supported_clauses[supported_starts[k]:...]`.
    """
    out = np.zeros(n_intents, dtype=np.float64)
    n = word_scores.size
    for k in range(owners.size):
        end = owner_starts[k + 1] if k + 1 < owners.size else n
        best = 0.0
        for e in range(owner_starts[k], end):
            score = 0.45 * word_scores[e] + 0.30 * char_scores[e] + 0.25 * fuzzy_scores[e]
            best = max(best, score)
        out[owners[k]] = best
    for k in range(supported.size):
        end = supported_starts[k + 1] if k + 1 < supported.size else supported_clauses.size
        best = clause_scores[supported_clauses[supported_starts[k]]]
        for i in range(supported_starts[k] + 1, end):
            best = max(best, clause_scores[supported_clauses[i]])
        out[supported[k]] += support * best
    return out


def _ratios(query: Bytes, choices: Bytes, starts: Ints, scale: float) -> Floats:
    """rapidfuzz's `fuzz.ratio` of the query to each choice, divided by `scale`: 100 times
    the Indel similarity 1 - (len1 + len2 - 2 LCS) / (len1 + len2), computed as rapidfuzz
    does.

    Choice k is `choices[starts[k]:starts[k + 1]]` (bytes). The longest common subsequence
    is found with the bit-parallel algorithm (Hyyrö 2004), the query as the bit pattern,
    64 characters to a machine word.
    """
    n = starts.size - 1
    out = np.empty(n, dtype=np.float64)
    m = query.size
    words = max((m + 63) // 64, 1)
    one = np.uint64(1)
    full = ~np.uint64(0)
    pattern = np.zeros((words, 256), dtype=np.uint64)
    for i in range(m):
        pattern[i // 64, query[i]] |= one << np.uint64(i % 64)
    last = (one << np.uint64(m % 64)) - one if m % 64 else full
    first = pattern[0]
    second = pattern[min(1, words - 1)]
    state = np.empty(words, dtype=np.uint64)
    for k in range(n):
        lo = starts[k]
        hi = starts[k + 1]
        total = m + hi - lo
        if total == 0:
            out[k] = 100.0 / scale
            continue
        lcs = 0
        if words == 1:  # the usual case: one machine word, no carries between words
            v = full
            for p in range(lo, hi):
                u = v & first[choices[p]]
                v = (v + u) | (v - u)
            lcs = _ones(~v & last)
        elif words == 2:  # two words, the carry passed in registers
            v = full
            v2 = full
            for p in range(lo, hi):
                u = v & first[choices[p]]
                x = v + u
                carry = np.uint64(1) if x < v else np.uint64(0)
                v = x | (v - u)
                u2 = v2 & second[choices[p]]
                v2 = (v2 + u2 + carry) | (v2 - u2)
            lcs = _ones(~v) + _ones(~v2 & last)
        else:
            state[:] = full
            for p in range(lo, hi):
                carry = np.uint64(0)
                for w in range(words):
                    v = state[w]
                    u = v & pattern[w, choices[p]]
                    x = v + u
                    y = x + carry
                    carry = np.uint64(1) if (x < v or y < x) else np.uint64(0)
                    state[w] = y | (v - u)
            for w in range(words):
                lcs += _ones(~state[w] & (last if w == words - 1 else full))
        distance = total - 2 * lcs
        similarity = 1.0 - distance / total
        out[k] = similarity * 100.0 / scale
    return out


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


score_bank: Callable[..., Floats] = _compile(_score_bank)
intent_scores: Callable[..., Floats] = _compile(_intent_scores)
_ones = _compile(_ones)  # called from the compiled _ratios
ratios: Callable[..., Floats] = _compile(_ratios)

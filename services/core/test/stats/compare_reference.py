"""Independent reference for the evaluation comparison (stdlib only).

Reads {"runs": [[{"difficulty", "correct", "soft_f1"}, ...], ...], "resamples", "seed"} on
stdin; prints the same figures as core compareRuns. Wilson intervals and the exact McNemar
test (exact rationals, then one rounding) are computed from their textbook definitions; the
bootstrap replays the same mulberry32 draws, so its intervals must agree to the bit.
"""
import json
import math
import sys
from fractions import Fraction

M = 0xFFFFFFFF
Z = 1.959963984540054
BUCKETS = ["simple", "moderate", "challenging", "total"]


def mulberry32(seed):
    state = [seed & M]

    def nxt():
        state[0] = (state[0] + 0x6D2B79F5) & M
        t = state[0]
        t = ((t ^ (t >> 15)) * (t | 1)) & M
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & M)) & M
        return ((t ^ (t >> 14)) & M) / 4294967296
    return nxt


def wilson(k, n):
    p = k / n
    z2 = Z * Z
    denom = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denom
    half = Z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    return (0.0 if k == 0 else center - half), (1.0 if k == n else center + half)


def mcnemar_exact(b, c):
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(b, c) + 1))
    return float(min(Fraction(1), Fraction(2 * tail, 2 ** n)))


def q7(sorted_values, q):
    h = (len(sorted_values) - 1) * q
    lo = math.floor(h)
    if lo + 1 >= len(sorted_values):
        return sorted_values[-1]
    return sorted_values[lo] + (h - lo) * (sorted_values[lo + 1] - sorted_values[lo])


def interval(stats):
    s = sorted(stats)
    return q7(s, 0.025), q7(s, 0.975)


def est(value, stats):
    lo, hi = interval(stats)
    return {"value": 100 * value, "low": 100 * lo, "high": 100 * hi}


NONE = {"value": None, "low": None, "high": None}


def compare(runs, resamples, seed):
    pairs = [(a, b) for a in range(len(runs)) for b in range(a + 1, len(runs))]
    out_runs = [{} for _ in runs]
    out_pairs = [{"a": a, "b": b, "buckets": {}} for a, b in pairs]
    for bucket in BUCKETS:
        members = [q for q in range(len(runs[0])) if bucket == "total" or runs[0][q]["difficulty"] == bucket]
        n = len(members)
        ex = [[1.0 if r[q]["correct"] else 0.0 for q in members] for r in runs]
        f1 = [[float(r[q]["soft_f1"]) for q in members] for r in runs]
        f1_stats = [[] for _ in runs]
        ex_diff_stats = [[] for _ in pairs]
        f1_diff_stats = [[] for _ in pairs]
        if n > 0:
            rand = mulberry32(seed)
            for _ in range(resamples):
                draw = [math.floor(rand() * n) for _ in range(n)]
                for k in range(len(runs)):
                    s = 0.0
                    for j in draw:
                        s += f1[k][j]
                    f1_stats[k].append(s / n)
                for p, (a, b) in enumerate(pairs):
                    se = 0.0
                    sf = 0.0
                    for j in draw:
                        se += ex[b][j] - ex[a][j]
                        sf += f1[b][j] - f1[a][j]
                    ex_diff_stats[p].append(se / n)
                    f1_diff_stats[p].append(sf / n)

        def total(xs):
            s = 0.0
            for x in xs:
                s += x
            return s

        for k in range(len(runs)):
            correct = sum(1 for x in ex[k] if x == 1.0)
            if n == 0:
                out_runs[k][bucket] = {"n": 0, "correct": 0, "ex": NONE, "soft_f1": NONE}
                continue
            lo, hi = wilson(correct, n)
            out_runs[k][bucket] = {
                "n": n, "correct": correct,
                "ex": {"value": 100 * (correct / n), "low": 100 * lo, "high": 100 * hi},
                "soft_f1": est(total(f1[k]) / n, f1_stats[k]),
            }
        for p, (a, b) in enumerate(pairs):
            rw = sum(1 for i in range(n) if ex[a][i] == 1.0 and ex[b][i] == 0.0)
            wr = sum(1 for i in range(n) if ex[a][i] == 0.0 and ex[b][i] == 1.0)
            both_right = sum(1 for i in range(n) if ex[a][i] == 1.0 and ex[b][i] == 1.0)
            ka = sum(ex[a])
            kb = sum(ex[b])
            out_pairs[p]["buckets"][bucket] = {
                "n": n, "both_right": both_right, "both_wrong": n - both_right - rw - wr,
                "right_to_wrong": rw, "wrong_to_right": wr,
                "ex_diff": NONE if n == 0 else est((kb - ka) / n, ex_diff_stats[p]),
                "soft_f1_diff": NONE if n == 0 else est(total([f1[b][i] - f1[a][i] for i in range(n)]) / n, f1_diff_stats[p]),
                "mcnemar_p": mcnemar_exact(rw, wr),
            }
    return {"runs": out_runs, "pairs": out_pairs}


if __name__ == "__main__":
    req = json.load(sys.stdin)
    print(json.dumps(compare(req["runs"], req["resamples"], req["seed"])))

"""Peer of `histoscale bench search`: Optuna's TPE and random samplers on the same test functions.

Usage: optuna_peer.py FUNCTION TRIALS SEEDS [--multivariate]
Prints one JSON line: the best value each seed found per sampler, Optuna's version and the wall seconds.
"""
import json
import math
import sys
import time

import optuna


def branin(x):
    b = 5.1 / (4 * math.pi ** 2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    u = x[1] - b * x[0] ** 2 + c * x[0] - 6
    return u * u + 10 * (1 - t) * math.cos(x[0]) + 10


HART_ALPHA = [1.0, 1.2, 3.0, 3.2]
HART_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
          [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
HART_P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
          [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]


def hartmann6(x):
    total = 0.0
    for a, row, p in zip(HART_ALPHA, HART_A, HART_P):
        total += a * math.exp(-sum(r * (xi - pi) ** 2 for r, xi, pi in zip(row, x, p)))
    return -total


def levy(x):
    w = [1 + (xi - 1) / 4 for xi in x]
    total = math.sin(math.pi * w[0]) ** 2
    for wi in w[:-1]:
        total += (wi - 1) ** 2 * (1 + 10 * math.sin(math.pi * wi + 1) ** 2)
    return total + (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (x[i] - 1) ** 2 for i in range(len(x) - 1))


FUNCTIONS = {
    "branin": (branin, [(-5.0, 10.0), (0.0, 15.0)]),
    "hartmann6": (hartmann6, [(0.0, 1.0)] * 6),
    "levy10": (levy, [(-10.0, 10.0)] * 10),
    "rosenbrock10": (rosenbrock, [(-5.0, 10.0)] * 10),
}


def study_best(function, bounds, sampler, trials):
    def objective(trial):
        return function([trial.suggest_float("x%d" % i, lo, hi) for i, (lo, hi) in enumerate(bounds)])

    study = optuna.create_study(direction="minimize", sampler=sampler)
    study.optimize(objective, n_trials=trials)
    return study.best_value


def main():
    name, trials, seeds, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    multivariate = "--multivariate" in sys.argv[5:]
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    function, bounds = FUNCTIONS[name]
    samplers = {
        "tpe": lambda s: optuna.samplers.TPESampler(seed=s),
        "random": lambda s: optuna.samplers.RandomSampler(seed=s),
    }
    if multivariate:
        samplers["tpe_multivariate"] = lambda s: optuna.samplers.TPESampler(seed=s, multivariate=True)
    out = {"version": optuna.__version__, "function": name, "trials": trials}
    seconds = {}
    for key, make in samplers.items():
        start = time.perf_counter()
        best = []
        for seed in range(first, first + seeds):
            best.append(study_best(function, bounds, make(seed), trials))
            print("optuna %s %s seed %d: %.6g" % (key, name, seed, best[-1]), file=sys.stderr, flush=True)
        seconds[key] = time.perf_counter() - start
        out[key] = best
    out["seconds"] = seconds
    print(json.dumps(out))


if __name__ == "__main__":
    main()

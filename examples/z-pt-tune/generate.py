#!/usr/bin/env python3
"""Drell–Yan Z/γ* → μ⁺μ⁻ events at 13 TeV from Pythia 8, for gmm-gpu's generator workflow.

Parton level (multiparton interactions and hadronisation off, so a core makes about 3000
events a second); QCD and QED showers on. Two parameters shape the Z's transverse momentum as
in the ATLAS AZ tune: the initial-state shower's αs(m_Z) (`SpaceShower:alphaSvalue`) and the
primordial kT of the hard process (`BeamRemnants:primordialKThard`).

Each event's observables (the order of config.yaml): m_μμ, p_T^μμ, |y^μμ|, φ*_η, the leading
and subleading muon's p_T and |η|, the leading jet's p_T (anti-k_T R = 0.4 over the final-state
partons, Pythia's SlowJet, p_T > 1 GeV, |η| < 4.5; 0 without a jet) and N_jets (p_T > 20 GeV).
Every event with two final-state muons is written; the selection is the observables'
intervals in config.yaml, which `gmm-gpu train` and `gmm-gpu study closure` apply.

Used as a module by workflow.py, or on its own:

    python3 generate.py --output events/ --theta 0.125,1.8 --events 20000 --seed 1
    python3 generate.py --output events/ --theta 0.125,1.8 --events 20000 --seed 2 --mass-bias

Pythia is not a dependency of gmm-gpu: `pip install pythia8mc==8.317.2` (a ready wheel for
CPython 3.11) is needed here only.
"""

import argparse
import math
import multiprocessing
import os
import sys
import time

import numpy as np

OBSERVABLES = ["m_ll", "pt_ll", "y_ll", "phistar", "mu1_pt", "mu2_pt", "mu1_eta", "mu2_eta", "jet1_pt", "njets"]
PARAMETERS = ["alphas", "kt"]
PYTHIA_PARAMETERS = {"alphas": "SpaceShower:alphaSvalue", "kt": "BeamRemnants:primordialKThard"}
Z_MASS = 91.1876
# The off-peak enhancement of the weighted sample: events are selected with probability ∝ bias(m̂)
# and weighted by 1/bias(m̂) (Pythia's biased phase-space selection; PhaseSpace:bias2Selection is
# the same mechanism for 2 → 2 processes, and a UserHooks bias its general form for 2 → 1).
MASS_BIAS_WIDTH = 6.0

SETTINGS = [
    "Beams:eCM = 13000",
    "WeakSingleBoson:ffbar2gmZ = on",
    "23:onMode = off",
    "23:onIfAny = 13",
    "PhaseSpace:mHatMin = 60",
    "PhaseSpace:mHatMax = 120",
    "PartonLevel:MPI = off",
    "HadronLevel:all = off",
    "Print:quiet = on",
    "Next:numberCount = 0",
    "Random:setSeed = on",
]


def mass_bias(m_hat):
    """The selection bias of the weighted sample: 1 on the peak, growing off it."""
    return 1.0 + ((m_hat - Z_MASS) / MASS_BIAS_WIDTH) ** 2


def _make_pythia(theta, seed, mass_biased):
    import pythia8mc

    pythia = pythia8mc.Pythia("", False)
    for line in SETTINGS + [f"Random:seed = {seed}"]:
        pythia.readString(line)
    for name, value in zip(PARAMETERS, theta):
        pythia.readString(f"{PYTHIA_PARAMETERS[name]} = {value!r}")
    hook = None
    if mass_biased:

        class MassBias(pythia8mc.UserHooks):
            def canBiasSelection(self):
                return True

            def biasSelectionBy(self, sigma_process, phase_space, in_event):
                bias = mass_bias(phase_space.mHat)
                self.selBias = bias  # what Pythia's info.weight() divides by
                return bias

        hook = MassBias()
        pythia.setUserHooksPtr(hook)
    if not pythia.init():
        raise RuntimeError("Pythia failed to initialise")
    return pythia, hook


def _observables(event, jets):
    """The observables of one event, or None without two final-state muons."""
    muons = []
    for i in range(event.size()):
        particle = event[i]
        if not particle.isFinal():
            continue
        a = particle.idAbs()
        if a == 13:
            muons.append(particle)
        if 11 <= a <= 16 or a == 22:
            particle.statusNeg()  # leptons and photons are not clustered into jets
    if len(muons) < 2:
        return None
    muons.sort(key=lambda p: -p.pT())
    a, b = muons[0], muons[1]
    px, py, pz, e = a.px() + b.px(), a.py() + b.py(), a.pz() + b.pz(), a.e() + b.e()
    m2 = e * e - px * px - py * py - pz * pz
    m = math.sqrt(max(m2, 0.0))
    pt = math.hypot(px, py)
    y = 0.5 * math.log((e + pz) / (e - pz)) if e > abs(pz) else 0.0
    # φ*_η = tan(φ_acop / 2) sin θ*_η, with cos θ*_η = tanh((η⁻ − η⁺) / 2).
    minus, plus = (a, b) if a.charge() < 0 else (b, a)
    dphi = abs(minus.phi() - plus.phi())
    if dphi > math.pi:
        dphi = 2 * math.pi - dphi
    phi_acop = math.pi - dphi
    cos_theta = math.tanh(0.5 * (minus.eta() - plus.eta()))
    phistar = math.tan(0.5 * phi_acop) * math.sqrt(max(0.0, 1 - cos_theta * cos_theta))
    jets.analyze(event)
    jet1 = jets.pT(0) if jets.sizeJet() > 0 else 0.0
    njets = sum(1 for k in range(jets.sizeJet()) if jets.pT(k) > 20.0)
    return (m, pt, abs(y), phistar, a.pT(), b.pT(), abs(a.eta()), abs(b.eta()), jet1, float(njets))


def _generate_chunk(task):
    """Events of one (θ, seed) chunk: observables [n, d] and weights [n]."""
    import pythia8mc

    theta, events, seed, mass_biased = task
    # Pythia's and FastJet's banners go to file descriptor 1: silenced while generating.
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        pythia, hook = _make_pythia(theta, seed, mass_biased)
        jets = pythia8mc.SlowJet(-1, 0.4, 1.0, 4.5, 2, 2)
        rows, weights = [], []
        tries = 0
        while len(rows) < events and tries < 2 * events + 100:
            tries += 1
            if not pythia.next():
                continue
            values = _observables(pythia.event, jets)
            if values is None:
                continue
            rows.append(values)
            weights.append(pythia.infoPython().weight() if mass_biased else 1.0)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    return np.array(rows, dtype=np.float64).reshape(-1, len(OBSERVABLES)), np.array(weights, dtype=np.float64)


def generate(theta, events, seed, workers=None, mass_biased=False, chunk=2500):
    """`events` events at θ = (alphas, kt): observables [N, d] and weights [N] (1 unless mass_biased).

    The work is split into chunks of `chunk` events, chunk k seeded with seed·1000 + k + 1
    (Pythia's seeds are at most 900,000,000), so the result does not depend on `workers`.
    """
    if seed < 0 or seed * 1000 + events // chunk + 1 > 900_000_000:
        raise ValueError(f"seed must be in [0, 900000), got {seed}")
    sizes = [chunk] * (events // chunk) + ([events % chunk] if events % chunk else [])
    tasks = [(tuple(theta), n, seed * 1000 + k + 1, mass_biased) for k, n in enumerate(sizes)]
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(tasks) == 1:
        parts = [_generate_chunk(t) for t in tasks]
    else:
        with multiprocessing.get_context("fork").Pool(min(workers, len(tasks))) as pool:
            parts = pool.map(_generate_chunk, tasks)
    x = np.concatenate([p[0] for p in parts])
    w = np.concatenate([p[1] for p in parts])
    if mass_biased:
        w *= len(w) / w.sum()  # mean weight 1: the total weight is the event count
    return x, w


def save(path, x, theta, weights=None):
    """Writes an .npz with one member per observable, per parameter (θ per event) and `weight`."""
    columns = {name: x[:, i] for i, name in enumerate(OBSERVABLES)}
    for name, value in zip(PARAMETERS, theta):
        columns[name] = np.full(len(x), float(value))
    if weights is not None:
        columns["weight"] = weights
    tmp = path + ".tmp.npz"
    np.savez(tmp, **columns)
    os.replace(tmp, path)


def generate_per_event(alphas_range, kt, points, events, seed, workers=None):
    """θ drawn per event: `points` αs values uniform in `alphas_range` (seeded), `events` events
    generated at each (one Pythia run per value); observables [N, d] and θ [N, 2]."""
    rng = np.random.default_rng(seed)
    alphas = rng.uniform(alphas_range[0], alphas_range[1], points)
    tasks = [((float(a), kt), events, seed * 1000 + k + 1, False) for k, a in enumerate(alphas)]
    workers = workers or os.cpu_count() or 1
    with multiprocessing.get_context("fork").Pool(min(workers, len(tasks))) as pool:
        parts = pool.map(_generate_chunk, tasks)
    x = np.concatenate([p[0] for p in parts])
    theta = np.concatenate([np.tile([a, kt], (len(p[0]), 1)) for p, a in zip(parts, alphas)])
    return x, theta


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", required=True, help="output directory")
    parser.add_argument("--theta", required=True, help="alphas,kt, e.g. 0.125,1.8")
    parser.add_argument("--events", type=int, required=True, help="events with two muons to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (0 to 899999)")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: every core)")
    parser.add_argument("--mass-bias", action="store_true", help="the weighted sample: off-peak masses enhanced, weights 1/bias")
    parser.add_argument("--name", help="file name (default: from θ)")
    parser.add_argument("--per-event", metavar="LO,HI,K",
                        help="θ drawn per event: K αs values uniform in [LO, HI] (kT from --theta), --events generated at each, one file")
    args = parser.parse_args(argv)
    theta = [float(v) for v in args.theta.split(",")]
    if args.per_event:
        lo, hi, k = args.per_event.split(",")
        if not (float(lo) < float(hi) and int(k) >= 1):
            parser.error(f"--per-event: expected LO,HI,K with LO < HI and K >= 1, got {args.per_event!r}")
        os.makedirs(args.output, exist_ok=True)
        start = time.time()
        x, t = generate_per_event((float(lo), float(hi)), theta[1], int(k), args.events, args.seed, args.workers)
        columns = {name: x[:, i] for i, name in enumerate(OBSERVABLES)}
        columns.update({name: t[:, j] for j, name in enumerate(PARAMETERS)})
        path = os.path.join(args.output, args.name or f"per_event_alphas{lo}-{hi}_{k}.npz")
        tmp = path + ".tmp.npz"
        np.savez(tmp, **columns)
        os.replace(tmp, path)
        print(f"{path}: {len(x)} events at {k} αs values in {time.time() - start:.1f} s")
        return 0
    if len(theta) != 2:
        parser.error(f"--theta: expected alphas,kt, got {args.theta!r}")
    if args.events < 1:
        parser.error(f"--events: expected at least 1, got {args.events}")
    os.makedirs(args.output, exist_ok=True)
    start = time.time()
    x, w = generate(theta, args.events, args.seed, args.workers, args.mass_bias)
    name = args.name or f"alphas{theta[0]:.4f}_kt{theta[1]:.3f}{'_weighted' if args.mass_bias else ''}.npz"
    path = os.path.join(args.output, name)
    save(path, x, theta, w if args.mass_bias else None)
    print(f"{path}: {len(x)} events in {time.time() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

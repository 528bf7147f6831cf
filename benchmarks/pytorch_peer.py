"""PyTorch peer of gmm-gpu's Table-5 network, for the throughput comparison in docs/BENCHMARKS.md.

The same model as `gmm-gpu bench throughput` times: the Appendix-A toy's four continuous
observables and two parameters, one Figure-3 network per observable (θ branch of 50, u branch
of 50 + 20·i, two intermediate layers of their sum, three heads of 60 → 20), LeakyReLU 0.2, the
output transform of the paper (s_f = s_μ = s_σ = 0.01, f_σ = 0.25, ε = 1e-4) and each Gaussian
truncated to the latent interval [-5, 5]. Written the way a PyTorch user would: one nn.Module
per observable, evaluated one after another.

It times, at the given thread count:
  training   events/s of Adam steps at batch 5000 (forward, loss, backward, step);
  logprob    events/s of the latent log-density (no_grad, chunks of 50k);
  sampling   events/s of autoregressive sampling (one network per observable and step).

Not a runtime dependency of gmm-gpu: only this benchmark uses Python.

    pip install torch==2.13.0
    python3 benchmarks/pytorch_peer.py --threads 2
"""

import argparse
import math
import time

import torch
from torch import nn

LO, HI = -5.0, 5.0


class ObservableNetwork(nn.Module):
    """Figure 3: p(u_i | u_<i, θ) as a truncated Gaussian mixture of n_g components."""

    def __init__(self, index, n_theta=2, a1=50, b1=50, b2=20, c=2, d=3, n_g=20):
        super().__init__()
        self.index = index
        n1 = a1
        n2 = 0 if index == 0 else b1 + b2 * index
        hidden = n1 + n2
        act = nn.LeakyReLU(0.2)
        self.theta_branch = nn.Sequential(nn.Linear(n_theta, n1), act)
        self.u_branch = nn.Sequential(nn.Linear(index, n2), act) if index > 0 else None
        layers = []
        for _ in range(c):
            layers += [nn.Linear(hidden, hidden), act]
        self.trunk = nn.Sequential(*layers)
        self.heads = nn.ModuleList(
            nn.Sequential(nn.Linear(hidden, d * n_g), act, nn.Linear(d * n_g, n_g)) for _ in range(3))
        for m in self.modules():
            if isinstance(m, nn.Linear):
                limit = 10 / (3 * math.sqrt(m.in_features))
                nn.init.uniform_(m.weight, -limit, limit)
                nn.init.zeros_(m.bias)
        spacing = (HI - LO) / n_g
        self.register_buffer("mean_offsets", LO + (torch.arange(n_g) + 0.5) * spacing)
        self.base_width = 0.25 * spacing

    def mixture(self, theta_scaled, u_scaled):
        h = self.theta_branch(theta_scaled)
        if self.u_branch is not None:
            h = torch.cat([h, self.u_branch(u_scaled[:, : self.index])], dim=1)
        h = self.trunk(h)
        a_f, a_mu, a_sigma = (head(h) for head in self.heads)
        log_w = torch.log_softmax(0.01 * a_f, dim=1)
        mu = self.mean_offsets + 0.01 * a_mu
        sigma = 1e-4 + self.base_width * torch.exp(0.01 * a_sigma)
        return log_w, mu, sigma

    def log_prob(self, theta_scaled, u_scaled, u):
        log_w, mu, sigma = self.mixture(theta_scaled, u_scaled)
        z = (u[:, None] - mu) / sigma
        log_norm = torch.log(torch.special.ndtr((HI - mu) / sigma) - torch.special.ndtr((LO - mu) / sigma))
        log_comp = -0.5 * z * z - torch.log(sigma) - 0.5 * math.log(2 * math.pi) - log_norm
        return torch.logsumexp(log_w + log_comp, dim=1)

    def sample(self, theta_scaled, u_scaled, generator):
        log_w, mu, sigma = self.mixture(theta_scaled, u_scaled)
        g = torch.multinomial(log_w.exp(), 1, generator=generator).squeeze(1)
        mu_g = mu.gather(1, g[:, None]).squeeze(1)
        sigma_g = sigma.gather(1, g[:, None]).squeeze(1)
        a = torch.special.ndtr((LO - mu_g) / sigma_g)
        b = torch.special.ndtr((HI - mu_g) / sigma_g)
        v = torch.rand(mu_g.shape, generator=generator)
        p = (a + v * (b - a)).clamp(1e-7, 1 - 1e-7)
        return (mu_g + sigma_g * torch.special.ndtri(p)).clamp(LO, HI)


class Model(nn.Module):
    def __init__(self, d=4):
        super().__init__()
        self.networks = nn.ModuleList(ObservableNetwork(i) for i in range(d))

    def log_prob(self, theta, u):
        ts, us = theta * 2.0, u / 2.5  # inputs scaled to [-2, 2]
        return sum(net.log_prob(ts, us, u[:, i]) for i, net in enumerate(self.networks))

    def sample(self, theta, n, generator):
        ts = theta * 2.0
        u = torch.zeros(n, len(self.networks))
        for i, net in enumerate(self.networks):
            u[:, i] = net.sample(ts, u / 2.5, generator)
        return u


def timed(seconds, step):
    """Runs `step` (returning events done) until `seconds` have passed; events per second."""
    step()  # warm-up
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        done += step()
    return done / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--events", type=int, default=200_000)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model = Model()
    flops = sum(2 * m.in_features * m.out_features for m in model.modules() if isinstance(m, nn.Linear))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU capability "
          f"{torch.backends.cpu.get_cpu_capability()}; {sum(p.numel() for p in model.parameters())} parameters, "
          f"{flops / 1e3:.1f} kFLOP/event forward")

    theta = torch.rand(args.events, 2) * 2 - 1
    u = torch.rand(args.events, 4) * 8 - 4
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    position = [0]

    def train_step():
        i = position[0]
        position[0] = (i + args.batch) % (args.events - args.batch)
        optimizer.zero_grad(set_to_none=True)
        loss = -model.log_prob(theta[i:i + args.batch], u[i:i + args.batch]).mean()
        loss.backward()
        optimizer.step()
        return args.batch

    def logprob_pass():
        with torch.no_grad():
            for i in range(0, args.events, 50_000):
                model.log_prob(theta[i:i + 50_000], u[i:i + 50_000])
        return args.events

    generator = torch.Generator().manual_seed(2)
    theta_point = torch.tensor([[0.2, -0.5]])

    def sampling_pass():
        with torch.no_grad():
            for _ in range(0, args.events, 50_000):
                model.sample(theta_point.expand(50_000, 2), 50_000, generator)
        return args.events

    train = timed(args.seconds, train_step)
    logprob = timed(args.seconds, logprob_pass)
    sampling = timed(args.seconds, sampling_pass)
    print(f"training (batch {args.batch}): {train / 1e3:.1f}k events/s")
    print(f"logprob (latent, chunks of 50k): {logprob / 1e3:.1f}k events/s")
    print(f"sampling (chunks of 50k): {sampling / 1e3:.1f}k events/s")


if __name__ == "__main__":
    main()

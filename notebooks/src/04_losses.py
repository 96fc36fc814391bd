# %% [markdown]
# # 4. Loss functions
#
# **What this teaches.** What each loss of `nn.losses` rewards and punishes,
# read off its graph and its derivative; the multiclass hinge on a small
# score matrix; the Jacobian of softmax and why softmax followed by
# cross-entropy has the gradient $\hat{\mathbf y} - \mathbf y$; and why the
# textbook formulas overflow while the library's do not. Every derivative
# plotted here is computed by the engine (`autograd.grad`), not typed in.

# %%
%matplotlib inline
%config InlineBackend.figure_formats = ["retina"]
%config InlineBackend.print_figure_kwargs = {"bbox_inches": None}  # no cropping pass
import math

import matplotlib.pyplot as plt

import autograd
import nn
from autograd import Value

# 160-dpi figures (retina: twice figure.dpi), 12-pt text, dashes as well as colours
plt.rcParams.update(nn.plot.slide_style())

def curve(loss, xs, **kw):
    """Loss values and engine derivatives d loss / d x at each x."""
    values, slopes = [], []
    for x in xs:
        v = Value(x)
        out = loss(v, **kw)
        (d,) = autograd.grad(out, [v])
        values.append(out.data)
        slopes.append(d)
    return values, slopes

grid = [-3 + 6 * k / 600 for k in range(601)]

# %% [markdown]
# ## Margin losses
#
# For a label $y \in \{-1, +1\}$ and a score $s$, the *margin* is $m = y s$:
# positive when the sign is right, large when it is right with confidence.
#
# | loss | $\ell(m)$ | $\ell'(m)$ |
# |---|---|---|
# | `logistic` | $\ln(1 + e^{-m})$ | $-\sigma(-m)$ |
# | `exponential` | $e^{-m}$ | $-e^{-m}$ |
# | `hinge` | $\max(0, 1 - m)$ | $-1$ if $m < 1$, else $0$ |
# | `squared_hinge` | $\max(0, 1 - m)^2$ | $-2\max(0, 1 - m)$ |
# | `quadratic_margin` | $(1 - m)^2$ | $-2(1 - m)$ |
#
# With $y = +1$ the score *is* the margin, so the plots pass $s = m$ and read
# against $m$. For $m < 1$, `squared_hinge` and `quadratic_margin` are the
# same function, $(1 - m)^2$: there their curves lie on top of each other.

# %%
margin_losses = ["logistic", "exponential", "hinge", "squared_hinge", "quadratic_margin"]
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
left.plot(grid, [1.0 if m <= 0 else 0.0 for m in grid], color="0.75", ls="-", lw=5,
          label="0-1 loss")
for name in margin_losses:
    values, slopes = curve(getattr(nn.losses, name), grid, y=1)
    left.plot(grid, values, label=name)
    right.plot(grid, slopes, label=name)
left.set_ylim(-0.2, 5)
right.set_ylim(-5, 1)
left.set_title("loss against the margin $m = y\\,s$")
right.set_title("its derivative $d\\ell/dm$ (engine)")
for ax in (left, right):
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlabel("margin $m$")
fig.legend(*left.get_legend_handles_labels(), loc="outside right upper")
plt.show()

# %% [markdown]
# Read the right panel as "how hard the loss still pushes". The hinge stops
# pushing once $m \ge 1$; the logistic and exponential losses never stop but
# fade; the exponential pushes extremely hard on badly wrong points
# (sensitive to outliers); `quadratic_margin` even pushes *back* when the
# margin exceeds 1 — it punishes being right with confidence.
#
# The derivatives agree with the formulas of the table:

# %%
for m in (-2.0, 0.5, 1.0, 2.0):
    got = {name: curve(getattr(nn.losses, name), [m], y=1)[1][0] for name in margin_losses}
    want = {"logistic": -1 / (1 + math.exp(m)), "exponential": -math.exp(-m),
            "hinge": -1.0 if m < 1 else 0.0, "squared_hinge": -2 * max(0.0, 1 - m),
            "quadratic_margin": -2 * (1 - m)}
    assert all(abs(got[k] - want[k]) < 1e-15 for k in got), (m, got, want)
    print(f"m = {m:4}: " + ", ".join(f"{k} {v:.4f}" for k, v in got.items()))

# %% [markdown]
# ## Regression losses
#
# Against the error $e = \hat y - y$: `mse` $e^2$ (derivative $2e$), `l2`
# $\tfrac12 e^2$ (derivative $e$), `l1` $|e|$ (derivative $\operatorname{sign} e$,
# 0 at the kink as PyTorch).

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
for name in ("mse", "l2", "l1"):
    values, slopes = curve(lambda e, fn=getattr(nn.losses, name): fn(e, 0.0), grid)
    left.plot(grid, values, label=name)
    right.plot(grid, slopes, label=name)
left.set_title("loss against the error $e$")
right.set_title("derivative (engine)")
left.set_ylim(-0.2, 5)
for ax in (left, right):
    ax.set_xlabel("error $e = \\hat y - y$")
left.legend()
plt.show()

# %% [markdown]
# ## Losses on probabilities
#
# `bce` takes a probability $p$ and a target $t \in [0, 1]$:
# $-[t\ln p + (1-t)\ln(1-p)]$, derivative $\frac{p - t}{p(1-p)}$, which blows
# up as a confident prediction turns out wrong. `bce_with_logits` takes the
# logit $x$ with $p = \sigma(x)$; its derivative is just $\sigma(x) - t$, and for
# $t = 1$ it *is* the logistic loss of the margin $x$.

# %%
probs = [k / 200 for k in range(2, 199)]
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
values, slopes = curve(lambda q: nn.losses.bce(q, 1.0), probs)
left.plot(probs, values, label="bce(p, t=1)")
left.plot(probs, slopes, label="d/dp")
left.set_xlabel("probability $p$")
left.set_ylim(-10, 5)
left.legend()
values, slopes = curve(lambda x: nn.losses.bce_with_logits(x, 1.0), grid)
right.plot(grid, values, label="bce_with_logits(x, t=1)")
right.plot(grid, slopes, label="d/dx = $\\sigma(x) - 1$")
right.set_xlabel("logit $x$")
right.legend()
plt.show()
same = max(abs(nn.losses.bce_with_logits(x, 1.0).data - nn.losses.logistic(x, 1).data)
           for x in grid)
print("largest |bce_with_logits(x, 1) - logistic(x, +1)| on the grid:", same)

# %% [markdown]
# `kl_divergence(p, q)` $= \sum_i p_i \ln(p_i/q_i) \ge 0$ is zero only when the
# two distributions agree; it is the cross-entropy of $q$ under $p$ minus the
# entropy of $p$:

# %%
p_dist, q_dist = [0.7, 0.2, 0.1], [0.5, 0.3, 0.2]
kl = nn.losses.kl_divergence(p_dist, q_dist).data
cross = -sum(a * math.log(b) for a, b in zip(p_dist, q_dist))
entropy = -sum(a * math.log(a) for a in p_dist)
print(f"KL(p||q) = {kl:.6f}, H(p, q) - H(p) = {cross - entropy:.6f}, "
      f"KL(p||p) = {nn.losses.kl_divergence(p_dist, p_dist).data}")

# %% [markdown]
# ## The multiclass hinge
#
# For the class scores $s$ of one sample with true class $t$:
#
# $$L = \sum_{j \ne t} \max(0,\ s_j - s_t + \Delta), \qquad \Delta = 1 .$$
#
# A classic score matrix: 3 images (rows), 3 classes (cat, car, frog).

# %%
classes = ["cat", "car", "frog"]
scores = [[3.2, 5.1, -1.7],
          [1.3, 4.9, 2.0],
          [2.2, 2.5, -3.1]]
targets = [0, 1, 2]
for s, t in zip(scores, targets):
    terms = [max(0.0, s[j] - s[t] + 1.0) for j in range(3) if j != t]
    by_hand = sum(terms)
    engine = nn.losses.multiclass_hinge(s, t).data
    print(f"true {classes[t]:4}: scores {s}, terms {[round(x, 2) for x in terms]}, "
          f"by hand {by_hand:.2f}, engine {engine:.2f}")
batch = nn.losses.multiclass_hinge(scores, targets)
print(f"mean over the batch: {batch.data:.4f}")

# %% [markdown]
# Its gradient with respect to the scores: $+1$ for every class that violates
# the margin, and $-(\text{number of violations})$ for the true class.

# %%
S = [Value(x) for x in scores[0]]
grads = autograd.grad(nn.losses.multiclass_hinge(S, 0), S)
print("scores", scores[0], "-> gradient", list(grads))

# %% [markdown]
# ## Softmax and its Jacobian
#
# $$p_i = \frac{e^{s_i}}{\sum_k e^{s_k}},\qquad
#   \frac{\partial p_i}{\partial s_j} = p_i(\delta_{ij} - p_j),
#   \qquad J = \operatorname{diag}(p) - p\,p^\top .$$
#
# The engine gives each row of $J$ as the gradient of one output:

# %%
s_data = [2.0, 1.0, 0.1]
S = [Value(x) for x in s_data]
P = autograd.softmax(S)
p = [x.data for x in P]
J_engine = [list(autograd.grad(P[i], S)) for i in range(3)]
J_formula = [[p[i] * ((i == j) - p[j]) for j in range(3)] for i in range(3)]
print("p =", [round(x, 6) for x in p])
for i in range(3):
    print("  ".join(f"{J_engine[i][j]: .6f}" for j in range(3)), "   formula:",
          "  ".join(f"{J_formula[i][j]: .6f}" for j in range(3)))
print("largest difference:", max(abs(J_engine[i][j] - J_formula[i][j])
                                 for i in range(3) for j in range(3)))
print("each column sums to", [round(sum(J_engine[i][j] for i in range(3)), 15) + 0.0
                            for j in range(3)])

# %% [markdown]
# ## Softmax + cross-entropy gives $\hat{\mathbf y} - \mathbf y$
#
# With a one-hot target $\mathbf y$ (class $t$), $L = -\ln p_t$. By the chain
# rule through the Jacobian,
#
# $$\frac{\partial L}{\partial s_j} = \sum_i \frac{\partial L}{\partial p_i}
#   \frac{\partial p_i}{\partial s_j} = -\frac{1}{p_t}\, p_t(\delta_{tj} - p_j)
#   = p_j - y_j .$$
#
# All the divisions cancel: the gradient is simply prediction minus target.

# %%
t = 0
S = [Value(x) for x in s_data]
L = nn.losses.cross_entropy(S, t)
L.backward()
print("L =", L.data, " -ln p_t =", -math.log(p[t]))
print("engine dL/ds :", [x.grad for x in S])
print("p - onehot   :", [p[j] - (j == t) for j in range(3)])

# %% [markdown]
# ## Naive formulas overflow; stable ones do not
#
# $e^{1000}$ is not a float64 (the largest is about $1.8\cdot10^{308}$). The
# naive softmax then computes $\infty/\infty = \text{nan}$. Softmax does not
# change when the same constant is subtracted from every score, so the stable
# version subtracts $\max_k s_k$ first; cross-entropy uses
# $\ln\sum_k e^{s_k} = c + \ln\sum_k e^{s_k - c}$ (log-sum-exp).

# %%
big = [1000.0, 0.0, -1000.0]
S = [Value(x) for x in big]
exps = [s.exp() for s in S]
naive_softmax = [e / autograd.sum(exps) for e in exps]
naive_ce = -(naive_softmax[2].log())
print("naive softmax  :", [x.data for x in naive_softmax])
print("stable softmax :", [x.data for x in autograd.softmax(S)])
print("naive CE (t=2) :", naive_ce.data)
S = [Value(x) for x in big]
ce = nn.losses.cross_entropy(S, 2)
ce.backward()
print("stable CE (t=2):", ce.data, " gradient", [x.grad for x in S])

# %% [markdown]
# The same happens with the logistic loss: $\ln(1 + e^{-m})$ overflows for
# $m = -1000$ (the answer is $1000$), and $\ln(1 + e^{-m})$ for $m = 40$
# rounds $1 + e^{-40}$ to $1$ and returns $0$ instead of $4.2\cdot10^{-18}$.
# `nn.losses.logistic` computes $-\ln\sigma(m)$ with a stable log-sigmoid.

# %%
for m in (-1000.0, 40.0):
    M = Value(m)
    naive = (1 + (-M).exp()).log()
    stable = nn.losses.logistic(Value(m), 1)
    print(f"m = {m:7}: naive {naive.data!r:24} stable {stable.data!r}")

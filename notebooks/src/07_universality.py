# %% [markdown]
# # 7. Universality: networks written down by hand
#
# **What this teaches.** Why ReLU networks can represent so much: with
# $\mathrm{relu}(z) = \max(0, z)$ we can *write down* the weights of networks
# that compute $|x|$, the L1 distance to a point, a bump around a point, a
# lookup table that memorises any finite labelled set, and the
# piecewise-linear interpolant of any continuous function — whose error
# shrinks as knots (hidden neurons) are added. Nothing here is trained: the
# weights come from `nn.construct`, and each network is an ordinary `nn.MLP`.

# %%
%matplotlib inline
%config InlineBackend.figure_formats = ["retina"]
%config InlineBackend.print_figure_kwargs = {"bbox_inches": None}  # no cropping pass
import math
import random

import matplotlib.pyplot as plt

import nn

# 160-dpi figures (retina: twice figure.dpi), 12-pt text, dashes and hatching as well as colours
plt.rcParams.update(nn.plot.slide_style())

def on_grid(model, lo=-2.0, hi=2.0, n=41):
    xs = [lo + (hi - lo) * k / (n - 1) for k in range(n)]
    return xs, [[model([a, b]).data for a in xs] for b in xs]

# %% [markdown]
# ## $|x| = \mathrm{relu}(x) + \mathrm{relu}(-x)$
#
# Two hidden neurons with weights $+1$ and $-1$, an output that adds them.

# %%
absolute = nn.construct.abs_net()
print(absolute)
print("weights:", absolute.weights())
xs = [k / 10 for k in range(-20, 21)]
assert all(absolute([x]).data == abs(x) for x in xs)
print("abs_net(x) == |x| at", len(xs), "points")

# %% [markdown]
# ## The L1 distance and a bump
#
# Doing that per coordinate gives $\lVert\mathbf x - \mathbf q\rVert_1 =
# \sum_d \mathrm{relu}(x_d - q_d) + \mathrm{relu}(q_d - x_d)$ with $2D$ hidden
# neurons. One more ReLU on top turns the distance into a *pseudo-Dirac*: a
# pyramid of height 1 at $\mathbf q$ that is exactly 0 at L1 distance $\ge 1$,
#
# $$\delta_{\mathbf q}(\mathbf x) = \mathrm{relu}\big(1 - \lVert\mathbf x - \mathbf q\rVert_1\big).$$

# %%
q = [0.5, -0.5]
dist, bump = nn.construct.l1_norm_net(q), nn.construct.pseudo_dirac_net(q)
rng = random.Random(0)
for _ in range(5):
    x = [rng.uniform(-2, 2), rng.uniform(-2, 2)]
    l1 = abs(x[0] - q[0]) + abs(x[1] - q[1])
    print(f"x = ({x[0]:+.3f}, {x[1]:+.3f}): ‖x − q‖₁ = {l1:.6f}, net {dist(x).data:.6f}, "
          f"bump {bump(x).data:.6f} (formula {max(0.0, 1 - l1):.6f})")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
for ax, model, title in ((left, dist, "l1_norm_net: ‖x − q‖₁"),
                         (right, bump, "pseudo_dirac_net: relu(1 − ‖x − q‖₁)")):
    grid, Z = on_grid(model)
    c = ax.contourf(grid, grid, Z, levels=20, cmap="viridis")
    fig.colorbar(c, ax=ax)
    ax.plot(*q, "X", color="white", markeredgecolor="black", markersize=12)
    ax.set_aspect("equal")
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_title(title)
plt.show()

# %% [markdown]
# ## A network that memorises
#
# Distinct points with integer coordinates are at L1 distance $\ge 1$ from
# each other, so their bumps do not overlap. Weighting the bump of each
# training point by its label,
#
# $$f(\mathbf x) = \sum_n y_n\, \mathrm{relu}\big(1 - \lVert\mathbf x - \mathbf x_n\rVert_1\big),$$
#
# outputs $y_n$ at $\mathbf x_n$ exactly: 100 % training accuracy, for *any*
# labels, with $2ND + N + 1$ neurons. Here the labels follow a simple rule,
# $y = \operatorname{sign}(x_1 - x_2 + \tfrac12)$, on 15 of the 49 integer
# points of $[-3, 3]^2$:

# %%
grid_points = [[float(a), float(b)] for a in range(-3, 4) for b in range(-3, 4)]
rng = random.Random(1)
rng.shuffle(grid_points)
train, test = grid_points[:15], grid_points[15:]
rule = lambda p: 1.0 if p[0] - p[1] + 0.5 > 0 else -1.0
memo = nn.construct.memorizer_net(train, [rule(p) for p in train])
print(f"{nn.construct.count_neurons(memo)} neurons (2·N·D + N + 1 = {2 * 15 * 2 + 15 + 1})")

def report(points, name):
    outs = [memo(p).data for p in points]
    right = sum(o == rule(p) for o, p in zip(outs, points))
    undecided = sum(o == 0.0 for o in outs)
    print(f"{name}: {right}/{len(points)} right, {undecided} answered exactly 0 (no idea)")

report(train, "training points")
report(test, "other integer points")
shifted = [[a + 0.5, b + 0.5] for a, b in train]
report(shifted, "training points moved by (½, ½)")

# %%
fig, ax = plt.subplots(figsize=(6, 5.4))
grid, Z = on_grid(memo, -3.5, 3.5, 71)
c = ax.contourf(grid, grid, Z, levels=[-1.01, -0.5, -0.01, 0.01, 0.5, 1.01], cmap="coolwarm",
                hatches=["\\\\", "\\\\", None, "..", ".."])  # the sign shows in greyscale too
fig.colorbar(c, ax=ax, ticks=[-1, -0.5, 0, 0.5, 1], label="f(x)", shrink=0.8)
for label, marker in ((1.0, "^"), (-1.0, "o")):
    points = [p for p in train if rule(p) == label]
    ax.scatter([p[0] for p in points], [p[1] for p in points], marker=marker, s=70,
               color=plt.cm.coolwarm(0.5 + label / 2), edgecolors="k",
               label=f"training point, y = {label:+.0f}".replace("-", "−"))
ax.scatter([p[0] for p in test], [p[1] for p in test], marker="x", c="k",
           label="other integer point")
ax.set_aspect("equal")
ax.set_xlabel("x₁")
ax.set_ylabel("x₂")
fig.legend(loc="outside lower center", ncols=2)
ax.set_title("the memoriser: right on its points, 0 elsewhere")
plt.show()

# %% [markdown]
# It is perfect on what it saw and useless on everything else: it has stored
# the data, not learned the rule. Universality alone says nothing about
# generalisation (notebook 9).
#
# ## Approximating a continuous function
#
# In 1-D, the piecewise-linear interpolant through knots
# $(x_0, y_0), \dots, (x_n, y_n)$ is a one-hidden-layer ReLU network: start
# with $y_0$, and at each knot change the slope by
# $S_i - S_{i-1}$,
#
# $$f(x) = y_0 + \sum_{i=0}^{n-1} (S_i - S_{i-1})\,\mathrm{relu}(x - x_i),
#   \qquad S_i = \frac{y_{i+1} - y_i}{x_{i+1} - x_i},\ S_{-1} = 0 .$$
#
# For a smooth target the error with knot spacing $h$ is at most
# $\tfrac18 h^2 \max|g''|$: doubling the knots divides it by about 4.

# %%
g = lambda x: math.sin(2 * x) + 0.3 * x
a, b = -3.0, 3.0
dense = [a + (b - a) * k / 2000 for k in range(2001)]
errors = {}
nets = {}
for n in (4, 8, 16, 32, 64):
    knots = [a + (b - a) * i / n for i in range(n + 1)]
    net = nn.construct.interpolant_net(knots, [g(x) for x in knots])
    nets[n] = net
    errors[n] = max(abs(net([x]).data - g(x)) for x in dense)
    bound = (b - a) ** 2 / n ** 2 / 8 * 4      # h²/8 · max|g''|, and |g''| ≤ 4
    print(f"{n:3d} intervals, {len(net.layers[0].neurons):3d} hidden neurons: "
          f"max error {errors[n]:.2e} (bound {bound:.2e})")
ratios = [errors[n] / errors[2 * n] for n in (4, 8, 16, 32)]
print("error ratio when the knots double:", [round(r, 2) for r in ratios])

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
left.plot(dense, [g(x) for x in dense], color="0.7", ls="-", lw=5, label="g(x) = sin 2x + 0.3x")
for n in (4, 8):
    left.plot(dense, [nets[n]([x]).data for x in dense], label=f"{n} intervals")
left.set_ylim(-2.6, 1.5)  # room for the legend under the curves
left.legend(loc="lower right")
left.set_xlabel("x")
left.set_title("piecewise-linear ReLU networks")
ns = list(errors)
right.loglog(ns, [errors[n] for n in ns], "o-", label="max error")
right.loglog(ns, [errors[4] * (4 / n) ** 2 for n in ns], "k--", label="∝ 1/n²")
right.set_xticks(ns, labels=[str(n) for n in ns])
right.set_xticks([], minor=True)
right.set_xlabel("intervals (hidden neurons)")
right.set_ylabel("max |net(x) − g(x)|")
right.legend()
right.set_title("error against network size")
plt.show()

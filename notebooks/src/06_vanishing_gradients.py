# %% [markdown]
# # 6. Vanishing gradients
#
# **What this teaches.** Backpropagation multiplies one local derivative per
# layer. The sigmoid's derivative is at most $\tfrac14$, so in a deep chain of
# sigmoid neurons the gradient reaching the first layers shrinks
# geometrically; ReLU's derivative is 0 or 1 and does not shrink it. Second
# lesson: when every input of a neuron is positive, all its weight gradients
# have the same sign, which forces a zig-zag path — one reason to centre the
# inputs.

# %%
%matplotlib inline
%config InlineBackend.figure_formats = ["retina"]
%config InlineBackend.print_figure_kwargs = {"bbox_inches": None}  # no cropping pass
import random

import matplotlib.pyplot as plt

import autograd
import nn
from autograd import Value

# 160-dpi figures (retina: twice figure.dpi), 12-pt text, dashes and markers as well as colours
plt.rcParams.update(nn.plot.slide_style())
plt.rcParams["figure.figsize"] = (6.4, 3.6)

# %% [markdown]
# ## A chain of sigmoid neurons
#
# One neuron per layer: $a_0 = x$, $a_k = \sigma(w_k a_{k-1} + b_k)$ for
# $k = 1..D$, loss $L = \tfrac12(a_D - y)^2$. The chain rule gives
#
# $$\frac{\partial L}{\partial w_k} = (a_D - y)\,
#   \Big(\prod_{m=k+1}^{D} \sigma'(z_m)\, w_m\Big)\, \sigma'(z_k)\, a_{k-1},
#   \qquad \sigma'(z) = \sigma(z)(1 - \sigma(z)) \le \tfrac14 .$$
#
# Every layer above $k$ adds a factor $|\sigma'(z_m) w_m| \le |w_m|/4$.

# %%
def chain(depth, activation, seed=0):
    """The gradient magnitude |dL/dw_k| for each layer k = 1..depth."""
    rng = random.Random(seed)
    weights = [Value(rng.uniform(0.5, 1.5), label=f"w{k + 1}") for k in range(depth)]
    biases = [Value(rng.uniform(-0.1, 0.1)) for _ in range(depth)]
    a = Value(1.0, label="x")
    for w, b in zip(weights, biases):
        a = getattr(w * a + b, activation)()
    loss = 0.5 * (a - 0.0) ** 2
    loss.backward()
    return [abs(w.grad) for w in weights]

depth = 12
sig, rel = chain(depth, "sigmoid"), chain(depth, "relu")
print(f"{'layer':>5} {'sigmoid |dL/dw|':>16} {'relu |dL/dw|':>14}")
for k in range(depth):
    print(f"{k + 1:5d} {sig[k]:16.3e} {rel[k]:14.3e}")
print(f"first/last layer: sigmoid {sig[0] / sig[-1]:.1e}, relu {rel[0] / rel[-1]:.2f}")

# %%
fig, ax = plt.subplots()
layers = range(1, depth + 1)
ax.semilogy(layers, sig, "o-", label="sigmoid")
ax.semilogy(layers, rel, "s--", label="ReLU")
ax.set_xlabel("layer k (1 = next to the input)")
ax.set_ylabel(r"$|\partial L / \partial w_k|$")
ax.set_title("A 12-neuron chain: gradient size per layer")
ax.legend()
plt.show()

# %% [markdown]
# ## The same in a real network
#
# An MLP with 8 hidden layers of 8 neurons (Glorot initialisation), on a
# small batch, once with sigmoid and once with ReLU. For each layer, the mean
# absolute gradient of its weights.

# %%
X, y = nn.data.make_regression(32, noise=0.1, seed=1)

def layer_gradients(activation, seed=3):
    model = nn.MLP(3, [8] * 8 + [1], activation=activation, init="xavier", seed=seed)
    loss = nn.losses.mse([model(x) for x in X], y)
    loss.backward()
    return [sum(abs(w.grad) for n in layer.neurons for w in n.w)
            / sum(len(n.w) for n in layer.neurons)
            for layer in model.layers]

g_sig, g_relu = layer_gradients("sigmoid"), layer_gradients("relu")
for k, (a, b) in enumerate(zip(g_sig, g_relu), start=1):
    print(f"layer {k}: sigmoid {a:.2e}   relu {b:.2e}")

# %%
fig, ax = plt.subplots()
ax.semilogy(range(1, 10), g_sig, "o-", label="sigmoid")
ax.semilogy(range(1, 10), g_relu, "s--", label="ReLU")
ax.set_xlabel("layer (9 = output)")
ax.set_ylabel("mean |gradient| of the layer's weights")
ax.set_title("MLP 3-8x8-1: where the gradient goes")
ax.legend()
plt.show()

# %% [markdown]
# The sigmoid network's first layer receives a gradient orders of magnitude
# smaller than its last one: with one learning rate for all, the first layers
# barely move. With ReLU they stay within about one order of magnitude.
#
# ## Why zero-mean inputs matter
#
# For a neuron $z = \sum_i w_i x_i + b$, every weight gradient is the same
# number $\delta = \partial L/\partial z$ times its input:
#
# $$\frac{\partial L}{\partial w_i} = \delta\, x_i .$$
#
# If every $x_i > 0$, all components of the gradient have the sign of
# $\delta$: one step can only increase all weights or decrease all of them.
# To reach $w^\star = (1, -1)$ the weights must zig-zag. Centred inputs
# (mean subtracted) have no such constraint.

# %%
rng = random.Random(7)
positive = [[rng.uniform(0.0, 2.0), rng.uniform(0.0, 2.0)] for _ in range(40)]
mean = [sum(col) / len(positive) for col in zip(*positive)]
centred = [[a - m for a, m in zip(x, mean)] for x in positive]
w_star = [1.0, -1.0]

def sgd_path(data, lr, steps=60):
    """Per-sample SGD on L = ½(w·x − w*·x)², from w = (0, 0); the path and the
    fraction of steps whose two weight gradients had the same sign."""
    w = [Value(0.0), Value(0.0)]
    path, same_sign = [(0.0, 0.0)], 0
    for t in range(steps):
        x = data[t % len(data)]
        target = w_star[0] * x[0] + w_star[1] * x[1]
        loss = 0.5 * (autograd.dot(w, x) - target) ** 2
        w[0].grad = w[1].grad = 0.0
        loss.backward()
        same_sign += (w[0].grad * w[1].grad) > 0
        for p in w:
            p.data -= lr * p.grad
        path.append((w[0].data, w[1].data))
    return path, same_sign / steps

path_pos, same_pos = sgd_path(positive, lr=0.5)
path_cen, same_cen = sgd_path(centred, lr=0.5)
dist = lambda p: ((p[0] - w_star[0]) ** 2 + (p[1] - w_star[1]) ** 2) ** 0.5
print(f"all-positive inputs: {same_pos:.0%} of steps moved both weights the same way; "
      f"distance to w* after 60 steps {dist(path_pos[-1]):.1e}")
print(f"centred inputs:      {same_cen:.0%} of steps moved both weights the same way; "
      f"distance to w* after 60 steps {dist(path_cen[-1]):.1e}")

# %%
fig, ax = plt.subplots(figsize=(9, 5))  # wide enough for the square axes and the legend
for path, name, fmt in ((path_pos, "all-positive inputs", "o-"),
                        (path_cen, "centred inputs", "s--")):
    ax.plot([p[0] for p in path], [p[1] for p in path], fmt, markersize=4, label=name)
ax.plot(*w_star, "k*", markersize=16, label="$w^\\star$")
ax.axhline(0, color="grey", lw=0.5)
ax.axvline(0, color="grey", lw=0.5)
ax.set_xlabel("$w_1$")
ax.set_ylabel("$w_2$")
ax.set_aspect("equal")
ax.set_title("SGD paths from (0, 0)")
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))  # beside the paths, not on them
plt.show()

# %% [markdown]
# With positive inputs each step points into the first or third quadrant
# (both weights up, or both down), so the path towards $(1, -1)$ is a
# zig-zag and, with the same learning rate and the same 60 steps, ends
# thousands of times farther from $w^\star$; with centred inputs the steps
# can point anywhere and the path heads for $w^\star$ far more directly. This
# is also why zero-centred activations (tanh) were preferred to the sigmoid,
# whose outputs are all positive.

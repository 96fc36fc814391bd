# %% [markdown]
# # 2. A neuron is a hyperplane
#
# **What this teaches.** A single neuron scores a point by
# $s = \mathbf w \cdot \mathbf x + b$ and decides by the sign of $s$: the two
# classes are separated by the hyperplane $\mathbf w \cdot \mathbf x + b = 0$,
# whose normal is $\mathbf w$. The four XOR points cannot be separated by any
# hyperplane, so no single neuron gets them right; a hidden ReLU layer bends
# the input space until they can, and a two-layer MLP learns XOR.

# %%
%matplotlib inline
import sys

import matplotlib.pyplot as plt

import nn

plt.rcParams.update({"figure.dpi": 80})

# %% [markdown]
# ## One neuron, one line
#
# In 2-D the hyperplane is a line. The score grows in the direction of
# $\mathbf w$ and $s/\lVert\mathbf w\rVert$ is the signed distance of a point to
# the line.

# %%
neuron = nn.MLP.from_weights([[[1.0, 2.0]]], [[-1.5]])   # s = x1 + 2 x2 - 1.5
points = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 2.0], [2.0, -1.0]]
classes = []
for point in points:
    s = neuron(point).data
    classes.append(1 if s > 0 else -1)
    print(f"x = {point}: s = {s:+.1f} -> class {classes[-1]:+d}")
ax = nn.plot.decision_boundary(neuron, points, classes, resolution=60)
ax.annotate("", xy=(0.5 + 0.3, 0.5 + 0.6), xytext=(0.5, 0.5),   # along w = (1, 2)
            arrowprops={"arrowstyle": "->", "lw": 2})
ax.text(0.45, 0.85, "w", fontsize=14)
ax.set_aspect("equal")
ax.set_title("the line s = x₁ + 2x₂ − 1.5 = 0, normal w", fontsize=10)
plt.show()

# %% [markdown]
# ## XOR is not linearly separable
#
# XOR labels $(0,0)$ and $(1,1)$ as $-$, $(0,1)$ and $(1,0)$ as $+$. A
# neuron would need
#
# $$b < 0,\qquad w_1 + b > 0,\qquad w_2 + b > 0,\qquad w_1 + w_2 + b < 0 .$$
#
# Adding the two middle inequalities gives $w_1 + w_2 + 2b > 0$, so
# $w_1 + w_2 + b > -b > 0$, contradicting the last one. At most 3 of the 4
# points can be right. A search over many lines agrees:

# %%
X, y = nn.data.make_xor(labels="sign")
print("points:", X, "labels:", y)

def correct(w1, w2, b):
    return sum((w1 * p[0] + w2 * p[1] + b > 0) == (t > 0) for p, t in zip(X, y))

steps = [k / 10 for k in range(-30, 31)]
best = max(correct(w1, w2, b) for w1 in steps for w2 in steps for b in steps)
print(f"best over {len(steps) ** 3} neurons (w1, w2, b on a grid): {best} of 4 correct")

# %% [markdown]
# Training does no better. For the hinge loss there is even a one-line
# bound: the four margins $m_n = y_n s_n$ add up to
# $-b + (w_2 + b) + (w_1 + b) - (w_1 + w_2 + b) = 0$, and
# $\max(0, 1 - m) \ge 1 - m$, so the mean hinge loss is at least
# $\frac14\sum_n (1 - m_n) = 1$, with equality for *every* neuron whose
# margins are all $\le 1$ (e.g. $\mathbf w = 0, b = 0$, a neuron that says
# nothing). The minimum is a flat region and gradient descent stops wherever
# it enters it — here at a neuron that gets 3 of 4 right:

# %%
single = nn.MLP(2, [1], seed=0)
history = nn.fit(single, X, y, loss="hinge", optimizer=nn.optim.SGD(single.parameters(), lr=0.1),
                 epochs=200, progress=False)
print(f"final hinge loss {history['loss'][-1]:.6f}, accuracy {history['accuracy'][-1]:.2f}")
print("weights and bias:", [round(p.data, 6) for p in single.parameters()])
print("margins:", [round(t * single(p).data, 6) for p, t in zip(X, y)])

# %% [markdown]
# ## A hidden layer bends the space
#
# Two ReLU neurons suffice. With
# $h_1 = \mathrm{relu}(x_1 + x_2)$ and $h_2 = \mathrm{relu}(x_1 + x_2 - 1)$,
# the four points map to $h = (0,0), (1,0), (1,0), (2,1)$, and the line
# $s = h_1 - 2h_2 - \tfrac12$ separates them: XOR is linearly separable in
# the hidden layer.

# %%
xor_net = nn.MLP.from_weights([[[1.0, 1.0], [1.0, 1.0]], [[1.0, -2.0]]],
                              [[0.0, -1.0], [-0.5]])
hidden = xor_net.layers[0]
for p, t in zip(X, y):
    h = [v.data for v in hidden(p)]
    print(f"x = {p} -> h = {h} -> s = {xor_net(p).data:+.1f} (label {t:+d})")

# %% [markdown]
# ## Learning XOR
#
# A two-layer MLP, 2 → 8 (ReLU) → 1, trained with the hinge loss and Adam on
# noisy copies of the four points. (A text progress bar is printed below;
# `progress=True` shows a widget bar in a live notebook.)

# %%
X_train, y_train = nn.data.make_xor(200, noise=0.15, seed=1, labels="sign")
model = nn.MLP(2, [8, 1], seed=0)
history = nn.fit(model, X_train, y_train, loss="hinge",
                 optimizer=nn.optim.Adam(model.parameters(), lr=0.05),
                 epochs=40, progress=sys.stdout)
print(f"training accuracy {history['accuracy'][-1]:.3f}")
print("the four corners:", [round(model(p).data, 2) for p in X], "labels", y)

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
nn.plot.decision_boundary(single, X_train, y_train, ax=left, resolution=60)
left.set_title("one neuron: a straight line, 3/4 at best")
nn.plot.decision_boundary(model, X_train, y_train, ax=right, resolution=60)
right.set_title("MLP 2-8-1 (ReLU): XOR learned")
plt.show()

# %% [markdown]
# Two hidden neurons are enough in principle (the construction above), but
# gradient descent from a random start does not always find such a tight
# solution: with 4 hidden neurons some seeds end with dead ReLUs (units whose
# input is negative on every point, so their gradient is 0) and stay stuck
# near 50 %. A few more neurons than necessary make training reliable.

# %% [markdown]
# # 5. Training a classifier on two moons
#
# **What this teaches.** The training loop and its knobs, on the two-moons
# data set: plain SGD, SGD with momentum and Adam from the same start;
# learning-rate schedules; mini-batches; the progress bar, loss curves and
# decision boundaries; and gradient descent with a line search, which picks
# its own step size, next to SGD with a fixed one.
#
# The model is an MLP 2 → 8 → 8 → 1 with ReLU, trained with the hinge loss
# $\frac1N\sum_n \max(0, 1 - y_n s_n)$ on labels $y_n \in \{-1, +1\}$.

# %%
%matplotlib inline
%config InlineBackend.figure_formats = ["retina"]
%config InlineBackend.print_figure_kwargs = {"bbox_inches": None}  # no cropping pass
import sys

import matplotlib.pyplot as plt

import autograd
import nn

# 160-dpi figures (retina: twice figure.dpi), 12-pt text, dashes and markers as well as colours
plt.rcParams.update(nn.plot.slide_style())
X, y = nn.data.make_moons(100, noise=0.1, seed=0, labels="sign")
fig, ax = plt.subplots(figsize=(6, 3.8))
for label, marker in ((-1, "o"), (1, "^")):
    ax.scatter([p[0] for p, t in zip(X, y) if t == label],
               [p[1] for p, t in zip(X, y) if t == label],
               marker=marker, edgecolors="k", label=f"y = {label:+d}".replace("-", "−"))
ax.set_xlabel("x₁")
ax.set_ylabel("x₂")
ax.legend(loc="upper right")
ax.set_title("make_moons(100, noise=0.1, seed=0)")
plt.show()

# %% [markdown]
# ## Three optimisers, one start
#
# With gradient $g_t$ and learning rate $\eta$ (PyTorch's update rules):
#
# - SGD: $\theta \leftarrow \theta - \eta\, g_t$
# - momentum: $v \leftarrow \mu v + g_t,\ \theta \leftarrow \theta - \eta v$
#   (a running sum of past gradients: faster along consistent directions)
# - Adam: running means of $g$ and $g^2$, bias-corrected,
#   $\theta \leftarrow \theta - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)$
#   (a step size per parameter)
#
# Same seed, so all three start from the same weights; mini-batches of 20.
# `nn.fit` prints a progress bar (a widget with `progress=True` in a live
# notebook; here on stdout so the committed output stays readable). After
# training, `nn.training.evaluate` measures each model on the whole data set.

# %%
def model():
    return nn.MLP(2, [8, 8, 1], seed=1)

recipes = {
    "SGD": lambda p: nn.optim.SGD(p, lr=0.05),
    "SGD + momentum": lambda p: nn.optim.SGD(p, lr=0.05, momentum=0.9),
    "Adam": lambda p: nn.optim.Adam(p, lr=0.01),
}
models, histories, accuracy = {}, {}, {}
for name, make in recipes.items():
    print(name)
    models[name] = m = model()
    histories[name] = nn.fit(m, X, y, loss="hinge", optimizer=make(m.parameters()),
                             epochs=40, batch_size=20, seed=0, progress=sys.stdout)
    accuracy[name] = nn.training.evaluate(m, X, y)["accuracy"]
    print(f"trained model: accuracy {accuracy[name]:.2f}")

# %%
fig, ax = plt.subplots(figsize=(9, 3.6))
for name, h in histories.items():
    ax.plot(range(1, h.epochs + 1), h["loss"], label=f"{name}\n(accuracy {accuracy[name]:.2f})")
ax.set_xlabel("epoch")
ax.set_ylabel("mean hinge loss")
ax.set_yscale("log")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside the axes, off the curves
plt.show()

# %%
fig, axes = plt.subplots(1, 3, figsize=(10, 3.6))
for ax, (name, m) in zip(axes, models.items()):
    nn.plot.decision_boundary(m, X, y, ax=ax, resolution=50)
    ax.set_title(f"{name}\naccuracy {accuracy[name]:.2f}")
plt.show()

# %% [markdown]
# `nn.fit` returns a `History`: one list per quantity (`loss`, `accuracy`,
# `lr`, and `val_...` with validation data), and `.plot()` draws them. Its
# loss and accuracy are running values, like the progress bar's: each
# mini-batch is scored as it is used, before its own update, so an epoch's
# numbers mix five versions of the weights. That is why each bar's last
# accuracy above differs a little from the trained model's on the line below
# it; for the model you keep, evaluate it after training (as the legend and
# the titles above do).

# %%
h = histories["SGD + momentum"]
print(h)
print("keys:", list(h), "| accuracy, last 5 epochs:", h["accuracy"][-5:])
ax = h.plot(["loss", "accuracy"])
ax.set_title("SGD + momentum: history.plot(['loss', 'accuracy'])")
plt.show()

# %% [markdown]
# ## Learning-rate schedules
#
# A large step early (fast progress), a small one late (settle into a
# minimum). `nn.lr_scheduler` has PyTorch's schedules; each `.step()` moves
# one epoch on. Their shapes, from $\eta_0 = 0.1$ over 100 epochs:

# %%
def lrs(make, epochs=100):
    opt = nn.optim.SGD([autograd.Value(0.0)], lr=0.1)
    schedule = make(opt)
    out = []
    for _ in range(epochs):
        out.append(opt.param_groups[0]["lr"])
        schedule.step()
    return out

schedules = {
    "StepLR(step_size=30, gamma=0.5)": lambda o: nn.lr_scheduler.StepLR(o, 30, gamma=0.5),
    "MultiStepLR([60, 90], gamma=0.1)": lambda o: nn.lr_scheduler.MultiStepLR(o, [60, 90]),
    "ExponentialLR(gamma=0.97)": lambda o: nn.lr_scheduler.ExponentialLR(o, 0.97),
    "PolynomialLR(100, power=2)": lambda o: nn.lr_scheduler.PolynomialLR(o, 100, power=2.0),
    "CosineAnnealingLR(T_max=100)": lambda o: nn.lr_scheduler.CosineAnnealingLR(o, 100),
}
fig, ax = plt.subplots(figsize=(10, 3.6))
for name, make in schedules.items():
    ax.plot(range(1, 101), lrs(make), label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("learning rate")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
plt.show()

# %% [markdown]
# Training with momentum, once at a constant $\eta = 0.1$ and once with the
# cosine schedule from the same $\eta_0$: the large constant step keeps
# jumping around (the hinge loss even touches 0 and leaves it again), the
# decaying step settles.

# %%
scheduled = {}
for name in ("constant", "cosine"):
    m = model()
    opt = nn.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
    schedule = nn.lr_scheduler.CosineAnnealingLR(opt, 40) if name == "cosine" else None
    scheduled[name] = nn.fit(m, X, y, loss="hinge", optimizer=opt, scheduler=schedule,
                             epochs=40, batch_size=20, seed=0, progress=False)
    h = scheduled[name]
    print(f"{name:8}: final loss {h['loss'][-1]:.4f}, last-10-epoch mean "
          f"{sum(h['loss'][-10:]) / 10:.4f}, accuracy {h['accuracy'][-1]:.2f}")
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
for name, h in scheduled.items():
    left.plot(range(1, h.epochs + 1), h["loss"], label=name)
    right.plot(range(1, h.epochs + 1), h["lr"], label=name)
left.set_yscale("symlog", linthresh=1e-3)
left.set_title("loss (symlog: it can be exactly 0)")
right.set_title("learning rate")
for ax in (left, right):
    ax.set_xlabel("epoch")
    ax.legend()
plt.show()

# %% [markdown]
# ## Mini-batches
#
# An epoch is one pass over the data. With batch size $B$ it makes $N/B$
# updates, each from a noisy estimate of the full gradient. Same epochs, same
# learning rate, three batch sizes:

# %%
by_batch = {}
for batch_size in (5, 20, 100):
    m = model()
    by_batch[batch_size] = nn.fit(m, X, y, loss="hinge",
                                  optimizer=nn.optim.SGD(m.parameters(), lr=0.05, momentum=0.9),
                                  epochs=30, batch_size=batch_size, seed=0, progress=False)
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
for b, h in by_batch.items():
    updates = [(e + 1) * (100 // b) for e in range(h.epochs)]
    left.plot(range(1, h.epochs + 1), h["loss"], label=f"B = {b}")
    right.plot(updates, h["loss"], label=f"B = {b}")
left.set_xlabel("epoch")
left.set_ylabel("mean hinge loss")
right.set_xlabel("parameter updates")
right.set_xscale("log")
for ax in (left, right):
    ax.set_yscale("log")
    ax.legend(loc="lower left")
plt.show()
for b, h in by_batch.items():
    print(f"B = {b:3}: {100 // b:3} updates/epoch, loss after 30 epochs {h['loss'][-1]:.4f}")

# %% [markdown]
# Per epoch (the same amount of computation), mini-batches get much further
# than the full batch, because they make more updates; per update, the full
# batch makes the best steps, and very small batches are noisy. Batch sizes
# in between are the usual compromise.
#
# ## Line-search gradient descent
#
# `LineSearchGD` uses the full batch and chooses each step: try
# $t = 1$, halve until the loss decreases,
#
# $$\theta \leftarrow \theta - t\,\nabla L(\theta), \qquad
#   t = \max\{2^{-k} : L(\theta - 2^{-k}\nabla L) < L(\theta)\}.$$
#
# No learning rate to tune, but every halving costs one more evaluation of
# the loss on all the data. Next to full-batch SGD with $\eta = 0.05$:

# %%
def full_batch_loss(m):
    return nn.losses.hinge([m(x) for x in X], y)

runs = {}
for name in ("SGD lr=0.05", "LineSearchGD"):
    m = model()
    opt = (nn.optim.LineSearchGD(m.parameters()) if name == "LineSearchGD"
           else nn.optim.SGD(m.parameters(), lr=0.05))
    evaluations = 0

    def closure():
        global evaluations
        evaluations += 1
        opt.zero_grad()
        loss = full_batch_loss(m)
        loss.backward()
        return loss

    with autograd.no_grad():
        losses, counts, steps = [full_batch_loss(m).data], [0], []
    for _ in range(30):
        if name == "LineSearchGD":
            loss = opt.step(closure)  # evaluates here, then once per step size tried
            steps.append(opt.last_step_size)
        else:
            closure()
            opt.step()
            with autograd.no_grad():  # the loss after the step, for the curve only
                loss = full_batch_loss(m)
        losses.append(loss.data)
        counts.append(evaluations)
    runs[name] = (losses, counts, steps)
    print(f"{name:12}: loss {losses[0]:.4f} -> {losses[-1]:.4f} after 30 steps, "
          f"{evaluations} full-batch gradient evaluations")
print("step sizes chosen by the line search, first 12:", runs["LineSearchGD"][2][:12])

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
for name, (losses, counts, _) in runs.items():
    left.plot(range(len(losses)), losses, label=name)
    right.plot(counts, losses, label=name)
left.set_xlabel("step")
left.set_ylabel("full-batch hinge loss")
right.set_xlabel("full-batch loss + gradient evaluations")
for ax in (left, right):
    ax.set_yscale("log")
    ax.set_yticks([0.2, 0.3, 0.4, 0.6, 0.8], labels=["0.2", "0.3", "0.4", "0.6", "0.8"])
    ax.set_yticks([], minor=True)
    ax.legend()
plt.show()

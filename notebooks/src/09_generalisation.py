# %% [markdown]
# # 9. Generalisation: model size and ensembles
#
# **What this teaches.** Training error measures fit, test error measures
# what we care about. On a small, noisy data set we train networks of
# growing width and watch both errors, then average several models.
#
# - *The old paradigm* (bias–variance): small models underfit, large models
#   overfit the noise, so test error is U-shaped and one picks the size in
#   the middle, by validation.
# - *The new paradigm*: large models that fit the training set perfectly can
#   still generalise well, and averaging several of them (an *ensemble*)
#   reduces the variance that remains.
#
# Everything is seeded and small enough to run in seconds.

# %%
%matplotlib inline
import random

import matplotlib.pyplot as plt

import nn

plt.rcParams.update({"figure.dpi": 80})
X, y = nn.data.make_moons(330, noise=0.35, seed=3, labels="sign")
X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, test_size=300, seed=0)
print(f"{len(X_train)} training points, {len(X_test)} test points, noise 0.35")

def error(model, X, y):
    return 1.0 - nn.training.evaluate(model, X, y)["accuracy"]

# %% [markdown]
# ## Error against width
#
# One hidden ReLU layer of width $w$, the hinge loss, Adam, 200 full-batch
# epochs — long enough for the wide networks to fit all 30 points.

# %%
widths = [1, 2, 4, 8, 16, 32]
train_err, test_err, by_width = [], [], {}
for w in widths:
    model = nn.MLP(2, [w, 1], seed=0)
    nn.fit(model, X_train, y_train, loss="hinge",
           optimizer=nn.optim.Adam(model.parameters(), lr=0.05), epochs=200, progress=False)
    by_width[w] = model
    train_err.append(error(model, X_train, y_train))
    test_err.append(error(model, X_test, y_test))
    print(f"width {w:2d} ({len(model.parameters()):3d} parameters): "
          f"train error {train_err[-1]:.3f}, test error {test_err[-1]:.3f}")

# %%
fig, ax = plt.subplots(figsize=(6, 3.6))
ax.plot(widths, train_err, "o-", label="training error")
ax.plot(widths, test_err, "s-", label="test error")
ax.set_xscale("log", base=2)
ax.set_xticks(widths, labels=[str(w) for w in widths])
ax.set_xlabel("hidden width")
ax.set_ylabel("error rate")
ax.legend()
ax.set_title("30 noisy training points")
plt.show()

# %% [markdown]
# Training error falls to 0 as the width grows: the wide networks
# *interpolate*, noise included. Yet on this data the test error does not
# climb back up — the widest networks are among the best. The decision
# boundaries show why: a wide network fits every point without becoming
# erratic elsewhere. (Compare the memoriser of notebook 7, which also has
# training error 0 and no idea anywhere else: fitting the data says nothing
# by itself about generalisation.)

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
for ax, w in zip(axes, (1, 4, 32)):
    nn.plot.decision_boundary(by_width[w], X_train, y_train, ax=ax, resolution=40)
    ax.set_title(f"width {w}: train {error(by_width[w], X_train, y_train):.2f}, "
                 f"test {error(by_width[w], X_test, y_test):.2f}")
plt.show()

# %% [markdown]
# ## Over the epochs
#
# The old paradigm's tool against overfitting is *early stopping*: watch a
# validation set during training and stop when it gets worse. The width-32
# network again, now with 100 of the test points as validation data
# (`nn.fit(..., validation=...)` evaluates them after every epoch):

# %%
wide = nn.MLP(2, [32, 1], seed=0)
h = nn.fit(wide, X_train, y_train, loss="hinge", validation=(X_test[:100], y_test[:100]),
           optimizer=nn.optim.Adam(wide.parameters(), lr=0.05), epochs=200, progress=False)
best = min(range(h.epochs), key=h["val_loss"].__getitem__)
print(f"validation loss is lowest at epoch {best + 1}: {h['val_loss'][best]:.3f} "
      f"(validation error {1 - h['val_accuracy'][best]:.2f}); at the end "
      f"{h['val_loss'][-1]:.3f} (validation error {1 - h['val_accuracy'][-1]:.2f})")
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.3))
left.plot(h["loss"], label="training loss")
left.plot(h["val_loss"], label="validation loss")
right.plot([1 - a for a in h["accuracy"]], label="training error")
right.plot([1 - a for a in h["val_accuracy"]], label="validation error")
for ax in (left, right):
    ax.axvline(best, color="grey", ls=":")
    ax.set_xlabel("epoch")
    ax.legend()
plt.show()

# %% [markdown]
# The validation *loss* climbs once the network is confidently wrong on a
# few points, while the validation *error* keeps creeping down: stopping at
# the lowest validation loss would give up accuracy here. What "getting
# worse" means depends on what you measure.

# %% [markdown]
# ## An ensemble
#
# Train 5 networks of width 8, each on a bootstrap sample of the training
# set (30 draws with replacement) and from its own initialisation, then
# let them decide together: `nn.Ensemble` averages their scores,
# `ensemble.vote(x)` takes the majority of their decisions. The members'
# errors vary from one to the next (variance); the average does not share
# their individual mistakes.

# %%
members = []
for k in range(5):
    rng = random.Random(k)
    sample = [rng.randrange(len(X_train)) for _ in X_train]
    model = nn.MLP(2, [8, 1], seed=10 + k)
    nn.fit(model, [X_train[i] for i in sample], [y_train[i] for i in sample], loss="hinge",
           optimizer=nn.optim.Adam(model.parameters(), lr=0.05), epochs=200, progress=False)
    members.append(model)
    print(f"member {k}: test error {error(model, X_test, y_test):.3f}")
ensemble = nn.Ensemble(members)
member_errors = [error(m, X_test, y_test) for m in members]
vote_error = sum(ensemble.vote(x) != t for x, t in zip(X_test, y_test)) / len(y_test)
print(f"mean member test error  {sum(member_errors) / len(members):.3f}")
print(f"ensemble (mean score)   {error(ensemble, X_test, y_test):.3f}")
print(f"ensemble (majority vote) {vote_error:.3f}")

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
for ax, k in zip(axes[:2], (0, 1)):
    nn.plot.decision_boundary(members[k], X_train, y_train, ax=ax, resolution=40)
    ax.set_title(f"member {k}: test error {member_errors[k]:.3f}")
nn.plot.decision_boundary(ensemble, X_train, y_train, ax=axes[2], resolution=40)
axes[2].set_title(f"ensemble of 5: test error {error(ensemble, X_test, y_test):.3f}")
plt.show()

# %% [markdown]
# One experiment on one small data set is an illustration, not a law:
# change the seeds or the noise and the numbers move. What holds up in
# general is the method — measure on data the model never saw, and prefer
# averaging several models to trusting one.

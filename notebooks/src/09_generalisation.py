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
%config InlineBackend.figure_formats = ["retina"]
%config InlineBackend.print_figure_kwargs = {"bbox_inches": None}  # no cropping pass
import random

import matplotlib.pyplot as plt

import nn

# 160-dpi figures (retina: twice figure.dpi), 12-pt text, dashes and markers as well as colours
plt.rcParams.update(nn.plot.slide_style())
X, y = nn.data.make_moons(330, noise=0.35, seed=3, labels="sign")
X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, test_size=300, seed=0)
print(f"{len(X_train)} training points, {len(X_test)} test points, noise 0.35")

def error(model, X, y):
    return 1.0 - nn.training.evaluate(model, X, y)["accuracy"]

# %% [markdown]
# ## Error against width
#
# One hidden ReLU layer of width $w$, the hinge loss, Adam, 200 full-batch
# epochs, every network from the same seed.

# %%
widths = [1, 2, 4, 8, 16, 32]
train_err, test_err, by_width, histories = [], [], {}, {}
for w in widths:
    model = nn.MLP(2, [w, 1], seed=0)
    # the widest one also scores 100 test points after every epoch (see "Over the epochs")
    watch = (X_test[:100], y_test[:100]) if w == 32 else None
    histories[w] = nn.fit(model, X_train, y_train, loss="hinge", validation=watch,
                          optimizer=nn.optim.Adam(model.parameters(), lr=0.05), epochs=200,
                          progress=False)
    by_width[w] = model
    train_err.append(error(model, X_train, y_train))
    test_err.append(error(model, X_test, y_test))
    print(f"width {w:2d} ({len(model.parameters()):3d} parameters): "
          f"train error {train_err[-1]:.3f}, test error {test_err[-1]:.3f}")

# %%
fig, ax = plt.subplots(figsize=(6.4, 3.6))
ax.plot(widths, train_err, "o-", label="training error")
ax.plot(widths, test_err, "s--", label="test error")
ax.set_xscale("log", base=2)
ax.set_xticks(widths, labels=[str(w) for w in widths])
ax.set_xlabel("hidden width")
ax.set_ylabel("error rate")
ax.legend()
ax.set_title("30 noisy training points")
plt.show()

# %% [markdown]
# Widths 1 to 8 all stop at the same training error, 2 of the 30 points
# wrong: from this start they all settle on nearly the same straight
# boundary, and 200 epochs of Adam do not bend it (width 1 can only draw a
# line; widths 2 to 8 could do more, and from other seeds they sometimes
# do). From width 16 on, training error falls, to 0 at width 32: the widest
# network *interpolates*, noise included. Yet on this data the test error
# does not climb back up — the widest network is the best. The decision
# boundaries of widths 1, 16 and 32 show why: the wide network bends just
# enough to fit every point without becoming erratic elsewhere. (Compare the
# memoriser of notebook 7, which also has training error 0 and no idea
# anywhere else: fitting the data says nothing by itself about
# generalisation.)

# %%
fig, axes = plt.subplots(1, 3, figsize=(10, 3.6))
for ax, w in zip(axes, (1, 16, 32)):
    nn.plot.decision_boundary(by_width[w], X_train, y_train, ax=ax, resolution=40)
    ax.set_title(f"width {w}\ntrain {train_err[widths.index(w)]:.3f}, "
                 f"test {test_err[widths.index(w)]:.3f}")
plt.show()

# %% [markdown]
# ## Over the epochs
#
# The old paradigm's tool against overfitting is *early stopping*: watch a
# validation set during training and stop when it gets worse. The width-32
# network of the sweep had 100 of the test points as validation data
# (`nn.fit(..., validation=...)` evaluates them after every epoch, without
# changing the training); its history:

# %%
h = histories[32]
i = min(range(h.epochs), key=h["val_loss"].__getitem__)  # a 0-based list index
best = i + 1                                                 # the epoch, counted from 1
print(f"validation loss is lowest at epoch {best}: {h['val_loss'][i]:.3f} "
      f"(validation error {1 - h['val_accuracy'][i]:.2f}); at the end "
      f"{h['val_loss'][-1]:.3f} (validation error {1 - h['val_accuracy'][-1]:.2f})")
epochs = range(1, h.epochs + 1)
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
left.plot(epochs, h["loss"], label="training")
left.plot(epochs, h["val_loss"], label="validation")
right.plot(epochs, [1 - a for a in h["accuracy"]])
right.plot(epochs, [1 - a for a in h["val_accuracy"]])
for ax in (left, right):
    ax.axvline(best, color="0.4", ls="-.", lw=1.5)
    ax.set_xlabel("epoch")
left.set_ylabel("mean hinge loss")
right.set_ylabel("error rate")
left.plot([], [], color="0.4", ls="-.", lw=1.5, label=f"epoch {best}: lowest validation loss")
fig.legend(loc="outside lower center", ncols=3)
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
# `ensemble.vote(x)` takes the majority of their decisions.

# %%
members, member_errors = [], []
for k in range(5):
    rng = random.Random(k)
    sample = [rng.randrange(len(X_train)) for _ in X_train]
    model = nn.MLP(2, [8, 1], seed=10 + k)
    nn.fit(model, [X_train[i] for i in sample], [y_train[i] for i in sample], loss="hinge",
           optimizer=nn.optim.Adam(model.parameters(), lr=0.05), epochs=200, progress=False)
    members.append(model)
    member_errors.append(error(model, X_test, y_test))
    print(f"member {k}: test error {member_errors[-1]:.3f}")
ensemble = nn.Ensemble(members)
ensemble_error = error(ensemble, X_test, y_test)
vote_error = sum(ensemble.vote(x) != t for x, t in zip(X_test, y_test)) / len(y_test)
print(f"mean member test error   {sum(member_errors) / len(members):.3f}")
print(f"ensemble (mean score)    {ensemble_error:.3f}")
print(f"ensemble (majority vote) {vote_error:.3f}")

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.8), sharex=True, sharey=True)
style = plt.rcParams["axes.prop_cycle"].by_key()  # member k: colour k and dash k
for k, m in enumerate(members):
    xs, ys, Z = nn.plot.decision_grid(m, X_train, resolution=40)
    left.contour(xs, ys, Z, levels=[0.0], colors=[style["color"][k]],
                 linestyles=[style["linestyle"][k]], linewidths=2.5)
    left.plot([], [], color=style["color"][k], ls=style["linestyle"][k],
              label=f"member {k}: {member_errors[k]:.3f}")
for label, marker, shade in ((-1, "o", 0.0), (1, "^", 1.0)):  # as decision_boundary draws them
    left.scatter([p[0] for p, t in zip(X_train, y_train) if t == label],
                 [p[1] for p, t in zip(X_train, y_train) if t == label],
                 marker=marker, color=plt.cm.viridis(shade), edgecolors="k", s=40, zorder=3)
left.set_title("the 5 members' boundaries")
left.set_xlabel("x₁")
left.set_ylabel("x₂")
fig.legend(title="test error of each member", loc="outside lower center", ncols=3)
nn.plot.decision_boundary(ensemble, X_train, y_train, ax=right, resolution=40)
right.set_title(f"their ensemble (mean score)\ntest error {ensemble_error:.3f}")
plt.show()

# %% [markdown]
# The members disagree (variance): each bootstrap sample leaves out about a
# third of the points and counts others two or more times, and each start is
# different. Averaging their scores gives a boundary that none of them drew.
# The ensemble is better than the average member and far better than the
# worst; it is not better than the best member, but nobody could have picked
# that one without looking at the test set.
#
# One experiment on one small data set is an illustration, not a law:
# change the seeds or the noise and the numbers move. What holds up in
# general is the method — measure on data the model never saw, and prefer
# averaging several models to trusting one.

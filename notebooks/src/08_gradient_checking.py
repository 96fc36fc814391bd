# %% [markdown]
# # 8. Gradient checking and property tests
#
# **What this teaches.** How to test a derivative you wrote yourself. The
# derivative is compared with a central difference (`autograd.gradcheck`),
# which catches a wrong formula and says which input, by how much; the
# choice of the step $h$ matters, and kinks need care. Then a property test
# (Hypothesis with `autograd.testing`) tries hundreds of random expressions
# that use the new op and shrinks a failure to a small example.

# %%
%matplotlib inline
%config InlineBackend.figure_formats = ["retina"]
%config InlineBackend.print_figure_kwargs = {"bbox_inches": None}  # no cropping pass
import math
import warnings

import matplotlib.pyplot as plt
from hypothesis import Phase, given, settings

import autograd
import nn
from autograd import Op, Value
from autograd.testing import assert_gradients_match, expressions

# 160-dpi figures (retina: twice figure.dpi), 12-pt text
plt.rcParams.update(nn.plot.slide_style())

# %% [markdown]
# ## Central differences and the step $h$
#
# $$\frac{f(x + h) - f(x - h)}{2h} = f'(x) + \frac{h^2}{6} f'''(x) + O(h^4),$$
#
# so the truncation error falls like $h^2$; but each $f$ value carries a
# rounding error of about $\varepsilon |f|$ ($\varepsilon \approx 2.2\cdot10^{-16}$),
# which the division by $2h$ amplifies to about $\varepsilon|f|/h$. The total
# is smallest near $h \approx \varepsilon^{1/3} \approx 10^{-5}$.
# `gradcheck` uses $h = 10^{-6}\max(1, |x|)$.

# %%
f = lambda x: math.tanh(x) * math.exp(x)
x0 = 0.7
exact = (1 - math.tanh(x0) ** 2) * math.exp(x0) + math.tanh(x0) * math.exp(x0)
hs = [10.0 ** (-k / 2) for k in range(2, 29)]
errors = [abs((f(x0 + h) - f(x0 - h)) / (2 * h) - exact) for h in hs]
best = min(zip(errors, hs))
print(f"smallest error {best[0]:.1e} at h = {best[1]:.0e}")
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.loglog(hs, errors, "o-", label="error of the central difference")
ax.axvline(1e-6, color="0.3", ls="--", lw=1.5, label="gradcheck's h at |x| ≤ 1")
ax.set_xlabel("step h")
ax.set_ylabel("|central difference − f'(x)|")
ax.set_title("f(x) = tanh(x)·eˣ at x = 0.7")
ax.invert_xaxis()
ax.legend(loc="upper center")
plt.show()

# %% [markdown]
# ## A user-defined op, written correctly
#
# An `Op` is a name, a display symbol, the function `f` and its local
# derivative `df(x, y)` (with `y = f(x)`, handy for derivatives such as
# $\sigma' = \sigma(1-\sigma)$). Here $\mathrm{swish}_\beta(x) = x\,\sigma(\beta x)$
# with $\beta = 2$:
#
# $$\frac{d}{dx}\, x\,\sigma(2x) = \sigma(2x) + 2x\,\sigma(2x)\big(1 - \sigma(2x)\big).$$
#
# `df` also runs on Values (for second derivatives, `grad(..., create_graph=True)`),
# so it uses `autograd.op.sigmoid`, which works on both; a σ written with
# `math.exp` would give the right first derivative and a wrong second one.

# %%
from autograd.op import sigmoid

swish = Op("swish2", "swish₂", f=lambda x: x * sigmoid(2 * x),
           df=lambda x, y: sigmoid(2 * x) + 2 * x * sigmoid(2 * x) * (1 - sigmoid(2 * x)))

fn = lambda a, b: swish(a * b) + swish(a)
print("gradcheck:", autograd.gradcheck(fn, [0.8, -1.3]))
y = swish(Value(0.8, label="x"))
y.backward()
print("value and gradient at 0.8:", y.data, y.op, [c.grad for c in y.children])

# %% [markdown]
# It works everywhere an op of the table does, the drawing included:

# %%
a, b = Value(0.8, label="a"), Value(-1.3, label="b")
out = fn(a, b)
out.label = "f"
autograd.draw(out, direction="backward")

# %% [markdown]
# ## The same op with a deliberate mistake
#
# A classic slip: forgetting the inner derivative $\beta = 2$ of $\sigma(2x)$.

# %%
wrong = Op("swish2_wrong", "swish₂?", f=lambda x: x * sigmoid(2 * x),
           df=lambda x, y: sigmoid(2 * x) + x * sigmoid(2 * x) * (1 - sigmoid(2 * x)))  # no 2

fn_wrong = lambda a, b: wrong(a * b) + a * b
try:
    autograd.gradcheck(fn_wrong, {"a": 0.8, "b": -1.3})
except autograd.GradcheckError as e:
    print(e)

# %% [markdown]
# The table names each input, the engine's (analytical) and the numerical
# derivative, their difference and the difference allowed; below it,
# `gradcheck` checks every op's own derivative at the failing point and names
# the one that is wrong. `raise_exception=False` returns a bool instead, e.g.
# for a quick survey of points — the error vanishes only where the missing
# term $x\,\sigma(2x)(1-\sigma(2x))$ does, at $x = 0$:

# %%
for x in (-2.0, -0.5, 0.0, 0.5, 2.0):
    ok = autograd.gradcheck(lambda v: wrong(v), [x], raise_exception=False)
    print(f"x = {x:4}: gradcheck passes: {ok}")

# %% [markdown]
# ## A model's own parameters
#
# A network reads its weights itself. `params=` checks them in place: each
# is nudged by $\pm h$ and put back exactly, its `.grad` too.

# %%
model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
print("gradcheck over the parameters:",
      autograd.gradcheck(lambda: model([0.5, -1.0]), params=model.parameters()))

# %% [markdown]
# ## Slow convergence and kinks
#
# Central differences are off by $O(h^2)$ where $f$ is smooth, but by $O(h)$
# where $f'$ is continuous and $f''$ jumps: `softsign`
# $x/(1+|x|)$ at 0. At $11x$ the difference is $11/(1+11h)$, off by
# $1.1\cdot10^{-5}$ relatively. `gradcheck` compares its numerical value with
# the error it may carry ($|D(h) - D(h/2)|$, plus rounding), so this passes:

# %%
softsign = lambda v: v / (1 + abs(v))
h = 1e-6
print("derivative 11, central difference:",
      (softsign(11 * h) - softsign(-11 * h)) / (2 * h))
print("gradcheck:", autograd.gradcheck(lambda v: (11 * v).softsign(), [0.0]))

# %% [markdown]
# At a kink (relu at 0, a clamp bound) the central difference averages the
# two one-sided slopes, and the derivative is a convention (0 for relu at
# 0, as PyTorch). When the two differ, `gradcheck` halves the step until it no
# longer crosses the kink; at the kink itself no step helps, and it warns
# instead of failing (where both agree, as for $|x|$ at 0, it says nothing):

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    print("gradcheck of relu at 0:", autograd.gradcheck(lambda v: v.relu(), [0.0]))
for w in caught:
    print(f"{w.category.__name__}: {w.message}")

# %% [markdown]
# ## A property test with Hypothesis
#
# One point proves little. `autograd.testing.expressions` generates random
# expression DAGs (shared subexpressions included) over the ops you name,
# each with a point inside every op's domain and away from kinks, and every
# one containing your op; `assert_gradients_match` runs `gradcheck` and
# `gradgradcheck` on it. The correct op passes on 200 random expressions:

# %%
ops = ["add", "mul", "tanh", "exp", swish]

@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(expressions(variables=("x", "y"), ops=ops, max_ops=6))
def test_swish_in_random_expressions(expr):
    assert_gradients_match(expr, expr.inputs)

test_swish_in_random_expressions()
print("200 random expressions with swish2: all gradients match")

# %% [markdown]
# The wrong op fails, and Hypothesis shrinks the failure to a minimal
# expression, printed as the Python code that builds it (the op imported
# from where it was defined: here, the notebook's `__main__`):

# %%
@settings(max_examples=200, derandomize=True, database=None, deadline=None,
          print_blob=False, phases=[Phase.generate, Phase.shrink])
@given(expressions(variables=("x", "y"), ops=["add", "mul", "tanh", "exp", wrong],
                   max_ops=6))
def test_wrong_in_random_expressions(expr):
    assert_gradients_match(expr, expr.inputs)

try:
    test_wrong_in_random_expressions()
except autograd.GradcheckError as e:
    for note in getattr(e, "__notes__", []):  # Hypothesis: the shrunk example
        print(note)
    print("\nthe gradcheck report of that example:\n")
    print(e)

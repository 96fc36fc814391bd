# %% [markdown]
# # 1. The computation graph
#
# **What this teaches.** A formula is a graph of elementary operations. The
# forward pass computes a value at every node; the backward pass applies the
# chain rule node by node, from the output back to the inputs. We do it by
# hand for
#
# $$f(u, v, w) = (u + v)\cdot w \qquad\text{at } u = 2,\ v = 3,\ w = 4,$$
#
# then let the engine do it, check it with finite differences, draw the graph
# and step through backpropagation one node at a time.

# %% [markdown]
# ## Forward pass by hand
#
# Name the intermediate node $q = u + v$. Then $f = q \cdot w$:
#
# $$q = 2 + 3 = 5, \qquad f = 5 \cdot 4 = 20.$$

# %%
u, v, w = 2.0, 3.0, 4.0
q = u + v
f = q * w
print(f"q = {q}, f = {f}")

# %% [markdown]
# ## Backward pass by hand: the chain rule
#
# Each node only knows its *local* derivatives:
#
# $$\frac{\partial q}{\partial u} = 1,\quad \frac{\partial q}{\partial v} = 1,\qquad
#   \frac{\partial f}{\partial q} = w,\quad \frac{\partial f}{\partial w} = q.$$
#
# The chain rule multiplies them along the path from $f$ down to an input:
#
# $$\frac{\partial f}{\partial u} = \frac{\partial f}{\partial q}\,\frac{\partial q}{\partial u}
#   = w \cdot 1 = 4,\qquad
#   \frac{\partial f}{\partial v} = w \cdot 1 = 4,\qquad
#   \frac{\partial f}{\partial w} = q = 5.$$
#
# Backpropagation visits the nodes in reverse topological order and, at each
# one, multiplies the gradient that arrived from above (the *upstream*
# gradient) by the local derivative.

# %%
df_df = 1.0                  # the seed
df_dq = df_df * w            # through the product: local derivative w.r.t. q is w
df_dw = df_df * q            # ... and w.r.t. w is q
df_du = df_dq * 1.0          # through the sum: local derivatives are 1
df_dv = df_dq * 1.0
by_hand = {"u": df_du, "v": df_dv, "w": df_dw}
print(by_hand)

# %% [markdown]
# ## The same with the engine
#
# A `Value` records every operation it takes part in. `backward()` walks the
# recorded graph in reverse and fills `.grad` with $\partial f/\partial\text{node}$.

# %%
from autograd import Value

U, V, W = Value(2.0, label="u"), Value(3.0, label="v"), Value(4.0, label="w")
Q = U + V
Q.label = "q"
F = Q * W
F.label = "f"
F.backward()
print(f"f = {F.data}")
for node in (U, V, W, Q, F):
    print(f"∂f/∂{node.label} = {node.grad}")

# %%
engine = {"u": U.grad, "v": V.grad, "w": W.grad}
assert engine == by_hand, (engine, by_hand)
print("engine == by hand:", engine == by_hand)

# %% [markdown]
# ## The formulas behind the numbers
#
# `autograd.to_sympy` turns the recorded graph into a SymPy expression (the
# labelled leaves become symbols), and `sympy.diff` differentiates it
# symbolically: the chain rule above, as formulas, next to the engine's numbers.

# %%
import sympy

from autograd import to_sympy

formula = to_sympy(F)
symbol = {s.name: s for s in formula.free_symbols}
at = {symbol["u"]: 2, symbol["v"]: 3, symbol["w"]: 4}
print(f"f = {formula}")
for node in (U, V, W):
    derivative = sympy.diff(formula, symbol[node.label])
    value = derivative.subs(at)
    print(f"∂f/∂{node.label} = {derivative} = {value}    engine: {node.grad}")
    assert float(value) == node.grad

# %% [markdown]
# ## A numerical check
#
# A derivative is a limit of difference quotients. The central difference
#
# $$\frac{\partial f}{\partial u} \approx \frac{f(u + h) - f(u - h)}{2h}$$
#
# has error $O(h^2)$; here $f$ is linear in each input, so it is exact up to
# rounding.

# %%
def f_of(u, v, w):
    return (u + v) * w

h = 1e-6
numeric = {
    "u": (f_of(u + h, v, w) - f_of(u - h, v, w)) / (2 * h),
    "v": (f_of(u, v + h, w) - f_of(u, v - h, w)) / (2 * h),
    "w": (f_of(u, v, w + h) - f_of(u, v, w - h)) / (2 * h),
}
for name in numeric:
    print(f"∂f/∂{name}: engine {engine[name]}, central difference {numeric[name]:.9f}")

# %% [markdown]
# ## Drawing the graph
#
# `autograd.draw` draws the recorded graph, left to right from the inputs to
# $f$. Forward: each node's value (`data`) and the value carried by every
# edge. The forward view shows no gradient: the third cell of each node is
# left empty, to be filled in by hand.

# %%
import autograd

autograd.draw(F, direction="forward")

# %% [markdown]
# Backward: the arrows reversed, pointing from $f$ back to the inputs. Each
# edge reads *upstream × local = contribution*: the gradient of the op's
# output (upstream) times the op's local derivative for that input gives what
# is added into the `grad` of the input the arrow points to, on its left.
# `grad` is $\partial f/\partial\text{node}$, computed for the drawing by the
# engine's own backward pass.

# %%
autograd.draw(F, direction="backward")

# %% [markdown]
# Both at once, as drawn on the board; every node stays where it was. (For a
# slide, `fit="slide"` lays a drawing out for a 16:9 page with its text at
# least 18 pt.)

# %%
autograd.draw(F, direction="both", title="f = (u + v) · w")

# %% [markdown]
# ## Stepping through backpropagation
#
# `autograd.step_through` makes one frame per backward step: the seed
# $\partial f/\partial f = 1$, then one frame per op node, in the order the
# engine visits them. Each frame carries its caption above the graph, so
# `stepper.save_frames("frames", fmt="png")` (or `"pdf"`) gives slides that
# keep it. In a live notebook the player below has previous / next / play
# buttons (`stepper.widget()` gives an ipywidgets version);
# `stepper.save_html("f.html")` writes it as a page.
# `step_through(F, passes="forward+backward")` plays the forward pass first;
# `lang="fr"` writes the captions and the drawing's words in French.

# %%
stepper = autograd.step_through(F)
print(stepper)
for caption in stepper.captions:
    print(caption)

# %%
stepper

# %% [markdown]
# The middle frame, on its own: $q$ and $w$ have their gradients, $u$ and $v$
# not yet (`?`, dashed).

# %%
stepper[1]

# %% [markdown]
# ## A node used twice
#
# When a value feeds two operations, its gradient is the *sum* of the
# contributions through each use (the multivariate chain rule). For
# $g = (u + v)\cdot w + w$:
#
# $$\frac{\partial g}{\partial w} = \underbrace{(u + v)}_{\text{through } \times}
#   + \underbrace{1}_{\text{through } +} = 5 + 1 = 6 .$$
#
# The engine accumulates (`+=`) into `.grad`, adding a node's contributions
# in the order its users were made (here `×` first, then `+`), and the
# drawing writes the sum in that order, `grad 6 = 5 + 1`:

# %%
U, V, W = Value(2.0, label="u"), Value(3.0, label="v"), Value(4.0, label="w")
G = (U + V) * W + W
G.label = "g"
G.backward()
print(f"g = {G.data}, ∂g/∂w = {W.grad}")
autograd.draw(G, direction="backward")

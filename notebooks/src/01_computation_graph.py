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
# `autograd.draw` draws the recorded graph. Forward: the value carried by
# every edge.

# %%
import autograd

autograd.draw(F, direction="forward")

# %% [markdown]
# Backward: the arrows reversed, each edge labelled with its local derivative
# and its contribution (local × upstream) to the gradient below it.

# %%
autograd.draw(F, direction="backward")

# %% [markdown]
# Both at once, as drawn on the board:

# %%
autograd.draw(F, direction="both", title="f = (u + v) · w")

# %% [markdown]
# ## Stepping through backpropagation
#
# `autograd.step_through` makes one frame per backward step: the seed
# $\partial f/\partial f = 1$, then one frame per op node, in the order the
# engine visits them. In a live notebook the player below has
# previous / next / play buttons (`stepper.widget()` gives an ipywidgets
# version); `stepper.save_html("f.html")` writes it for slides.

# %%
stepper = autograd.step_through(F)
print(stepper)
for caption in stepper.captions:
    print(caption)

# %%
stepper

# %% [markdown]
# The middle frame, on its own: $q$ and $w$ have their gradients, $u$ and $v$
# not yet.

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
# The engine accumulates (`+=`) into `.grad`, and the drawing shows the sum:

# %%
U, V, W = Value(2.0, label="u"), Value(3.0, label="v"), Value(4.0, label="w")
G = (U + V) * W + W
G.label = "g"
G.backward()
print(f"g = {G.data}, ∂g/∂w = {W.grad}")
autograd.draw(G, direction="backward")

# %% [markdown]
# # 3. Backpropagation by hand
#
# **What this teaches.** How the backward pass of a small network is written
# down: the forward equations, the backward equations derived from them with
# the chain rule, a computation by hand in plain Python, a number-by-number
# comparison with the engine, and finally the same equations in matrix form
# for a whole batch.
#
# The network: 3 inputs, 2 hidden neurons with softplus, 1 linear output, and
# the L2 loss
#
# $$\mathrm{softplus}(z) = \ln(1 + e^{z}),\qquad
#   \mathrm{softplus}'(z) = \frac{1}{1 + e^{-z}} = \sigma(z),\qquad
#   L = \tfrac12(\hat y - y)^2 .$$

# %% [markdown]
# ## Forward equations
#
# $$z_j = \sum_{i=1}^{3} W^{(1)}_{ji} x_i + b^{(1)}_j,\qquad
#   h_j = \mathrm{softplus}(z_j)\quad (j = 1, 2),$$
# $$\hat y = \sum_{j=1}^{2} W^{(2)}_j h_j + b^{(2)},\qquad L = \tfrac12(\hat y - y)^2 .$$
#
# ## Backward equations
#
# Write $\delta$ for the gradient of $L$ with respect to a pre-activation.
# The chain rule, applied from the loss down:
#
# $$\delta^{(2)} = \frac{\partial L}{\partial \hat y} = \hat y - y,\qquad
#   \frac{\partial L}{\partial W^{(2)}_j} = \delta^{(2)} h_j,\qquad
#   \frac{\partial L}{\partial b^{(2)}} = \delta^{(2)},$$
# $$\frac{\partial L}{\partial h_j} = \delta^{(2)} W^{(2)}_j,\qquad
#   \delta^{(1)}_j = \frac{\partial L}{\partial z_j} = \delta^{(2)} W^{(2)}_j\,\sigma(z_j),$$
# $$\frac{\partial L}{\partial W^{(1)}_{ji}} = \delta^{(1)}_j x_i,\qquad
#   \frac{\partial L}{\partial b^{(1)}_j} = \delta^{(1)}_j .$$

# %%
import math

x = [1.0, -2.0, 0.5]
y = 1.5
W1 = [[0.2, -0.4, 0.1],
      [-0.3, 0.1, 0.5]]
b1 = [0.1, -0.2]
W2 = [0.7, -1.2]
b2 = 0.3

def softplus(z):
    return math.log1p(math.exp(z))

def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))

# %% [markdown]
# ## By hand: forward

# %%
z = [sum(W1[j][i] * x[i] for i in range(3)) + b1[j] for j in range(2)]
h = [softplus(zj) for zj in z]
y_hat = sum(W2[j] * h[j] for j in range(2)) + b2
L = 0.5 * (y_hat - y) ** 2
print("z     =", z)
print("h     =", h)
print("y_hat =", y_hat)
print("L     =", L)

# %% [markdown]
# ## By hand: backward

# %%
d2 = y_hat - y
dW2 = [d2 * h[j] for j in range(2)]
db2 = d2
d1 = [d2 * W2[j] * sigmoid(z[j]) for j in range(2)]
dW1 = [[d1[j] * x[i] for i in range(3)] for j in range(2)]
db1 = d1[:]
print("delta2 =", d2)
print("delta1 =", d1)

# %% [markdown]
# ## The same network in the engine
#
# `nn.MLP.from_weights` builds the network with exactly these weights
# (`weights[l][j]` are the input weights of neuron `j` of layer `l`), and
# `nn.losses.l2` is $\tfrac12\sum(\hat y - y)^2$.

# %%
import nn

model = nn.MLP.from_weights([W1, [W2]], [b1, [b2]], activation="softplus")
pred = model(x)
loss = nn.losses.l2(pred, y)
loss.backward()
print(model)
print(f"engine: y_hat = {pred.data!r}, L = {loss.data!r}")
print(f"hand:   y_hat = {y_hat!r}, L = {L!r}")

# %% [markdown]
# Parameter by parameter: the name the engine gives it, the gradient by hand,
# the engine's gradient and the difference (floating-point rounding at most).

# %%
by_hand = []
for j in range(2):
    by_hand += [dW1[j][i] for i in range(3)] + [db1[j]]
by_hand += dW2 + [db2]

print(f"{'parameter':26} {'by hand':>22} {'engine':>22} {'difference':>11}")
worst = 0.0
for (name, p), g in zip(model.named_parameters(), by_hand):
    worst = max(worst, abs(p.grad - g))
    print(f"{name:26} {g:22.17f} {p.grad:22.17f} {p.grad - g:11.1e}")
assert worst <= 1e-15, worst
print("largest difference:", worst)

# %% [markdown]
# The same computation drawn backwards, laid out for an A4 page
# (`fit="a4"`): each neuron is one box named by its layer and number — the two
# hidden ones compute $w\cdot x + b$ then softplus, the output neuron
# $w\cdot x + b$ only (it is linear) — with its output and its gradient. The
# inputs feed both hidden neurons, so their gradients are sums of two
# contributions, written in the order the engine adds them.
# `draw(..., collapse=False)` draws every weight with its gradient (the
# numbers of the table above; nn names them as the formulas do: `w[1,2,3]` is
# $W^{(1)}_{23}$), too wide to read on a page.

# %%
import autograd

drawn = nn.losses.l2(model(x), y)
drawn.label = "L"
autograd.draw(drawn, direction="backward", fit="a4")

# %% [markdown]
# ## Matrix form, for a batch
#
# Stack $N$ inputs as the rows of $X \in \mathbb R^{N\times 3}$ and sum the
# loss over the batch, $L = \tfrac12\sum_n (\hat y_n - y_n)^2$. Then, with
# $\odot$ the element-wise product,
#
# $$Z = X W^{(1)\top} + \mathbf 1 b^{(1)\top},\quad H = \mathrm{softplus}(Z),\quad
#   \hat{\mathbf y} = H W^{(2)\top} + b^{(2)}\mathbf 1,$$
# $$\boldsymbol\delta^{(2)} = \hat{\mathbf y} - \mathbf y,\qquad
#   \Delta^{(1)} = \big(\boldsymbol\delta^{(2)} W^{(2)}\big) \odot \sigma(Z),$$
# $$\frac{\partial L}{\partial W^{(2)}} = \boldsymbol\delta^{(2)\top} H,\quad
#   \frac{\partial L}{\partial b^{(2)}} = \mathbf 1^\top \boldsymbol\delta^{(2)},\quad
#   \frac{\partial L}{\partial W^{(1)}} = \Delta^{(1)\top} X,\quad
#   \frac{\partial L}{\partial b^{(1)}} = \mathbf 1^\top \Delta^{(1)} .$$
#
# Each sample's gradient is an outer product; the batch gradient is their sum.
# Plain Python lists are enough:

# %%
def matmul(A, B):
    return [[sum(a * b for a, b in zip(row, col)) for col in zip(*B)] for row in A]

def transpose(A):
    return [list(col) for col in zip(*A)]

def colsum(A):
    return [sum(col) for col in zip(*A)]

X = [[1.0, -2.0, 0.5],
     [0.5, 0.5, -1.0],
     [-1.5, 0.0, 2.0],
     [0.0, 1.0, 1.0]]
Y = [1.5, -0.5, 0.25, 1.0]

Z = [[zj + bj for zj, bj in zip(row, b1)] for row in matmul(X, transpose(W1))]
H = [[softplus(v) for v in row] for row in Z]
Y_hat = [row[0] + b2 for row in matmul(H, transpose([W2]))]
D2 = [[yh - yt] for yh, yt in zip(Y_hat, Y)]                      # N x 1
D1 = [[d * w * sigmoid(v) for w, v in zip(W2, zrow)]               # N x 2
      for (d,), zrow in zip(D2, Z)]
grad_W2 = matmul(transpose(D2), H)[0]
grad_b2 = colsum(D2)[0]
grad_W1 = matmul(transpose(D1), X)
grad_b1 = colsum(D1)
print("dL/dW1 =", grad_W1)
print("dL/db1 =", grad_b1)
print("dL/dW2 =", grad_W2)
print("dL/db2 =", grad_b2)

# %% [markdown]
# The engine on the same batch (the loss summed over the 4 samples):

# %%
model.zero_grad()
batch_loss = nn.losses.l2([model(row) for row in X], Y)
batch_loss.backward()
matrix = [g for j in range(2) for g in grad_W1[j] + [grad_b1[j]]] + grad_W2 + [grad_b2]
engine = [p.grad for p in model.parameters()]
worst = max(abs(a - b) for a, b in zip(matrix, engine))
print(f"L = {batch_loss.data!r} (matrix form: {0.5 * sum(d[0] ** 2 for d in D2)!r})")
print("largest difference between matrix form and engine:", worst)
assert worst <= 1e-14, worst

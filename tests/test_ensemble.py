"""nn.Ensemble: averaging (with gradients to every member) and majority vote."""

from __future__ import annotations

import pytest
from training_loops import train_mse

import nn


def const(score: float) -> nn.MLP:
    """A model whose output is ``score`` whatever the input."""
    return nn.MLP.from_weights([[[0.0, 0.0]]], [[score]])


def const_vec(scores: list[float]) -> nn.MLP:
    return nn.MLP.from_weights([[[0.0, 0.0] for _ in scores]], [scores])


def test_average_of_members_and_gradients_split_evenly():
    members = [nn.MLP(2, [4, 1], seed=s) for s in range(3)]
    ens = nn.Ensemble(members)
    x = [0.4, -1.2]
    single = [m(x).data for m in members]
    out = ens(x)
    assert out.data == pytest.approx(sum(single) / 3, rel=1e-15)
    out.backward()
    for m in members:  # ∂mean/∂θ = (1/3)·∂m/∂θ
        grads = [p.grad for p in m.parameters()]
        m.zero_grad()
        m(x).backward()
        assert grads == pytest.approx([p.grad / 3 for p in m.parameters()], rel=1e-14)


def test_average_of_vector_outputs():
    ens = nn.Ensemble([const_vec([1.0, 2.0, 3.0]), const_vec([3.0, 0.0, -1.0])])
    assert [v.data for v in ens([0.0, 0.0])] == [2.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="different sizes"):
        nn.Ensemble([const_vec([1.0, 2.0]), const_vec([1.0, 2.0, 3.0])])([0.0, 0.0])
    with pytest.raises(ValueError, match="one score, others a list"):
        nn.Ensemble([const(1.0), const_vec([1.0, 2.0])])([0.0, 0.0])


def test_majority_vote_on_scores():
    ens = nn.Ensemble([const(0.3), const(2.0), const(-5.0)])
    assert ens.vote([0.0, 0.0]) == 1  # two of three say +1 ...
    assert ens([0.0, 0.0]).data < 0   # ... although the average is negative
    assert ens.vote([0.0, 0.0], labels="index") == 1
    assert ens.vote([0.0, 0.0], threshold=1.0) == -1  # now only one member says +1
    tie = nn.Ensemble([const(0.5), const(-2.0)])
    assert tie.vote([0.0, 0.0]) == -1  # 1 : 1, broken by the mean −0.75


def test_majority_vote_on_class_scores():
    ens = nn.Ensemble([const_vec([0.0, 1.0, 0.0]), const_vec([0.0, 2.0, 5.0]),
                       const_vec([0.0, 3.0, 1.0])])
    assert ens.vote([0.0, 0.0]) == 1
    tie = nn.Ensemble([const_vec([1.0, 0.0]), const_vec([0.0, 3.0])])
    assert tie.vote([0.0, 0.0]) == 1  # mean (0.5, 1.5)


def test_ensemble_is_a_module():
    ens = nn.Ensemble([nn.MLP(2, [2, 1], seed=0), nn.MLP(2, [3, 1], seed=1)])
    names = [n for n, _ in ens.named_parameters()]
    assert names[0] == "models.0.layers.0.neurons.0.w.0"
    assert names[-1] == "models.1.layers.1.neurons.0.b"
    assert len(ens.parameters()) == (2 * 3 + 3) + (3 * 3 + 4)
    ens.eval()
    assert not any(m.training for m in ens.modules())
    assert "Ensemble(" in repr(ens) and "(1) MLP(" in repr(ens)


def test_ensemble_errors():
    with pytest.raises(ValueError, match="at least one model"):
        nn.Ensemble([])
    with pytest.raises(TypeError, match=r"models\[1\] is not callable"):
        nn.Ensemble([const(1.0), 3])
    with pytest.raises(ValueError, match="labels must be 'sign' or 'index'"):
        nn.Ensemble([const(1.0)]).vote([0.0, 0.0], labels="onehot")


def test_ensemble_trains_end_to_end_on_xor():
    X, y = nn.data.make_xor(labels="sign")
    ens = nn.Ensemble([nn.MLP(2, [4, 1], activation="tanh", seed=s) for s in range(3)])
    loss = train_mse(ens, ens.parameters, X, y, steps=200, lr=0.3)
    assert loss.data < 0.01
    assert [ens.vote(x) for x in X] == y

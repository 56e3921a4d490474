"""Hand-derived gradients of course.word2vec.reference against finite differences and autograd."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course.word2vec import reference as ref
from course.word2vec.huffman import HuffmanTree

V, D, B, C, K = 9, 4, 6, 4, 3


@pytest.fixture
def batch():
    rng = np.random.default_rng(42)
    counts = np.sort(rng.integers(1, 50, V))[::-1]
    data = dict(
        W_in=rng.normal(scale=0.5, size=(V, D)),
        W_out=rng.normal(scale=0.5, size=(V, D)),
        W_nodes=rng.normal(scale=0.5, size=(V - 1, D)),
        inputs=np.array([0, 1, 1, 5, 8, 0]),  # repeated ids must accumulate
        outputs=np.array([2, 3, 3, 0, 7, 8]),
        contexts=rng.integers(0, V, size=(B, C)),
        context_mask=rng.random((B, C)) < 0.7,
        centers=rng.integers(0, V, size=B),
        negatives=rng.integers(0, V, size=(B, K)),
        neg_mask=rng.random((B, K)) < 0.8,
        tree=HuffmanTree(counts),
    )
    data["contexts"][0] = [4, 4, 2, 1]  # a word twice in one context
    data["context_mask"][:, 0] = True  # every context non-empty
    data["negatives"][1, 0] = data["outputs"][1]  # a negative equal to the target...
    data["neg_mask"][1, 0] = False  # ...skipped, as word2vec.c does
    return data


# ------------------------------------------------------------------ torch oracles (independent)
def t(x):
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def torch_hidden_skipgram(W_in, d):
    return W_in[torch.as_tensor(d["inputs"])]


def torch_hidden_cbow(W_in, d, cbow_mean):
    rows = []
    for ctx, m in zip(d["contexts"], d["context_mask"]):
        vecs = [W_in[int(c)] for c, keep in zip(ctx, m) if keep]
        s = torch.stack(vecs).sum(0)
        rows.append(s / len(vecs) if cbow_mean else s)
    return torch.stack(rows)


def torch_softmax_loss(W_out, h, targets):
    return F.cross_entropy(h @ W_out.T, torch.as_tensor(targets), reduction="sum")


def torch_negative_loss(W_out, h, targets, d):
    loss = 0
    for b in range(len(targets)):
        loss = loss - F.logsigmoid(W_out[int(targets[b])] @ h[b])
        for k in range(K):
            if d["neg_mask"][b, k]:
                loss = loss - F.logsigmoid(-(W_out[int(d["negatives"][b, k])] @ h[b]))
    return loss


def torch_hs_loss(W_nodes, h, targets, tree):
    loss = 0
    for b, w in enumerate(targets):
        for node, code in zip(tree.points[w], tree.codes[w]):
            score = W_nodes[int(node)] @ h[b]
            loss = loss - F.logsigmoid(score if code == 0 else -score)
    return loss


def autograd(kind, arch, d, cbow_mean=True):
    W_in = t(d["W_in"])
    W_out = t(d["W_nodes"] if kind == "hierarchical" else d["W_out"])
    h = torch_hidden_skipgram(W_in, d) if arch == "skipgram" else torch_hidden_cbow(W_in, d, cbow_mean)
    targets = d["outputs"] if arch == "skipgram" else d["centers"]
    if kind == "softmax":
        loss = torch_softmax_loss(W_out, h, targets)
    elif kind == "negative":
        loss = torch_negative_loss(W_out, h, targets, d)
    else:
        loss = torch_hs_loss(W_out, h, targets, d["tree"])
    loss.backward()
    return loss.item(), W_in.grad.numpy(), W_out.grad.numpy()


# ------------------------------------------------------------------ the functions under test
def call(kind, arch, d, W_in=None, W_out=None, cbow_mean=True):
    W_in = d["W_in"] if W_in is None else W_in
    if W_out is None:
        W_out = d["W_nodes"] if kind == "hierarchical" else d["W_out"]
    if arch == "skipgram":
        args = (W_in, W_out, d["inputs"], d["outputs"])
        if kind == "softmax":
            return ref.skipgram_softmax(*args)
        if kind == "negative":
            return ref.skipgram_negative(*args, d["negatives"], d["neg_mask"])
        return ref.skipgram_hierarchical(*args, d["tree"])
    args = (W_in, W_out, d["contexts"], d["context_mask"], d["centers"])
    if kind == "softmax":
        return ref.cbow_softmax(*args, cbow_mean=cbow_mean)
    if kind == "negative":
        return ref.cbow_negative(*args, d["negatives"], d["neg_mask"], cbow_mean=cbow_mean)
    return ref.cbow_hierarchical(*args, d["tree"], cbow_mean=cbow_mean)


COMBOS = [
    (k, a, m)
    for k in ("softmax", "negative", "hierarchical")
    for a in ("skipgram", "cbow")
    for m in ((True, False) if a == "cbow" else (True,))
]


def independent_fd(f, W, eps=1e-6):
    """Central differences written separately from ref.numerical_gradient."""
    g = np.zeros_like(W)
    for idx in np.ndindex(*W.shape):
        Wp, Wm = W.copy(), W.copy()
        Wp[idx] += eps
        Wm[idx] -= eps
        g[idx] = (f(Wp) - f(Wm)) / (2 * eps)
    return g


@pytest.mark.parametrize("kind,arch,cbow_mean", COMBOS)
def test_gradients_match_finite_differences(batch, kind, arch, cbow_mean):
    loss, g_in, g_out = call(kind, arch, batch, cbow_mean=cbow_mean)
    W_out0 = batch["W_nodes"] if kind == "hierarchical" else batch["W_out"]
    fd_in = independent_fd(lambda W: call(kind, arch, batch, W_in=W, cbow_mean=cbow_mean)[0], batch["W_in"])
    fd_out = independent_fd(lambda W: call(kind, arch, batch, W_out=W, cbow_mean=cbow_mean)[0], W_out0)
    np.testing.assert_allclose(g_in, fd_in, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(g_out, fd_out, rtol=1e-6, atol=1e-8)
    assert np.abs(g_in).sum() > 0 and np.abs(g_out).sum() > 0


@pytest.mark.parametrize("kind,arch,cbow_mean", COMBOS)
def test_gradients_match_torch_autograd(batch, kind, arch, cbow_mean):
    loss, g_in, g_out = call(kind, arch, batch, cbow_mean=cbow_mean)
    t_loss, t_in, t_out = autograd(kind, arch, batch, cbow_mean=cbow_mean)
    assert loss == pytest.approx(t_loss, rel=1e-12)
    np.testing.assert_allclose(g_in, t_in, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(g_out, t_out, rtol=1e-10, atol=1e-13)


def test_untouched_rows_get_zero_gradient(batch):
    _, g_in, g_out = ref.skipgram_negative(
        batch["W_in"], batch["W_out"], batch["inputs"], batch["outputs"], batch["negatives"], batch["neg_mask"]
    )
    unused_in = np.setdiff1d(np.arange(V), batch["inputs"])
    assert np.all(g_in[unused_in] == 0)
    used_out = np.union1d(batch["outputs"], batch["negatives"][batch["neg_mask"]])
    assert np.all(g_out[np.setdiff1d(np.arange(V), used_out)] == 0)
    # Hierarchical softmax touches only the inner nodes on the output words' paths.
    _, _, g_nodes = ref.skipgram_hierarchical(
        batch["W_in"], batch["W_nodes"], batch["inputs"], batch["outputs"], batch["tree"]
    )
    on_path = np.unique(np.concatenate([batch["tree"].points[w] for w in batch["outputs"]]))
    assert np.all(g_nodes[np.setdiff1d(np.arange(V - 1), on_path)] == 0)


def test_hierarchical_loss_is_minus_log_tree_probability(batch):
    tree, W_in, W_nodes = batch["tree"], batch["W_in"], batch["W_nodes"]
    loss, _, _ = ref.skipgram_hierarchical(W_in, W_nodes, [3], [5], tree)
    assert loss == pytest.approx(-tree.log_prob(5, W_in[3], W_nodes))


def test_softmax_loss_brute_force(batch):
    W_in, W_out = batch["W_in"], batch["W_out"]
    loss, _, _ = ref.skipgram_softmax(W_in, W_out, batch["inputs"], batch["outputs"])
    brute = sum(
        -np.log(np.exp(W_out[o] @ W_in[i]) / np.exp(W_out @ W_in[i]).sum())
        for i, o in zip(batch["inputs"], batch["outputs"])
    )
    assert loss == pytest.approx(brute, rel=1e-12)


def test_numerical_gradient_helper():
    rng = np.random.default_rng(0)
    A, W = rng.normal(size=(3, 3)), rng.normal(size=(3, 2))
    g = ref.numerical_gradient(lambda: float(np.sum((A @ W) ** 2)), W)
    np.testing.assert_allclose(g, 2 * A.T @ (A @ W), rtol=1e-6)
    with pytest.raises(TypeError, match="C-contiguous float64"):
        ref.numerical_gradient(lambda: 0.0, W.T)
    with pytest.raises(ValueError, match="'eps'"):
        ref.numerical_gradient(lambda: 0.0, W, eps=0)


def test_stable_numerics():
    assert ref.sigmoid(np.array([-800.0, 800.0])).tolist() == [0.0, 1.0]
    assert float(ref.log_sigmoid(800.0)) == 0.0
    np.testing.assert_allclose(np.exp(ref.log_softmax(np.array([1000.0, 1000.0]))), [0.5, 0.5])


@pytest.mark.parametrize(
    "call_,exc,match",
    [
        (lambda d: ref.skipgram_softmax(d["W_in"], d["W_out"][:, :2], [0], [1]), ValueError, "D = 4"),
        (lambda d: ref.skipgram_softmax(d["W_in"], d["W_out"][:5], [0], [1]), ValueError, "must have 9 rows"),
        (lambda d: ref.skipgram_softmax(d["W_in"], d["W_out"], [0], [9]), ValueError, r"\[0, 8\]. Got 9"),
        (lambda d: ref.skipgram_softmax(d["W_in"], d["W_out"], [0, 1], [1]), ValueError, "B = 2"),
        (lambda d: ref.skipgram_softmax(d["W_in"], d["W_out"], [0.5], [1]), TypeError, "int array"),
        (lambda d: ref.skipgram_softmax(np.arange(4), d["W_out"], [0], [1]), ValueError, "2-D float"),
        (lambda d: ref.skipgram_negative(d["W_in"], d["W_out"], [0], [1], [2, 3]), ValueError, r"\(B, K\)"),
        (
            lambda d: ref.skipgram_negative(d["W_in"], d["W_out"], [0], [1], [[2, 3]], [[1, 0]]),
            ValueError,
            "bool array",
        ),
        (
            lambda d: ref.skipgram_hierarchical(d["W_in"], d["W_out"], [0], [1], d["tree"]),
            ValueError,
            "must have 8 rows",
        ),
        (lambda d: ref.skipgram_hierarchical(d["W_in"], d["W_nodes"], [0], [1], [1, 2]), TypeError, "HuffmanTree"),
        (
            lambda d: ref.cbow_hierarchical(d["W_in"], d["W_nodes"][:2], [[0]], None, [1], HuffmanTree([2, 1, 1])),
            ValueError,
            "must have 8 rows",
        ),
        (
            lambda d: ref.cbow_softmax(d["W_in"], d["W_out"], [[0, 1]], [[False, False]], [1]),
            ValueError,
            "at least one context word",
        ),
        (lambda d: ref.cbow_softmax(d["W_in"], d["W_out"], [[0, 1]], None, [1], cbow_mean=1), TypeError, "'cbow_mean'"),
        (lambda d: ref.cbow_softmax(d["W_in"], d["W_out"], [0, 1], None, [1]), ValueError, "'contexts'"),
    ],
)
def test_errors(batch, call_, exc, match):
    with pytest.raises(exc, match=match):
        call_(batch)

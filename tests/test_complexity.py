"""Tests of course.complexity: the formulas against hand computation, the counter against
FlopCounterMode and hand counts, the course's models against the formulas (within 10 %)."""

import math

import matplotlib
import numpy as np
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from course.complexity import (
    Cost,
    cbow_cost,
    cost,
    nnlm_cost,
    output_factor,
    rnnlm_cost,
    skipgram_cost,
    training_cost,
    training_days,
)
from course.complexity.counting import count_ops, count_step
from course.complexity.measured import balanced_tree, measure_nnlm, measure_rnnlm, measure_word2vec
from course.complexity.paper import PAPER_SETTINGS, conclusions, path_lengths, settings_table, table_rows
from course.complexity.timing import ScalingResult, loglog_slope, time_call, time_output_layers, zipf_counts
from course.word2vec.huffman import HuffmanTree

matplotlib.use("Agg")


# ----------------------------------------------------------------------------- formulas
def test_nnlm_terms_are_the_papers_products():
    q = nnlm_cost(N=10, D=50, H=500, V=10**6)
    assert [t.value for t in q.terms] == [500, 250_000, 500_000_000]
    assert q.total == 500 + 250_000 + 500_000_000
    assert q.term("projection").kind == "lookup" and q.term("hidden").kind == "macs"
    hs = nnlm_cost(N=10, D=50, H=500, V=10**6, output="hs")
    assert hs.term("output").value == pytest.approx(500 * math.log2(10**6))
    assert hs.latex() == r"Q = N \times D + N \times D \times H + H \times \log_2 V"


def test_rnnlm_cbow_skipgram_formulas():
    assert rnnlm_cost(H=100, V=1000).total == 100 * 100 + 100 * 1000
    assert rnnlm_cost(H=100, V=1024, output="hs").total == 100 * 100 + 100 * 10
    assert cbow_cost(N=8, D=300, V=2**20).total == 8 * 300 + 300 * 20
    assert cbow_cost(N=8, D=300, V=2**20, output="ns", negative=5).total == 8 * 300 + 300 * 6
    assert cbow_cost(N=8, D=300, V=1000, output="softmax").total == 8 * 300 + 300 * 1000
    sg = skipgram_cost(C=10, D=300, V=2**20)
    assert sg.total == 10 * (300 + 300 * 20)  # the factored form of eq. (5)
    assert sg.latex(expanded=False) == r"Q = C \times (D + D \times \log_2 V)"
    assert sg.latex() == r"Q = C \times D + C \times D \times \log_2 V"
    assert skipgram_cost(C=2, D=10, V=100, output="ns", negative=15).total == 2 * (10 + 10 * 16)


def test_output_factor_and_code_length():
    assert output_factor(1024, "softmax") == 1024
    assert output_factor(1024, "hs") == 10
    assert output_factor(1024, "ns", negative=2) == 3
    assert output_factor(1024, "hs", code_length=7.5) == 7.5
    q = cbow_cost(N=2, D=10, V=1024, code_length=7.5)
    assert q.term("output").value == 75 and q.term("output").text == "D x L"


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: nnlm_cost(N=0, D=1, H=1, V=10),
            "The 'N' parameter of nnlm_cost must be an int in the range [1, inf). Got 0 instead.",
        ),
        (
            lambda: cbow_cost(N=1, D=1, V=1),
            "The 'V' parameter of cbow_cost must be an int in the range [2, inf). Got 1 instead.",
        ),
        (lambda: skipgram_cost(C=1, D=1, V=10, output="ns", negative=0), "The 'negative' parameter of skipgram_cost"),
        (lambda: rnnlm_cost(H=1, V=10, output="hierarchical"), "The 'output' parameter of rnnlm_cost"),
        (lambda: cost("GloVe", V=10), "The 'architecture' parameter of cost"),
        (lambda: training_cost(0, 10, 1.0), "The 'E' parameter of training_cost"),
    ],
)
def test_parameters_are_validated_with_the_house_message(call, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        call()


def test_cost_dispatch_ignores_sizes_an_architecture_does_not_use():
    sizes = dict(N=3, C=4, D=5, H=6, V=64, output="ns", negative=2)
    assert cost("CBOW", **sizes) == cbow_cost(N=3, D=5, V=64, output="ns", negative=2)
    assert cost("RNNLM", **sizes) == rnnlm_cost(H=6, V=64, output="ns", negative=2)
    assert isinstance(cost("Skip-gram", **sizes), Cost)


def test_term_lookup_dominant_share_by_kind():
    q = nnlm_cost(N=10, D=50, H=500, V=10**6, output="hs")
    assert q.dominant().name == "hidden"
    assert sum(q.share(t.name) for t in q.terms) == pytest.approx(1.0)
    assert q.by_kind("lookup") == 500
    with pytest.raises(KeyError, match="its terms are"):
        q.term("recurrent")


def test_training_cost_and_days():
    assert training_cost(3, 1e9, cbow_cost(N=8, D=300, V=2**20)) == 3e9 * (2400 + 6000)
    assert training_days(1, 86_400, 10.0, rate=10.0) == pytest.approx(1.0)


# ----------------------------------------------------------------------------- the paper
def test_settings_table_derives_the_papers_conclusions():
    rows = settings_table()
    dom = {(r.architecture, r.output, r.setting.label): r.cost.dominant().name for r in rows}
    for label in ("small", "large"):
        assert dom["NNLM", "softmax", label] == "output"  # H x V
        assert dom["NNLM", "hs", label] == "hidden"  # "N x D x H dominates"
        assert dom["RNNLM", "hs", label] == "hidden"  # H x H
        assert dom["CBOW", "hs", label] == "output"  # log2 1e6 ~ 19.9 > N = 8
        assert dom["CBOW", "ns", label] == "projection"  # k + 1 = 6 < N = 8
        assert dom["Skip-gram", "ns", label] == "output"
    lines = conclusions(rows)
    assert "NNLM + hs: N x D x H dominates in both settings" in lines[1]
    body, header = table_rows(rows)
    assert len(body) == len(rows) and len(header) == len(body[0])
    assert {s.architecture for s in PAPER_SETTINGS} == {"NNLM", "RNNLM", "CBOW", "Skip-gram"}


def test_path_lengths_obey_huffmans_bound():
    counts = zipf_counts(5000)
    p = path_lengths(counts)
    assert p.entropy <= p.mean < p.entropy + 1
    assert p.mean < p.log2_V < p.max
    b = path_lengths(np.ones(256, dtype=int))
    assert b.mean == b.max == b.log2_V == 8


# ----------------------------------------------------------------------------- counting
class _MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = torch.nn.Embedding(50, 6)
        self.hidden = torch.nn.Linear(3 * 6, 7)
        self.out = torch.nn.Linear(7, 50)

    def forward(self, x, y):
        h = torch.tanh(self.hidden(self.emb(x).flatten(1)))  # (B, 7)
        z = torch.einsum("bh,bh->b", h, h)  # a batched dot: bmm
        return torch.nn.functional.cross_entropy(self.out(h), y) + z.mean()


def test_matrix_products_agree_with_flop_counter_mode():
    torch.manual_seed(0)
    model, x, y = _MLP(), torch.randint(0, 50, (4, 3)), torch.randint(0, 50, (4,))
    step = count_step(lambda: model(x, y), batch_size=4)
    with FlopCounterMode(display=False) as fc:
        model(x, y).backward()
    assert 2 * (step.forward.total() + step.backward.total()) == fc.get_total_flops()
    # and by hand: forward 4 x (18 x 7 + 7 x 50 + 7) multiply-adds
    assert step.forward.total() == 4 * (18 * 7 + 7 * 50 + 7)
    assert step.forward.by_module() == {"_MLP.hidden": 4 * 18 * 7, "_MLP.out": 4 * 7 * 50, "_MLP": 4 * 7}


def test_operators_flop_counter_mode_ignores_are_counted_by_hand():
    a, b, v = torch.randn(3, 4), torch.randn(4, 5), torch.randn(4)
    table = torch.randn(10, 4)
    idx = torch.tensor([1, 2, 2])
    with FlopCounterMode(display=False) as fc:
        a @ v, v @ v, a * a, table[idx], table.index_select(0, idx)
    assert fc.get_total_flops() == 0
    _, c = count_ops(
        lambda: (
            a @ v,
            v @ v,
            a * a,
            a * 2.0,
            table[idx],
            table.index_select(0, idx),
            torch.gather(table, 0, idx[:, None].expand(3, 4)),
            a @ b,
        ),
        tables={"table": table},
    )
    assert c.by_op("macs") == {"aten.mv": 12, "aten.dot": 4, "aten.mul": 12, "aten.mm": 60}
    assert c.by_op("lookup") == {"aten.index": 12, "aten.index_select": 12, "aten.gather": 12}
    assert c.by_table("lookup") == {"table": 36}
    assert c.total("pointwise") == 12  # a * 2.0: a scaling, not a product


def test_backward_scatter_and_the_factor_three():
    emb = torch.nn.Embedding(100, 8)
    lin = torch.nn.Linear(8, 20, bias=False)
    x = torch.randint(0, 100, (5,))
    step = count_step(lambda: lin(emb(x)).sum(), batch_size=5, tables={"emb": emb.weight})
    assert step.per_example("lookup") == 8
    assert step.backward.total("scatter") == 5 * 8  # embedding_dense_backward
    assert step.backward_ratio == 3.0  # forward, dL/dx, dL/dW
    assert step.per_example("macs", "forward+backward") == 3 * 8 * 20
    with pytest.raises(ValueError, match="phase"):
        step.per_example("macs", "backward")
    with pytest.raises(ValueError, match="scalar tensor"):
        count_step(lambda: lin(emb(x)), batch_size=5)


# ----------------------------------------------------------------------------- the course's models
def _assert_within(m, tol=0.10):
    for term in m.forward:
        assert abs(m.ratio(term) - 1) <= tol, (m.architecture, m.output, term, m.ratio(term))


def test_nnlm_counted_equals_its_formula():
    m = measure_nnlm(V=2000, N=4, D=16, H=32)
    _assert_within(m)
    assert m.forward == {"projection": 64, "hidden": 2048, "output": 64_000}
    assert m.backward_factor == pytest.approx(3.0, abs=0.01)
    assert m.left_out["gradient scattered into C"] == 64


@pytest.mark.parametrize("fast", [False, True])
def test_rnnlm_counted_equals_its_formula(fast):
    m = measure_rnnlm(V=2000, H=32, fast=fast)
    _assert_within(m)
    assert m.left_out["input lookup U x_t"] == 32  # the one-hot input: a lookup
    if fast:  # nn.RNN with W_ih = I
        assert m.left_out["identity input product of nn.RNN"] == 32 * 32
    else:
        assert "identity input product of nn.RNN" not in m.left_out
    assert 2.5 < m.backward_factor < 3.1  # truncated BPTT: 1st step has no dh


@pytest.mark.parametrize("architecture", ["CBOW", "Skip-gram"])
@pytest.mark.parametrize("output", ["softmax", "hs", "ns"])
def test_word2vec_counted_equals_its_formula(architecture, output):
    m = measure_word2vec(architecture, output, V=1024, D=16, window=4, negative=5)
    _assert_within(m)
    f = {"softmax": 1024, "hs": 10, "ns": 6}[output]  # balanced tree: log2 V = 10
    assert m.forward["output"] == 16 * f
    assert m.forward["projection"] == (8 * 16 if architecture == "CBOW" else 16)
    if architecture == "Skip-gram" and output != "hs":
        assert m.backward_factor == pytest.approx(3.0, abs=0.1)  # scores, dL/dh, row grads
    elif architecture == "Skip-gram":  # + HS_MAX_STEPS's weights: 2 multiplications per (pair, node) = 2 / D
        assert m.backward_factor == pytest.approx(3.0 + 2 / 16, abs=1e-9)


def test_batched_hierarchical_softmax_pays_for_the_longest_path():
    tree = HuffmanTree(zipf_counts(2000))
    m = measure_word2vec("Skip-gram", "hs", V=2000, D=16, tree=tree, batch=64)
    assert m.forward["output"] == 16 * tree.max_code_length  # padded to L_max
    mean = m.formula.term("output").value / 16  # the batch's mean code length
    assert mean < tree.max_code_length
    assert m.left_out["padding of the paths (wasted)"] == pytest.approx(16 * (tree.max_code_length - mean))
    assert m.forward["output"] - m.left_out["padding of the paths (wasted)"] == pytest.approx(
        m.formula.term("output").value
    )


def test_balanced_tree_and_measure_validation():
    assert balanced_tree(64).max_code_length == 6
    with pytest.raises(ValueError, match="The 'architecture' parameter of measure_word2vec"):
        measure_word2vec("GloVe", "hs", V=64, D=4)


# ----------------------------------------------------------------------------- timing
def test_loglog_slope_and_zipf_counts():
    V = np.array([1e3, 1e4, 1e5])
    assert loglog_slope(V, 3 * V) == pytest.approx(1.0)
    assert loglog_slope(V, np.log2(V)) == pytest.approx(0.1109, abs=1e-3)
    with pytest.raises(ValueError, match="positive"):
        loglog_slope([1, 2], [0, 1])
    with pytest.raises(ValueError, match="same length"):
        loglog_slope([1, 2, 3], [1, 2])
    c = zipf_counts(1000)
    assert (np.diff(c) <= 0).all() and c.min() >= 1


def test_time_call_and_verdicts():
    wall, cpu = time_call(lambda: torch.ones(100).sum(), repeats=2, min_seconds=0.001)
    assert wall > 0 and cpu >= 0
    V = np.array([1e3, 1e4, 1e5])
    good = ScalingResult("softmax", V, 1e-9 * V, 1e-9 * V**1.1, predicted_slope=1.0)
    bad = ScalingResult("ns", V, 1e-9 * V, 1e-9 * V, predicted_slope=0.0)
    assert good.agrees and good.slope == pytest.approx(1.1)
    assert not bad.agrees and "DISAGREES" in bad.verdict()
    assert "agrees with the cost model's 1.00 (tolerance 0.3)" in good.verdict()


def test_time_output_layers_smoke():
    results = time_output_layers([64, 256], D=8, batch=8, repeats=1)
    assert [r.output for r in results] == ["softmax", "hs", "ns"]
    assert [round(r.predicted_slope, 2) for r in results] == [1.0, 0.21, 0.0]
    assert all((r.cpu >= 0).all() and (r.wall > 0).all() for r in results)
    assert torch.get_num_threads() >= 1

"""The one training loop: batching, schedule, TBPTT, early stopping, perplexity, checkpoints."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from course.base.batching import IGNORE_INDEX
from course.lm.batching import chunks, count_targets, encode_rows, make_batches, pad_rows
from course.lm.nnlm import NNLM
from course.lm.rnnlm import RNNLM
from course.lm.train import TrainConfig, evaluate, generate, lr_at, next_token_probs, train, train_cached

pytestmark = pytest.mark.usefixtures("one_thread")


class StubVocab:
    """The part of course.data.Vocab that encode_rows uses."""

    def __init__(self, words, unk="<unk>"):
        self.index_to_key = list(words)
        self.key_to_index = {w: i for i, w in enumerate(words)}
        self.unk = unk

    def encode(self, tokens):
        return [self.key_to_index.get(t, self.key_to_index[self.unk]) for t in tokens]


def cycle_rows(n_rows=40, V=6, seed=0):
    """A deterministic language: sentences 1 2 3 ... of random length; </s> is id 0."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n_rows):
        n = int(rng.integers(2, 9))
        rows.append(np.array([0, *[(i % (V - 1)) + 1 for i in range(n)], 0]))
    return rows


# ----------------------------------------------------------------------------------- batching
def test_encode_rows_adds_boundaries_and_maps_unknown_words():
    vocab = StubVocab(["</s>", "<unk>", "the", "cat"])
    rows = encode_rows([["the", "cat"], [], ["the", "dog"]], vocab)
    assert [r.tolist() for r in rows] == [[0, 2, 3, 0], [0, 0], [0, 2, 1, 0]]
    assert count_targets(rows) == 7  # 2 words + </s>, </s> alone, 2 words + </s>
    with pytest.raises(ValueError, match="no '</s>' token"):
        encode_rows([["the"]], StubVocab(["<unk>", "the"]))


def test_make_batches_covers_every_target_once_within_budget():
    rows = cycle_rows(100)
    batches = make_batches(rows, batch_tokens=20, shuffle=True, seed=3)
    assert sum(int((y != IGNORE_INDEX).sum()) for _, y in batches) == count_targets(rows)
    assert all(x.numel() <= 20 or x.shape[0] == 1 for x, _ in batches)
    seen = sorted(tuple(x[i][y[i] != IGNORE_INDEX].tolist()) for x, y in batches for i in range(len(x)))
    assert seen == sorted(tuple(r[:-1].tolist()) for r in rows)
    again = make_batches(rows, batch_tokens=20, shuffle=True, seed=3)
    assert all(torch.equal(a[0], b[0]) for a, b in zip(batches, again))  # seeded
    with pytest.raises(ValueError, match="seed"):
        make_batches(rows, 20, shuffle=True)


def test_pad_rows_and_chunks():
    idx, y = pad_rows([np.array([0, 1, 2, 0]), np.array([0, 3, 0])])
    assert y.tolist() == [[1, 2, 0], [3, 0, IGNORE_INDEX]]
    pieces = list(chunks(idx, y, bptt=2))
    assert [p[0].shape[1] for p in pieces] == [2, 1]
    assert torch.equal(torch.cat([p[1] for p in pieces], 1), y)


# -------------------------------------------------------------------------------- evaluation
def test_perplexity_is_exp_of_mean_nll_per_token():
    rows = cycle_rows(10)
    model = RNNLM(6, 4, seed=1)
    score = evaluate(model, rows)
    nll, n = 0.0, 0
    for row in rows:  # one sentence at a time, by hand
        x = torch.tensor(row[None, :-1])
        logits, _ = model(x)
        logp = torch.log_softmax(logits[0], -1)
        nll -= logp[torch.arange(len(row) - 1), torch.tensor(row[1:])].sum().item()
        n += len(row) - 1
    assert score.tokens == n == count_targets(rows)
    assert score.nll == pytest.approx(nll / n, rel=1e-6)
    assert score.perplexity == math.exp(score.nll)
    assert score.perplexity == pytest.approx(math.exp(nll / n), rel=1e-6)
    # batching and chunking change nothing
    assert evaluate(model, rows, batch_tokens=7, bptt=3).nll == pytest.approx(score.nll, rel=1e-6)


def test_a_model_with_equal_logits_has_perplexity_V():
    model = NNLM(6, 2, 3, 4)
    with torch.no_grad():
        model.U.weight.zero_()
        model.U.bias.zero_()
    assert evaluate(model, cycle_rows(5)).perplexity == pytest.approx(6.0, rel=1e-6)


# -------------------------------------------------------------------------------- schedule
def test_lr_schedule_warms_up_then_decays_to_min_lr():
    cfg = TrainConfig(lr=0.1, min_lr=0.01, warmup_steps=4)
    lrs = [lr_at(s, cfg, total_steps=104) for s in range(104)]
    assert lrs[:4] == pytest.approx([0.025, 0.05, 0.075, 0.1])
    assert lrs[4] == pytest.approx(0.1)
    assert lrs[54] == pytest.approx(0.055)  # half way through the cosine
    assert lrs[-1] > 0.01 and lr_at(104, cfg, 104) == pytest.approx(0.01)
    assert all(a >= b for a, b in zip(lrs[4:], lrs[5:]))


@pytest.mark.parametrize(
    "kwargs,message",
    [
        (
            {"batch_tokens": 0},
            "The 'batch_tokens' parameter of TrainConfig must be an int in the range [1, inf). Got 0 instead.",
        ),
        ({"bptt": 0}, "The 'bptt' parameter of TrainConfig must be an int in the range [1, inf). Got 0 instead."),
        ({"lr": 0.0}, "The 'lr' parameter of TrainConfig must be a float in the range (0, inf). Got 0.0 instead."),
        (
            {"lr": 1e-3, "min_lr": 1e-2},
            "The 'min_lr' parameter of TrainConfig must be a float in the range [0, 0.001]. Got 0.01 instead.",
        ),
        (
            {"patience": 0},
            "The 'patience' parameter of TrainConfig must be an int in the range [1, inf). Got 0 instead.",
        ),
        (
            {"grad_clip": -1.0},
            "The 'grad_clip' parameter of TrainConfig must be a float in the range (0, inf). Got -1.0 instead.",
        ),
    ],
)
def test_bad_training_hyperparameters_raise_clear_errors(kwargs, message):
    with pytest.raises(ValueError) as info:
        TrainConfig(**kwargs)
    assert str(info.value) == message


# -------------------------------------------------------------------------------- training
@pytest.mark.parametrize("make", [lambda: NNLM(6, 2, 4, 16, seed=0), lambda: RNNLM(6, 16, seed=0)])
def test_training_learns_a_deterministic_language(make):
    rows = cycle_rows(60)
    model = make()
    before = evaluate(model, rows).perplexity
    history = train(
        model,
        rows,
        rows,
        TrainConfig(epochs=30, batch_tokens=64, bptt=4, lr=0.03, min_lr=0.003, eval_interval=20, patience=None),
        progress=False,
    )
    after = evaluate(model, rows).perplexity
    assert after < 1.6 < before
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.train_tokens == 30 * count_targets(rows)
    assert len(history.step) == history.planned_steps and not history.stopped_early


class Recorder(nn.Module):
    """Wraps a model and records the state each call received."""

    def __init__(self, model):
        super().__init__()
        self.model, self.states = model, []

    @property
    def final_state(self):
        return self.model.final_state

    def forward(self, idx, targets=None, state=None):
        if self.training:
            self.states.append(state)
        return self.model(idx, targets, state=state)


def test_training_loop_carries_detached_state_between_chunks():
    rows = [np.array([0, 1, 2, 3, 4, 5, 1, 2, 0])] * 4  # 8 targets: chunks of 3, 3, 2
    rec = Recorder(RNNLM(6, 4, seed=0))
    history = train(rec, rows, rows, TrainConfig(batch_tokens=100, bptt=3, eval_interval=100), progress=False)
    assert history.planned_steps == 3
    first, second, third = rec.states
    assert first is None  # each minibatch starts from h_0 = 0
    for s in (second, third):
        assert s is not None and s.shape == (4, 4) and s.grad_fn is None and not s.requires_grad


def test_early_stopping_stops_and_restores_the_best_weights():
    train_rows = [np.array([0, 1, 2, 0])] * 20  # train: 1 -> 2
    valid_rows = [np.array([0, 1, 3, 0])] * 20  # valid: 1 -> 3; fitting train hurts valid
    model = NNLM(4, 1, 4, 8, seed=0)
    cfg = TrainConfig(epochs=200, batch_tokens=12, lr=0.05, min_lr=0.05, warmup_steps=0, eval_interval=1, patience=3)
    history = train(model, train_rows, valid_rows, cfg, progress=False)
    assert history.stopped_early
    assert len(history.step) < history.planned_steps
    assert len(history.valid_loss) == history.valid_loss.index(min(history.valid_loss)) + 4
    assert history.best_valid_loss == min(history.valid_loss)
    assert evaluate(model, valid_rows, max_tokens=cfg.eval_tokens).nll == pytest.approx(
        history.best_valid_loss, rel=1e-6
    )


def test_same_seed_same_model_different_seed_different_order():
    rows = cycle_rows(30)
    cfg = TrainConfig(epochs=2, batch_tokens=16, eval_interval=1000)
    a, b, c = (RNNLM(6, 8, seed=0) for _ in range(3))
    train(a, rows, rows, cfg, progress=False)
    train(b, rows, rows, cfg, progress=False)
    train(c, rows, rows, TrainConfig(epochs=2, batch_tokens=16, eval_interval=1000, seed=1), progress=False)
    assert torch.equal(a.W, b.W)
    assert not torch.equal(a.W, c.W)


def test_train_cached_saves_then_loads_state_dict_safely(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    rows = cycle_rows(20)
    cfg = TrainConfig(epochs=2, batch_tokens=32, eval_interval=5)
    model = NNLM(6, 2, 3, 5, seed=0)
    h1 = train_cached(model, rows, rows, cfg, corpus_checksum="abc", data_key={"vocab": "x"}, progress=False)
    assert not h1.from_cache
    files = list(tmp_path.rglob("*.npz"))
    assert len(files) == 1 and files[0].with_name(files[0].name + ".sha256").exists()
    with np.load(files[0], allow_pickle=False) as npz:  # arrays and JSON only: loads without unpickling
        assert "__meta__" in npz.files and len(npz.files) == 1 + len(model.state_dict())
    fresh = NNLM(6, 2, 3, 5, seed=0)
    h2 = train_cached(fresh, [], [], cfg, corpus_checksum="abc", data_key={"vocab": "x"})
    assert h2.from_cache and h2.train_loss == h1.train_loss and h2.best_step == h1.best_step
    assert all(torch.equal(fresh.state_dict()[k], v) for k, v in model.state_dict().items())
    # another corpus, vocabulary or config is another checkpoint
    train_cached(
        NNLM(6, 2, 3, 5, seed=0), rows, rows, cfg, corpus_checksum="abd", data_key={"vocab": "x"}, progress=False
    )
    assert len(list(tmp_path.rglob("*.npz"))) == 2


# ------------------------------------------------------------------------------ generation
def test_next_token_probs_and_generate():
    rows = cycle_rows(60)
    model = RNNLM(6, 16, seed=0)
    train(
        model,
        rows,
        rows,
        TrainConfig(epochs=30, batch_tokens=64, lr=0.03, min_lr=0.003, eval_interval=1000),
        progress=False,
    )

    p = next_token_probs(model, [0, 1])
    assert p.shape == (6,) and p.sum().item() == pytest.approx(1.0, abs=1e-6)
    assert int(p.argmax()) == 2
    out = generate(model, [0], 20, seed=0, temperature=0.5, stop_id=0)
    assert out == generate(model, [0], 20, seed=0, temperature=0.5, stop_id=0)
    assert out[:3] == [1, 2, 3]
    assert out[-1] == 0 or len(out) == 20
    with pytest.raises(ValueError, match="non-empty 'prefix'"):
        generate(model, [], 5)


def test_max_tokens_and_max_steps_bound_the_run():
    rows = cycle_rows(50)
    for cfg, check in [
        (
            TrainConfig(epochs=3, batch_tokens=32, bptt=3, max_tokens=200, eval_interval=1000),
            lambda h: 200 <= h.train_tokens < 200 + 32,
        ),
        (TrainConfig(epochs=3, batch_tokens=32, bptt=3, max_steps=17, eval_interval=1000), lambda h: len(h.step) == 17),
    ]:
        history = train(RNNLM(6, 4), rows, rows, cfg, progress=False)
        assert len(history.step) == history.planned_steps
        assert check(history)


def test_token_nll_is_in_row_order():
    from course.lm.train import token_nll

    rows = cycle_rows(12)
    model = NNLM(6, 2, 3, 4, seed=2)
    nll = token_nll(model, rows, batch_tokens=10)
    by_row = np.concatenate([token_nll(model, [r]) for r in rows])
    assert nll.shape == (count_targets(rows),)
    assert np.allclose(nll, by_row, atol=1e-6)


def test_training_is_deterministic_on_two_threads():
    """Same seed, same weights, also when the backward pass runs on two threads."""
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        rows = [np.array([0, *(np.arange(40) % 29 + 1), 0])] * 64  # many repeated words per batch
        cfg = TrainConfig(batch_tokens=2048, max_steps=3, eval_interval=1000)
        weights = []
        for _ in range(2):
            model = NNLM(30, 4, 64, 8, seed=0)
            train(model, rows, rows[:2], cfg, progress=False)
            weights.append(model.C.detach().clone())
        assert torch.equal(weights[0], weights[1])
    finally:
        torch.set_num_threads(threads)


class Bigram(nn.Module):
    """makemore's simplest model: no state, no final_state attribute."""

    hparams = {"vocab_size": 6}

    def __init__(self):
        super().__init__()
        self.logits = nn.Parameter(torch.zeros(6, 6))

    def forward(self, idx, targets=None, state=None):
        logits = self.logits[idx]
        loss = (
            None
            if targets is None
            else nn.functional.cross_entropy(logits.reshape(-1, 6), targets.reshape(-1), ignore_index=IGNORE_INDEX)
        )
        return logits, loss


def test_a_stateless_model_uses_the_same_loop(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    rows = cycle_rows(40)
    model = Bigram()
    history = train_cached(
        model,
        rows,
        rows,
        TrainConfig(epochs=20, batch_tokens=64, lr=0.1, min_lr=0.01, bptt=3, eval_interval=1000),
        corpus_checksum="x",
        progress=False,
    )
    assert evaluate(model, rows).perplexity < 1.6 and not history.from_cache
    assert generate(model, [0], 3, temperature=0.1) == [1, 2, 3]

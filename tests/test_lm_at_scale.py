"""The at-scale language models: output heads, dropout, the LSTM, shipped files, mixtures, resuming."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from course.base.batching import IGNORE_INDEX
from course.base.training import TrainConfig
from course.lm import at_scale
from course.lm.heads import AdaptiveOutput, check_output, default_cutoffs
from course.lm.lstm import LSTMLM
from course.lm.nnlm import NNLM
from course.lm.rnnlm import RNNLM
from course.lm.train import evaluate, token_nll, train

V = 40


def _rows(n=24, seed=0):
    rng = np.random.default_rng(seed)
    # a Zipf-like, learnable language: every word predicts the next with some structure
    return [np.array([0, *((rng.integers(2, V, size=rng.integers(3, 9)) // 2) * 2 % V), 0]) for _ in range(n)]


def test_adaptive_output_is_a_distribution_and_its_loss_is_the_nll_of_the_targets():
    head = AdaptiveOutput(16, V, (10, 25))
    head.reset_parameters(torch.Generator().manual_seed(0))
    h = torch.randn(3, 5, 16)
    lp = head.log_probs(h)
    assert lp.shape == (3, 5, V)
    assert torch.allclose(lp.exp().sum(-1), torch.ones(3, 5), atol=1e-5)
    targets = torch.randint(0, V, (3, 5))
    targets[0, 3:] = IGNORE_INDEX  # padding is not scored
    keep = targets != IGNORE_INDEX
    want = -lp[keep].gather(-1, targets[keep][:, None]).mean()
    assert torch.allclose(head.loss(h, targets), want, atol=1e-5)


def test_output_choices_are_validated_where_a_model_is_built():
    with pytest.raises(ValueError, match="fewer 'cutoffs'"):
        AdaptiveOutput(8, V, (10, 25))
    assert check_output("adaptive", None, 10_002, "X") == ("adaptive", default_cutoffs(10_002))
    with pytest.raises(ValueError, match="'cutoffs' parameter of NNLM must be increasing"):
        NNLM(V, output="adaptive", cutoffs=(20, 10))
    with pytest.raises(ValueError, match="'cutoffs' parameter of RNNLM is for output='adaptive'"):
        RNNLM(V, cutoffs=(10,))
    with pytest.raises(ValueError, match="'output' parameter of LSTMLM"):
        LSTMLM(V, output="sampled")
    with pytest.raises(ValueError, match="'dropout' parameter of NNLM"):
        NNLM(V, dropout=1.0)
    with pytest.raises(ValueError, match="direct=True"):
        NNLM(V, direct=True, output="adaptive")


@pytest.mark.parametrize(
    "make",
    [
        lambda: NNLM(V, context_size=2, vector_size=4, hidden_size=8, dropout=0.2, output="adaptive", cutoffs=(10,)),
        lambda: RNNLM(V, hidden_size=16, dropout=0.2, output="adaptive", cutoffs=(10, 20), fast=True),
        lambda: LSTMLM(V, hidden_size=8, n_layers=2, dropout=0.2, output="adaptive", cutoffs=(10,)),
        lambda: LSTMLM(V, hidden_size=8, n_layers=1),
    ],
)
def test_at_scale_models_learn_and_score_exactly(make):
    rows = _rows()
    model = make()
    before = evaluate(model, rows).perplexity
    train(model, rows, rows, TrainConfig(epochs=30, batch_tokens=64, lr=1e-2, eval_interval=20), progress=False)
    after = evaluate(model, rows).perplexity
    assert after < 0.6 * before
    # eval mode: dropout off, the returned "logits" normalise to the same distribution
    idx = torch.from_numpy(rows[0][:-1])[None]
    logits, loss = model(idx, torch.tensor([rows[0][1:]]))
    nll = torch.nn.functional.cross_entropy(logits[0], torch.tensor(rows[0][1:]))
    assert torch.allclose(nll, loss, atol=1e-5)
    # the hyperparameters rebuild the same architecture
    clone = type(model)(**model.hparams)
    clone.load_state_dict(model.state_dict())
    assert np.allclose(token_nll(clone, rows), token_nll(model, rows))


def test_chapter_models_keep_their_hyperparameter_keys():
    # the at-scale options appear in hparams (checkpoint keys) only when used
    assert set(NNLM(V).hparams) == {"vocab_size", "context_size", "vector_size", "hidden_size", "direct", "seed"}
    assert set(RNNLM(V).hparams) == {"vocab_size", "hidden_size", "nonlinearity", "seed"}
    assert RNNLM(V, dropout=0.1).hparams["dropout"] == 0.1


def test_save_and_load_round_trip_in_float16(tmp_path):
    model = LSTMLM(V, hidden_size=8, output="adaptive", cutoffs=(10,))
    at_scale.save_lm(tmp_path / "m.npz", model, {"seconds": 1.0})
    loaded, meta = at_scale.load_lm(tmp_path / "m.npz")
    assert meta["model"] == "LSTMLM" and meta["seconds"] == 1.0 and meta["hparams"] == model.hparams
    for (k, a), (_, b) in zip(model.state_dict().items(), loaded.state_dict().items(), strict=True):
        assert torch.equal(a.half().float(), b), k
    assert not loaded.training
    with np.load(tmp_path / "m.npz", allow_pickle=False) as npz:  # readable without pickle
        assert all(npz[k].dtype in (np.float16, np.uint8) for k in npz.files)


def test_load_refuses_a_file_that_is_not_a_course_model(tmp_path):
    bad = tmp_path / "bad.npz"
    np.savez(bad, x=np.zeros(3))
    with pytest.raises(ValueError, match="is not a language model saved by course.lm.at_scale"):
        at_scale.load_lm(bad)
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="junk.npz"):
        at_scale.load_lm(tmp_path / "junk.npz")


def test_mixture_weights_maximise_held_out_likelihood():
    rng = np.random.default_rng(0)
    p1 = rng.uniform(0.01, 1, 500)
    p2 = rng.uniform(0.01, 1, 500)
    lp = np.log([p1, p2])
    w = at_scale.mixture_weights(lp)
    grid = np.linspace(0, 1, 1001)
    best = grid[np.argmin([at_scale.mixture_nll(lp, [g, 1 - g]) for g in grid])]
    assert abs(w[0] - best) < 2e-3
    assert at_scale.mixture_nll(lp, w) <= min(at_scale.mixture_nll(lp, [1, 0]), at_scale.mixture_nll(lp, [0, 1]))
    # the mixture of a model with itself is the model
    assert np.isclose(at_scale.mixture_nll(np.log([p1, p1]), [0.3, 0.7]), -np.log(p1).mean())


def test_mixture_rejects_what_is_not_log_probabilities():
    with pytest.raises(ValueError, match="log-probabilities"):
        at_scale.mixture_weights([[0.5, 0.2]])  # probabilities, not their logs
    with pytest.raises(ValueError, match="summing to 1"):
        at_scale.mixture_nll(np.log([[0.5], [0.5]]), [0.5, 0.6])


class _Interrupt(Exception):
    pass


def test_an_interrupted_run_resumes_to_the_same_weights(tmp_path, monkeypatch):
    rows = _rows(40)
    cfg = TrainConfig(epochs=3, batch_tokens=48, lr=5e-3, eval_interval=7, patience=None)

    def fresh():
        return LSTMLM(V, hidden_size=8, dropout=0.3, output="adaptive", cutoffs=(10,), seed=3)

    torch.manual_seed(0)
    whole = fresh()
    h_whole = train(whole, rows, rows, cfg, progress=False)

    # the same run, saving after every update and stopped by an error at update 20
    from course.lm import train as lm_train

    real_loss = lm_train.LMTask.loss
    calls = {"n": 0}

    def flaky(self, model, batch):
        calls["n"] += 1
        if calls["n"] == 21:
            raise _Interrupt
        return real_loss(self, model, batch)

    resume = tmp_path / "progress.npz"
    torch.manual_seed(0)
    monkeypatch.setattr(lm_train.LMTask, "loss", flaky)
    with pytest.raises(_Interrupt):
        lm_train.fit(fresh(), lm_train.LMTask(rows, rows, cfg), cfg, progress=False, resume=resume, save_every=0.0)
    assert resume.exists()
    monkeypatch.setattr(lm_train.LMTask, "loss", real_loss)
    torch.manual_seed(123)  # the saved random state, not this one, drives dropout from here on
    resumed = fresh()
    h_resumed = lm_train.fit(resumed, lm_train.LMTask(rows, rows, cfg), cfg, progress=False, resume=resume)
    assert h_resumed.step == h_whole.step and h_resumed.valid_loss == h_whole.valid_loss
    for a, b in zip(whole.state_dict().values(), resumed.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    assert not resume.exists()  # removed once the run ended


def test_resume_refuses_a_file_of_another_run(tmp_path):
    rows = _rows(10)
    cfg = TrainConfig(epochs=1, batch_tokens=48, eval_interval=5)
    resume = tmp_path / "p.npz"
    from course.base.cache import save_result

    save_result(resume, {"config": dataclasses.asdict(dataclasses.replace(cfg, lr=1e-2))})
    with pytest.raises(ValueError, match="another TrainConfig"):
        train(LSTMLM(V, hidden_size=4), rows, rows, cfg, progress=False, resume=resume)


def test_recipes_build_models_of_the_course_vocabulary():
    for name in at_scale.RECIPES:
        model = at_scale.build(name, 10_002)
        assert model.vocab_size == 10_002 and model.output == "adaptive"
        assert model.num_parameters() < 5_000_000  # float16: under 10 MB each in the repository


def test_scoring_an_adaptive_model_reads_only_the_targets_log_probabilities():
    rows = _rows(12)
    model = RNNLM(V, hidden_size=16, output="adaptive", cutoffs=(10, 20), seed=1).eval()
    fast = token_nll(model, rows)
    full = []
    for r in rows:
        logits, _ = model(torch.from_numpy(r[:-1])[None])
        full.append(-torch.log_softmax(logits[0], -1).gather(1, torch.from_numpy(r[1:])[:, None])[:, 0].detach())
    assert np.allclose(fast, torch.cat(full).numpy(), atol=1e-5)


@pytest.mark.parametrize("name", sorted(at_scale.SHIPPED))
def test_the_shipped_artifact_was_made_by_its_recipe(name):
    """The registry's hyperparameters are the recipe's: changing a recipe without remaking its artifact fails here."""
    from course import pretrained

    entry = pretrained.artifact(at_scale.SHIPPED[name])
    recipe = at_scale.RECIPES[name]
    assert entry.hyperparameters["train"] == dataclasses.asdict(recipe.config)
    for key, value in at_scale.build(name, 10_002).hparams.items():  # what the model stores of its recipe
        assert entry.hyperparameters[key] == (list(value) if isinstance(value, tuple) else value), key

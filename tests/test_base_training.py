"""The one training loop (course.base.training) and the one length grouping (course.base.batching)."""

import math
import os
import re
from unittest import mock

import numpy as np
import pytest
import torch
from torch import nn

import course.base.training as training
from course.base.batching import IGNORE_INDEX, group_by_length
from course.base.training import History, TrainConfig, fit, lr_at, planned_steps
from course.base.validation import TrainingDivergedError


class Quadratic:
    """Fit one weight to a stream of targets: loss (w - x)^2; validation scores are scripted."""

    def __init__(self, data, valid=None):
        self.data = torch.as_tensor(data, dtype=torch.float32)
        self.valid = list(valid) if valid is not None else None
        self.fed: list[tuple[int, float]] = []

    def plan(self, config):
        return [[2] * len(self.data) for _ in range(config.epochs)]

    def batches(self, epoch):
        for x in self.data:
            self.fed.append((epoch, float(x)))
            yield x

    def loss(self, model, x):
        return (model.w - x) ** 2, 2

    def validate(self, model):
        if self.valid is not None:
            return self.valid.pop(0)
        return float(((model.w.detach() - self.data) ** 2).mean())


def scalar_model(value=0.0):
    model = nn.Module()
    model.w = nn.Parameter(torch.tensor(float(value)))
    return model


def test_schedule_warm_up_then_cosine_and_planned_steps():
    cfg = TrainConfig(lr=1.0, min_lr=0.1, warmup_steps=4)
    assert [lr_at(s, cfg, 20) for s in range(4)] == [0.25, 0.5, 0.75, 1.0]
    assert lr_at(4, cfg, 20) == 1.0 and math.isclose(lr_at(12, cfg, 20), 0.55) and lr_at(19, cfg, 20) > 0.1
    assert lr_at(20, cfg, 20) == lr_at(100, cfg, 20) == pytest.approx(0.1)  # stays at min_lr
    plan = [[3, 3, 3], [3, 3, 3]]
    assert planned_steps(plan, TrainConfig()) == 6
    assert planned_steps(plan, TrainConfig(max_steps=4)) == 4
    assert planned_steps(plan, TrainConfig(max_tokens=7)) == 3  # 3 + 3 < 7 <= 9
    assert planned_steps(plan, TrainConfig(max_steps=5, max_tokens=7)) == 3


def test_loop_uses_the_schedule_counts_tokens_and_feeds_epochs_in_order():
    task = Quadratic([1.0, 2.0, 3.0])
    cfg = TrainConfig(epochs=3, lr=0.1, min_lr=0.01, warmup_steps=2, eval_interval=100, max_steps=7)
    history = fit(scalar_model(), task, cfg, progress=False)
    assert history.planned_steps == 7 and history.step == list(range(1, 8))
    assert history.lr == [lr_at(s, cfg, 7) for s in range(7)]
    assert history.train_tokens == 14
    assert [e for e, _ in task.fed][:7] == [0, 0, 0, 1, 1, 1, 2]  # stops inside epoch 2
    assert history.eval_step == [7]  # evaluated once at the end


def test_gradient_norm_is_recorded_before_clipping_and_clipped():
    # loss (w - x)^2 at w = 0: gradient -2x; with clipping to 1 the Adam-free effect is visible
    # only in the recorded norm (before clipping) and in the gradient the optimizer sees.
    seen = []
    real_step = torch.optim.AdamW.step

    def spy(self, *args, **kwargs):
        seen.append(
            float(
                self.param_groups[0]["params"][0].grad.abs().sum() + self.param_groups[1]["params"][0].grad.abs().sum()
            )
            if self.param_groups[0]["params"]
            else float(self.param_groups[1]["params"][0].grad.abs())
        )
        return real_step(self, *args, **kwargs)

    with mock.patch.object(torch.optim.AdamW, "step", spy):
        history = fit(scalar_model(), Quadratic([5.0]), TrainConfig(grad_clip=0.5, eval_interval=1), progress=False)
        assert history.grad_norm == [10.0] and seen == [pytest.approx(0.5)]
        seen.clear()
        history = fit(scalar_model(), Quadratic([5.0]), TrainConfig(grad_clip=None, eval_interval=1), progress=False)
        assert history.grad_norm == [10.0] and seen == [pytest.approx(10.0)]


def test_patience_stops_early_and_restores_the_best_weights():
    weights = {}
    task = Quadratic(np.arange(1.0, 21.0), valid=[5.0, 3.0, 4.0, 3.5, 9.0])

    real_validate = task.validate

    def validate(model):
        weights[len(weights) + 1] = float(model.w.detach())
        return real_validate(model)

    task.validate = validate
    model = scalar_model()
    history = fit(model, task, TrainConfig(eval_interval=2, patience=2, lr=0.1), progress=False)
    assert history.eval_step == [2, 4, 6, 8] and history.valid_loss == [5.0, 3.0, 4.0, 3.5]
    assert history.stopped_early and history.step[-1] == 8 and history.planned_steps == 20
    assert history.best_step == 4 and history.best_valid_loss == 3.0
    assert float(model.w.detach()) == weights[2] and not model.training  # the weights evaluated at update 4


def test_no_patience_runs_every_planned_update():
    history = fit(
        scalar_model(),
        Quadratic(np.ones(9), valid=[1.0, 2.0, 3.0, 4.0]),
        TrainConfig(eval_interval=3, patience=None),
        progress=False,
    )
    assert not history.stopped_early and history.eval_step == [3, 6, 9] and history.best_step == 3


@pytest.mark.parametrize("valid, what", [([math.nan], "validation perplexity"), ([800.0], "validation perplexity")])
def test_a_diverged_validation_names_lr(valid, what):
    with pytest.raises(
        TrainingDivergedError,
        match=rf"the {what} \(mean loss .* nats\) is .* at update 1 of 1\. "
        r"The 'lr' parameter of TrainConfig \(0\.5\).*lr=0\.003 \(the default\)",
    ):
        fit(scalar_model(), Quadratic([1.0], valid=valid), TrainConfig(lr=0.5, eval_interval=1), progress=False)


def test_a_diverged_training_loss_names_lr():
    with pytest.raises(
        TrainingDivergedError,
        match=re.escape("the training loss is inf at update 1 of 2. The 'lr' parameter of TrainConfig (0.001)")
        + r".*lr=0\.0001\.",
    ):
        fit(scalar_model(), Quadratic([math.inf, 1.0]), TrainConfig(lr=1e-3, min_lr=0.0), progress=False)


def test_one_loop_trains_the_nnlm_the_rnnlm_and_the_bilm():
    from course.data import Vocab
    from course.elmo import BiLM, BiLMConfig, CharEncoder
    from course.elmo.batching import BiLMCorpus
    from course.elmo.train import train_bilm
    from course.lm.nnlm import NNLM
    from course.lm.rnnlm import RNNLM
    from course.lm.train import train

    rows = [np.array([0, 1, 2, 0]), np.array([0, 2, 1, 0])] * 4
    sentences = [["the", "cat"], ["a", "dog", "sat"]] * 4
    vocab = Vocab(specials=("</s>",)).fit(sentences)
    config = BiLMConfig(n_words=len(vocab), max_word_length=6, char_dim=4, filters=((1, 4),), projection_dim=4)
    data = BiLMCorpus(sentences, vocab, CharEncoder(config.max_word_length))
    cfg = TrainConfig(epochs=5, max_steps=3, batch_tokens=12, eval_interval=2)
    with mock.patch("course.base.training.fit", wraps=training.fit) as shared:
        with mock.patch("course.lm.train.fit", shared), mock.patch("course.elmo.train.fit", shared):
            histories = [
                train(NNLM(3, context_size=1, vector_size=2, hidden_size=3), rows, rows, cfg, progress=False),
                train(RNNLM(3, hidden_size=3), rows, rows, cfg, progress=False),
                train_bilm(BiLM(config), data, data, cfg, progress=False),
            ]
    assert shared.call_count == 3
    assert all(isinstance(h, History) and h.step == [1, 2, 3] and h.eval_step == [2, 3] for h in histories)


def test_bilm_honours_max_tokens_like_the_other_models():
    from course.data import Vocab
    from course.elmo import BiLM, BiLMConfig, CharEncoder
    from course.elmo.batching import BiLMCorpus
    from course.elmo.train import train_bilm

    sentences = [["w"] * 3] * 8  # 4 predicted tokens per sentence and direction
    vocab = Vocab(specials=("</s>",)).fit(sentences)
    config = BiLMConfig(n_words=len(vocab), max_word_length=6, char_dim=4, filters=((1, 4),), projection_dim=4)
    data = BiLMCorpus(sentences, vocab, CharEncoder(config.max_word_length))
    history = train_bilm(
        BiLM(config), data, data, TrainConfig(batch_tokens=10, epochs=3, max_tokens=20), progress=False
    )
    assert history.planned_steps == 3 and history.train_tokens == 24  # batches of 2 sentences: 8 tokens


def test_group_by_length_is_the_one_grouping_and_the_sentinel_is_torchs_default():
    import course.elmo.batching
    import course.elmo.bilm
    import course.lm.batching

    assert course.lm.batching.group_by_length is course.elmo.batching.group_by_length is group_by_length
    assert course.elmo.bilm.IGNORE is IGNORE_INDEX == -100
    logits = torch.randn(3, 5)
    assert torch.equal(
        nn.functional.cross_entropy(logits, torch.tensor([1, IGNORE_INDEX, 2])),
        nn.functional.cross_entropy(logits[[0, 2]], torch.tensor([1, 2])),
    )
    lengths = [5, 1, 3, 3, 2, 5, 1]
    groups = group_by_length(lengths, 6, shuffle=True, seed=0)
    assert sorted(i for g in groups for i in g) == list(range(7))
    assert all(len(g) * max(lengths[i] for i in g) <= 6 or len(g) == 1 for g in groups)
    assert group_by_length(lengths, 6, shuffle=True, seed=0) == groups
    assert group_by_length(lengths, 6) == [[1, 6, 4], [2, 3], [0], [5]]
    with pytest.raises(ValueError, match="group_by_length needs a 'seed'"):
        group_by_length(lengths, 6, shuffle=True)
    with pytest.raises(ValueError, match="'batch_tokens' parameter of BiLMCorpus.batches"):
        group_by_length(lengths, 0, owner="BiLMCorpus.batches")


def test_progress_bars_follow_the_environment_so_checked_runs_save_none(monkeypatch):
    # `make` sets TQDM_DISABLE=1 for nbval and `make notebooks`: no bar lands in a committed notebook,
    # while a reader (no such variable) sees one; progress=False always hides it.
    from course.base.notebook import progress_bar

    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    shown = progress_bar(True, total=3, file=open(os.devnull, "w"))
    assert not shown.disable
    shown.close()
    assert progress_bar(False, total=3).disable
    # tqdm reads TQDM_* when it is imported: a fresh process, as under make
    import subprocess
    import sys

    code = "from course.base.notebook import progress_bar; print(progress_bar(True, total=3).disable)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "TQDM_DISABLE": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "True"


def test_the_makefile_hides_progress_bars_in_checked_runs():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text()
    assert "TQDM_DISABLE=1" in makefile.split("CHECKED_ENV :=")[1].splitlines()[0]

"""Fault class 2: non-finite numbers and numbers that overflow.

``k=inf`` made every add-k probability nan, ``temperature`` so small that ``log(p) / T``
overflows made the sampling distribution nan, an ``ns_exponent`` that overflows ``U(w) ** a``
made the noise distribution nan, and a learning rate that makes training diverge left nan
weights (or crashed in ``math.exp``). Each is now an error naming the parameter.
"""

import math
import re

import numpy as np
import pytest
import torch

from course.base.validation import TrainingDivergedError, check_float
from course.lm.ngram import NGramLM
from course.lm.nnlm import NNLM
from course.lm.rnnlm import RNNLM
from course.lm.train import TrainConfig, evaluate, generate, train
from course.word2vec import Word2Vec
from course.word2vec.negative_sampling import noise_distribution, unigram_table

pytestmark = pytest.mark.usefixtures("one_thread")

TOY = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"]]
W2V_TOY = [["the", "cat", "sat", "on", "the", "mat"], ["the", "dog", "sat"]] * 50
ROWS = [np.array([0, 1, 2, 0]), np.array([0, 2, 1, 0])] * 8


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_check_float_refuses_non_finite_values(value):
    with pytest.raises(ValueError, match=r"The 'x' parameter of f must be a float in the range \(-inf, inf\)"):
        check_float(value, "x", "f")


def test_ngram_parameters():
    with pytest.raises(ValueError, match=r"'k' parameter of NGramLM must be a float in the range \(0, inf\). Got inf"):
        NGramLM(estimator="addk", k=math.inf)
    lm = NGramLM(order=2).fit(TOY)
    with pytest.raises(ValueError, match=r"'base' parameter of NGramLM.cross_entropy .*Got inf"):
        lm.cross_entropy(TOY, base=math.inf)  # was 0 bits for any model
    with pytest.raises(ValueError, match=r"'temperature' parameter of NGramLM.sample .*Got inf"):
        lm.sample(temperature=math.inf)
    with pytest.raises(ValueError, match=r"'temperature' parameter of NGramLM.sample is too small .*Got 5e-324"):
        lm.sample(temperature=5e-324)  # log(p) / T = -inf for every word: nan probabilities
    # A small temperature that does not overflow picks the most likely word every time.
    p = lm.next_word_probs([])
    best = lm.index_to_key_[int(p.argmax())]
    assert all(lm.sample(max_len=1, temperature=1e-3, seed=s)[:1] == [best] for s in range(5))


def test_noise_distribution_overflow_names_ns_exponent():
    counts = np.array([10**6, 1, 3])
    with pytest.raises(ValueError, match=r"'ns_exponent' parameter of noise_distribution is too large .*Got 100.0"):
        noise_distribution(counts, 100.0)  # 1e6 ** 100 = inf: inf / inf = nan before
    with pytest.raises(ValueError, match="'ns_exponent' parameter of noise_distribution"):
        unigram_table(counts, 100.0, table_size=10)
    with pytest.raises(ValueError, match=r"'ns_exponent' parameter of Word2Vec must be a float .*Got inf"):
        Word2Vec(ns_exponent=math.inf)
    with pytest.raises(ValueError, match="'ns_exponent' parameter of noise_distribution is too large"):
        Word2Vec(min_count=1, ns_exponent=500.0, progress=False).fit(W2V_TOY * 20)
    p = noise_distribution(counts, -5.0)  # large but representable: still a distribution
    assert np.all(np.isfinite(p)) and math.isclose(p.sum(), 1.0)


@pytest.mark.parametrize("kwargs", [dict(), dict(hs=True, negative=0), dict(sg=True), dict(compute_loss=False)])
def test_word2vec_divergence_names_alpha(kwargs):
    with pytest.raises(
        TrainingDivergedError,
        match=r"Training diverged: .* at epoch \d of 3, chunk 1 of 1. "
        r"The 'alpha' parameter of Word2Vec \(1e\+20\) is probably too large: "
        r"try a smaller one, e.g. alpha=0.025 \(the default\)",
    ):
        Word2Vec(
            vector_size=8,
            window=2,
            min_count=1,
            epochs=3,
            alpha=1e20,
            min_alpha=0.0,
            progress=False,
            workers=1,
            **kwargs,
        ).fit(W2V_TOY)
    assert issubclass(TrainingDivergedError, ValueError)


@pytest.mark.parametrize(
    "model", [lambda: NNLM(3, context_size=1, vector_size=2, hidden_size=4), lambda: RNNLM(3, hidden_size=4)]
)
def test_lm_training_divergence_names_lr(model):
    cfg = dict(epochs=20, batch_tokens=24, eval_interval=5, min_lr=0.0, warmup_steps=0)
    with pytest.raises(ValueError, match=r"'lr' parameter of TrainConfig must be a float .*Got inf"):
        TrainConfig(lr=math.inf, **cfg)
    for lr in (1e4, 1e30):  # a huge finite loss (perplexity overflows), or nan
        with pytest.raises(
            TrainingDivergedError,
            match=r"Training diverged: the (training loss|validation perplexity)"
            rf".* at update \d+ of 40. The 'lr' parameter of TrainConfig "
            rf"\({re.escape(repr(lr))}\) is probably too large.*lr=0.003 \(the default\)",
        ):
            train(model(), ROWS, ROWS, TrainConfig(lr=lr, **cfg), progress=False)
    history = train(model(), ROWS, ROWS, TrainConfig(lr=0.1, **cfg), progress=False)  # a sane rate trains
    assert all(math.isfinite(x) for x in history.train_loss) and history.best_valid_loss < math.log(3)


def test_lm_evaluate_and_generate():
    model = NNLM(3, context_size=1, vector_size=2, hidden_size=4)
    with torch.no_grad():
        model.U.bias.copy_(torch.tensor([0.0, 2000.0, -2000.0]))  # predicts word 1 with certainty
    score = evaluate(model, [np.array([0, 2, 0])])
    assert score.nll > 709 and score.perplexity == math.inf  # was OverflowError in math.exp
    with pytest.raises(ValueError, match=r"'temperature' parameter of generate must be a float .*Got inf"):
        generate(model, [0], 3, temperature=math.inf)
    with pytest.raises(ValueError, match=r"'temperature' parameter of generate is too small .*Got 1e-45"):
        generate(model, [0], 3, temperature=1e-45)  # logits / T overflows float32: nan probabilities
    assert generate(model, [0], 3, temperature=1e-3) == [1, 1, 1]

"""Tests of course.word2vec.model and .train: gradients equal the NumPy reference, training works.

Oracles: course.word2vec.reference (hand-derived NumPy gradients, themselves tested against
finite differences), torch autograd, and gensim 4.4.0 for the vocabulary order.
"""

import itertools

import numpy as np
import pytest
import torch

from course.word2vec import reference
from course.word2vec.cache import train_cached
from course.word2vec.config import build_vocab
from course.word2vec.huffman import HuffmanTree
from course.word2vec.model import HS_MAX_STEPS, Batch, Word2VecModel, init_input_vectors
from course.word2vec.train import Word2Vec

V, D, B, K, C = 12, 5, 9, 4, 6
COUNTS = np.array([40, 30, 22, 15, 11, 9, 7, 5, 4, 3, 2, 1])


def random_model(objective, sg, cbow_mean=True, seed=0):
    """A float64 model with random (non-zero) weights in both matrices."""
    tree = HuffmanTree(COUNTS) if objective == "hierarchical" else None
    model = Word2VecModel(V, D, objective, tree=tree, cbow_mean=cbow_mean, seed=seed, dtype=torch.float64)
    rng = np.random.default_rng(seed)
    model.W_in = torch.from_numpy(rng.normal(size=(V, D)))
    model.W_out = torch.from_numpy(rng.normal(size=tuple(model.W_out.shape)))
    return model, tree


def random_batch(objective, sg, seed=0):
    rng = np.random.default_rng(seed + 100)
    outputs = rng.integers(0, V, B)
    outputs[:2] = [3, 3]  # a repeated output row
    negatives = rng.integers(0, V, (B, K)) if objective == "negative" else None
    if negatives is not None:
        negatives[0, 1] = outputs[0]  # a noise word equal to the target: skipped
        negatives[1, 2] = negatives[1, 3]  # a noise word drawn twice: counts twice
    if sg:
        inputs, mask = rng.integers(0, V, B), None
    else:
        inputs = rng.integers(0, V, (B, C))
        mask = rng.random((B, C)) < 0.6
        mask[:, 0] = True
        mask[2] = False
        mask[2, 3] = True  # one row with a single context word
    t = lambda a: None if a is None else torch.from_numpy(np.asarray(a))  # noqa: E731
    return Batch(t(inputs), t(outputs), t(mask), t(negatives))


def reference_gradients(model, tree, batch, objective, sg):
    """The NumPy reference for the batch."""
    W_in, W_out = model.W_in.numpy(), model.W_out.numpy()
    inputs, outputs = batch.inputs.numpy(), batch.outputs.numpy()
    if objective == "negative":
        negatives = batch.negatives.numpy()
        neg_mask = negatives != outputs[:, None]
    if sg:
        if objective == "softmax":
            return reference.skipgram_softmax(W_in, W_out, inputs, outputs)
        if objective == "negative":
            return reference.skipgram_negative(W_in, W_out, inputs, outputs, negatives, neg_mask)
        return reference.skipgram_hierarchical(W_in, W_out, inputs, outputs, tree)
    mask = batch.input_mask.numpy()
    if objective == "softmax":
        return reference.cbow_softmax(W_in, W_out, inputs, mask, outputs, cbow_mean=model.cbow_mean)
    if objective == "negative":
        return reference.cbow_negative(
            W_in, W_out, inputs, mask, outputs, negatives, neg_mask, cbow_mean=model.cbow_mean
        )
    return reference.cbow_hierarchical(W_in, W_out, inputs, mask, outputs, tree, cbow_mean=model.cbow_mean)


COMBINATIONS = list(itertools.product(["negative", "hierarchical", "softmax"], [True, False]))
IDS = [f"{'sg' if sg else 'cbow'}-{obj}" for obj, sg in COMBINATIONS]


# --------------------------------------------------------------------------- gradients
@pytest.mark.parametrize("objective, sg", COMBINATIONS, ids=IDS)
def test_gradients_equal_numpy_reference(objective, sg):
    model, tree = random_model(objective, sg)
    batch = random_batch(objective, sg)
    loss, dW_in, dW_out = model.gradients(batch)
    ref_loss, ref_in, ref_out = reference_gradients(model, tree, batch, objective, sg)
    assert loss == pytest.approx(ref_loss, rel=1e-10)
    np.testing.assert_allclose(dW_in.numpy(), ref_in, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dW_out.numpy(), ref_out, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("objective", ["negative", "hierarchical", "softmax"])
def test_cbow_sum_gradients_equal_reference(objective):
    model, tree = random_model(objective, sg=False, cbow_mean=False)
    batch = random_batch(objective, sg=False)
    loss, dW_in, dW_out = model.gradients(batch)
    ref_loss, ref_in, ref_out = reference_gradients(model, tree, batch, objective, sg=False)
    assert loss == pytest.approx(ref_loss, rel=1e-10)
    np.testing.assert_allclose(dW_in.numpy(), ref_in, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dW_out.numpy(), ref_out, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("objective, sg", COMBINATIONS, ids=IDS)
def test_gradients_equal_autograd(objective, sg):
    model, _ = random_model(objective, sg)
    batch = random_batch(objective, sg)
    loss, dW_in, dW_out = model.gradients(batch)
    W_in = model.W_in.clone().requires_grad_(True)
    W_out = model.W_out.clone().requires_grad_(True)
    if sg:
        h = W_in[batch.inputs]
    else:
        m = batch.input_mask.double().unsqueeze(2)
        h = (W_in[batch.inputs] * m).sum(1) / m.sum(1)
    if objective == "softmax":
        total = torch.nn.functional.cross_entropy(h @ W_out.T, batch.outputs, reduction="sum")
    else:
        targets, labels, weights = model._binary_terms(batch)
        scores = (W_out[targets] * h.unsqueeze(1)).sum(2)
        total = (
            torch.nn.functional.binary_cross_entropy_with_logits(scores, labels.expand_as(scores), reduction="none")
            * weights
        ).sum()
    total.backward()
    assert loss == pytest.approx(total.item(), rel=1e-10)
    torch.testing.assert_close(dW_in, W_in.grad)
    torch.testing.assert_close(dW_out, W_out.grad)


@pytest.mark.parametrize("objective, sg", COMBINATIONS, ids=IDS)
def test_sgd_step_applies_minus_lr_times_reference(objective, sg):
    """The fast path's update equals -lr * reference gradient (CBOW rows: word2vec.c's n times)."""
    model, tree = random_model(objective, sg)
    batch = random_batch(objective, sg)
    lr = 0.05
    want_in, want_out = np.zeros_like(model.W_in.numpy()), np.zeros_like(model.W_out.numpy())
    for b in range(len(batch)):  # per example, so CBOW's per-example factor can be applied
        one = Batch(
            *(
                None if x is None else x[b : b + 1]
                for x in (batch.inputs, batch.outputs, batch.input_mask, batch.negatives)
            )
        )
        _, g_in, g_out = reference_gradients(model, tree, one, objective, sg)
        n_context = 1 if sg else int(one.input_mask.sum())
        want_in -= lr * n_context * g_in  # word2vec.c adds dL/dh to every context row
        want_out -= lr * g_out
    if objective == "hierarchical":  # an inner node moves by at most HS_MAX_STEPS examples' steps
        want_out /= np.maximum(node_visits(tree, batch.outputs.numpy()) / HS_MAX_STEPS, 1)[:, None]
    before_in, before_out = model.W_in.clone(), model.W_out.clone()
    model.sgd_step(batch, lr)
    np.testing.assert_allclose((model.W_in - before_in).numpy(), want_in, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose((model.W_out - before_out).numpy(), want_out, rtol=1e-9, atol=1e-12)


def node_visits(tree, outputs, weights=None):
    """How many examples (weighted) have each inner node on their Huffman path, by brute force."""
    visits = np.zeros(len(tree.codes) - 1)
    for b, word in enumerate(outputs):
        for node in tree.points[word]:
            visits[node] += 1 if weights is None else weights[b]
    return visits


def test_node_visits_count_every_path_once():
    model, tree = random_model("hierarchical", sg=True)
    batch = random_batch("hierarchical", sg=True)
    np.testing.assert_array_equal(model.node_visits(batch).numpy(), node_visits(tree, batch.outputs.numpy()))
    assert model.node_visits(batch)[len(COUNTS) - 2] == B  # the root (last inner node) is on every path
    cbow_like = random_batch("hierarchical", sg=False)
    grouped = Batch(cbow_like.inputs, cbow_like.outputs, cbow_like.input_mask, grouped=True)
    pairs_per_group = cbow_like.input_mask.sum(1).numpy()
    np.testing.assert_array_equal(
        model.node_visits(grouped).numpy(), node_visits(tree, cbow_like.outputs.numpy(), pairs_per_group)
    )


@pytest.mark.parametrize("sg", [False, True], ids=["cbow", "skipgram"])
def test_hierarchical_softmax_is_stable_with_large_batches(sg):
    """A summed minibatch step moves the root by B stale steps at once: with batch_size=2048 and
    CBOW's alpha 0.05 that overshoots and the weights reach NaN. Capped at HS_MAX_STEPS, it does not."""
    rng = np.random.default_rng(0)
    zipf = 1.0 / np.arange(1, 301)
    sentences = [list(rng.choice([f"w{i}" for i in range(300)], size=20, p=zipf / zipf.sum())) for _ in range(3000)]
    kw = dict(
        vector_size=20,
        window=3,
        min_count=1,
        sample=0,
        epochs=3,
        sg=sg,
        hs=True,
        negative=0,
        workers=1,
        progress=False,
        alpha=0.05 if not sg else 0.025,
        batch_size=2048,
    )
    model = Word2Vec(**kw).fit(sentences)
    assert np.isfinite(model.wv.vectors).all() and bool(torch.isfinite(model.model_.W_out).all())
    assert model.epoch_losses_[-1] < model.epoch_losses_[0]


@pytest.mark.parametrize("objective", ["negative", "hierarchical"])
def test_grouped_skipgram_equals_reference_pair_by_pair(objective):
    """Pairs grouped by centre word (shared noise words) = the reference on the expanded pairs."""
    model, tree = random_model(objective, sg=True)
    cbow_like = random_batch(objective, sg=False)  # (B, C) contexts + mask, outputs, (B, K) negatives
    grouped = Batch(cbow_like.inputs, cbow_like.outputs, cbow_like.input_mask, cbow_like.negatives, grouped=True)
    loss, dW_in, dW_out = model.gradients(grouped)
    rows, slots = torch.nonzero(grouped.input_mask, as_tuple=True)
    pairs = Batch(
        grouped.inputs[rows, slots],
        grouped.outputs[rows],
        negatives=None if grouped.negatives is None else grouped.negatives[rows],
    )
    ref_loss, ref_in, ref_out = reference_gradients(model, tree, pairs, objective, sg=True)
    assert loss == pytest.approx(ref_loss, rel=1e-10)
    np.testing.assert_allclose(dW_in.numpy(), ref_in, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dW_out.numpy(), ref_out, rtol=1e-9, atol=1e-12)
    before_in, before_out = model.W_in.clone(), model.W_out.clone()
    model.sgd_step(grouped, 0.1)
    if objective == "hierarchical":  # an inner node moves by at most HS_MAX_STEPS pairs' steps
        ref_out = ref_out / np.maximum(node_visits(tree, pairs.outputs.numpy()) / HS_MAX_STEPS, 1)[:, None]
    np.testing.assert_allclose((model.W_in - before_in).numpy(), -0.1 * ref_in, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose((model.W_out - before_out).numpy(), -0.1 * ref_out, rtol=1e-9, atol=1e-12)


def test_grouped_hierarchical_softmax_trains():
    """Skip-gram with hierarchical softmax trains grouped by centre word (exact: no noise words)."""
    sentences = toy_corpus(200)
    kw = dict(
        vector_size=8,
        window=2,
        min_count=1,
        epochs=1,
        hs=True,
        negative=0,
        sg=True,
        workers=1,
        progress=False,
        sample=0,
    )
    grouped = Word2Vec(**kw).fit(sentences)
    assert grouped._grouped
    assert grouped.epoch_losses_[0] < 4.0 * np.log(2)  # below the loss at W_out = 0 (~4 nodes per path)


def test_shared_negatives_train_and_match_gensim_quality_on_toy_data():
    sentences = toy_corpus()
    model = Word2Vec(
        vector_size=10,
        window=3,
        min_count=1,
        sample=0,
        epochs=3,
        sg=True,
        workers=1,
        progress=False,
        alpha=0.05,
        batch_size=64,
        batch_words=500,
        negative=5,
        shared_negatives=True,
    ).fit(sentences)
    assert model._grouped
    assert model.loss_history_[-1][1] < model.loss_history_[0][1] - 0.05
    assert model.epoch_losses_[-1] < model.epoch_losses_[0]


def test_float32_fast_path_matches_float64():
    model64, _ = random_model("negative", True)
    batch = random_batch("negative", True)
    model32 = Word2VecModel(V, D, "negative", dtype=torch.float32)
    model32.W_in, model32.W_out = model64.W_in.float(), model64.W_out.float()
    model64.sgd_step(batch, 0.1)
    model32.sgd_step(batch, 0.1)
    np.testing.assert_allclose(model32.W_in.numpy(), model64.W_in.numpy(), atol=1e-5)
    np.testing.assert_allclose(model32.W_out.numpy(), model64.W_out.numpy(), atol=1e-5)


def test_initialisation_as_word2vec_c():
    model = Word2VecModel(50, 20, "negative", seed=3)
    W = model.W_in.numpy()
    assert W.dtype == np.float32 and np.abs(W).max() <= 0.5 / 20
    assert abs(W.mean()) < 0.002 and W.std() == pytest.approx(1 / np.sqrt(12) / 20, rel=0.05)
    assert not model.W_out.any()
    np.testing.assert_array_equal(W, init_input_vectors(50, 20, seed=3))
    hs = Word2VecModel(50, 20, "hierarchical", tree=HuffmanTree(np.arange(50, 0, -1)))
    assert tuple(hs.W_out.shape) == (49, 20)


def test_model_errors():
    with pytest.raises(ValueError, match="The 'tree' parameter of Word2VecModel must be a HuffmanTree"):
        Word2VecModel(10, 4, "hierarchical")
    with pytest.raises(ValueError, match="The 'objective' parameter of Word2VecModel must be one of"):
        Word2VecModel(10, 4, "nce")


# --------------------------------------------------------------------------- training
def toy_corpus(n_sentences=400, seed=0):
    """Two topics whose words co-occur only within their topic."""
    rng = np.random.default_rng(seed)
    topics = [[f"a{i}" for i in range(8)], [f"b{i}" for i in range(8)]]
    return [list(rng.choice(topics[s % 2], size=8)) for s in range(n_sentences)]


@pytest.mark.parametrize(
    "sg, objective",
    [
        (True, {"negative": 5}),
        (False, {"negative": 5}),
        (True, {"hs": True, "negative": 0}),
        (False, {"softmax": True, "negative": 0}),
    ],
)
def test_training_lowers_the_loss(sg, objective):
    sentences = toy_corpus()
    model = Word2Vec(
        vector_size=10,
        window=3,
        min_count=1,
        sample=0,
        epochs=3,
        sg=sg,
        workers=1,
        progress=False,
        alpha=0.05,
        batch_size=64,
        batch_words=500,
        **objective,
    ).fit(sentences)
    first, last = model.loss_history_[0][1], model.loss_history_[-1][1]
    assert last < first - 0.05
    assert model.epoch_losses_[-1] < model.epoch_losses_[0]
    wv = model.wv
    normed = wv.vectors / np.linalg.norm(wv.vectors, axis=1, keepdims=True)
    sim = normed @ normed.T
    a = [wv.key_to_index[f"a{i}"] for i in range(8)]
    b = [wv.key_to_index[f"b{i}"] for i in range(8)]
    within = sim[np.ix_(a, a)][~np.eye(8, dtype=bool)].mean()
    across = sim[np.ix_(a, b)].mean()
    assert within > across + 0.2  # words of one topic end up closer


def test_determinism_with_a_seed_single_thread():
    sentences = toy_corpus(200)
    kw = dict(vector_size=8, window=2, min_count=1, epochs=2, negative=3, workers=1, progress=False, sg=True)
    a = Word2Vec(seed=5, **kw).fit(sentences)
    b = Word2Vec(seed=5, **kw).fit(sentences)
    c = Word2Vec(seed=6, **kw).fit(sentences)
    np.testing.assert_array_equal(a.wv.vectors, b.wv.vectors)
    assert a.loss_history_ == b.loss_history_
    assert not np.array_equal(a.wv.vectors, c.wv.vectors)


@pytest.mark.parametrize("sg", [True, False])
def test_synchronous_threads_give_the_single_thread_result(sg):
    sentences = toy_corpus(300)
    kw = dict(vector_size=8, window=2, min_count=1, epochs=2, negative=3, progress=False, sg=sg, batch_size=64)
    one = Word2Vec(workers=1, **kw).fit(sentences)
    for workers in (2, 3):
        many = Word2Vec(workers=workers, **kw).fit(sentences)
        # Same minibatches, same weights: equal up to float rounding (parts are summed in another order).
        np.testing.assert_allclose(many.wv.vectors, one.wv.vectors, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(many.epoch_losses_, one.epoch_losses_, rtol=1e-6)
        again = Word2Vec(workers=workers, **kw).fit(sentences)
        np.testing.assert_array_equal(again.wv.vectors, many.wv.vectors)  # and reproducible bit for bit


def test_hogwild_workers_train_too():
    sentences = toy_corpus(600)
    model = Word2Vec(
        vector_size=8,
        window=2,
        min_count=1,
        epochs=2,
        negative=3,
        workers=2,
        hogwild=True,
        progress=False,
        batch_words=200,
        sample=0,
        alpha=0.05,
    ).fit(sentences)
    assert model.raw_words_ == 2 * sum(map(len, sentences))
    assert model.loss_history_[-1][1] < model.loss_history_[0][1] - 0.05


def test_fit_tokens_equals_fit():
    sentences = toy_corpus(100) + [["rare"]]
    kw = dict(vector_size=6, window=2, min_count=2, epochs=1, negative=2, workers=1, progress=False)
    a = Word2Vec(**kw).fit(sentences)
    words = sorted({w for s in sentences for w in s})
    index = {w: i for i, w in enumerate(words)}
    ids = np.array([index[w] for s in sentences for w in s])
    offsets = np.concatenate([[0], np.cumsum([len(s) for s in sentences])])
    b = Word2Vec(**kw).fit_tokens(words, ids, offsets)
    assert a.index_to_key_ == b.index_to_key_ and "rare" not in a.wv.key_to_index
    np.testing.assert_array_equal(a.wv.vectors, b.wv.vectors)


def test_words_are_counted_raw_like_gensim():
    sentences = toy_corpus(50) + [["oov"] * 5]
    model = Word2Vec(
        vector_size=4, window=2, min_count=6, epochs=2, negative=2, workers=1, progress=False, sample=1e-2
    ).fit(sentences)
    raw = sum(map(len, sentences))
    assert model.raw_words_ == 2 * raw  # including words below min_count and subsampled ones
    assert model.effective_words_ < model.raw_words_
    assert model.words_per_second_ == pytest.approx(model.raw_words_ / model.train_seconds_)


def test_vocabulary_order_matches_gensim():
    from gensim.models import Word2Vec as GensimWord2Vec

    sentences = toy_corpus(30) + [["z", "y", "z", "y", "x"]] * 3
    g = GensimWord2Vec(vector_size=4, min_count=2, workers=1)
    g.build_vocab(sentences)
    index_to_key, counts = build_vocab(sentences, min_count=2)
    assert index_to_key == g.wv.index_to_key
    assert counts.tolist() == [g.wv.get_vecattr(w, "count") for w in g.wv.index_to_key]


def test_learning_rate_decays_linearly_to_min_alpha(monkeypatch):
    seen = []
    original = Word2Vec._train_chunk

    def spy(self, ids, sentence_ids, rng, lr, pool=None):
        seen.append(lr)
        return original(self, ids, sentence_ids, rng, lr, pool)

    monkeypatch.setattr(Word2Vec, "_train_chunk", spy)
    sentences = [["a", "b", "c", "d"]] * 100  # 400 words, chunks of 100 words, 2 epochs
    Word2Vec(
        vector_size=4,
        window=1,
        min_count=1,
        negative=1,
        epochs=2,
        workers=1,
        progress=False,
        batch_words=100,
        alpha=0.1,
        min_alpha=0.02,
        sample=0,
    ).fit(sentences)
    np.testing.assert_allclose(seen, 0.1 - 0.08 * np.arange(8) / 8)


def test_train_cached_reuses_vectors(tmp_path, monkeypatch):
    from course import data

    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    sentences = toy_corpus(100)
    words = sorted({w for s in sentences for w in s})
    index = {w: i for i, w in enumerate(words)}
    ids = np.array([index[w] for s in sentences for w in s], dtype=np.int32)
    offsets = np.concatenate([[0], np.cumsum([len(s) for s in sentences])])
    calls = []

    def fake_load_tokens(split, subset, sources):
        calls.append(split)
        return words, ids, offsets

    monkeypatch.setattr(data, "load_tokens", fake_load_tokens)
    monkeypatch.setattr(data, "corpus_checksum", lambda subset="full", sources=None: "toy")
    kw = dict(vector_size=6, window=2, min_count=1, negative=2, epochs=1, progress=False)
    wv1, info1 = train_cached(**kw)
    wv2, info2 = train_cached(workers=2, **kw)  # threads are not part of the key
    wv3, info3 = train_cached(**{**kw, "vector_size": 7})
    assert calls == ["all", "all"] and not info1["from_cache"] and info2["from_cache"] and not info3["from_cache"]
    np.testing.assert_array_equal(wv1.vectors, wv2.vectors)
    assert wv1.index_to_key == wv2.index_to_key and wv3.vectors.shape == (16, 7)


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (
            {"window": 0},
            ValueError,
            r"The 'window' parameter of Word2Vec must be an int in the range \[1, inf\). Got 0",
        ),
        ({"negative": -1}, ValueError, r"The 'negative' parameter of Word2Vec must be an int in the range \[0, inf\)"),
        (
            {"vector_size": 0},
            ValueError,
            r"The 'vector_size' parameter of Word2Vec must be an int in the range \[1, inf\)",
        ),
        ({"vector_size": 10.5}, TypeError, r"The 'vector_size' parameter of Word2Vec must be an int"),
        ({"min_count": 0}, ValueError, r"The 'min_count' parameter"),
        ({"sample": 1.0}, ValueError, r"The 'sample' parameter of Word2Vec must be a float in the range \[0, 1\)"),
        ({"alpha": 0.0}, ValueError, r"The 'alpha' parameter of Word2Vec must be a float in the range \(0, inf\)"),
        (
            {"alpha": 0.01, "min_alpha": 0.1},
            ValueError,
            r"The 'min_alpha' parameter of Word2Vec must be a float in the range \[0, 0.01\]",
        ),
        ({"epochs": 0}, ValueError, r"The 'epochs' parameter"),
        ({"workers": 0}, ValueError, r"The 'workers' parameter of Word2Vec must be an int in the range \[1, inf\)"),
        ({"workers": 1, "threads": 2}, ValueError, r"workers=1 and threads=2"),
        ({"hogwild": "yes"}, TypeError, r"The 'hogwild' parameter of Word2Vec must be a bool"),
        ({"shared_negatives": 2}, TypeError, r"The 'shared_negatives' parameter of Word2Vec must be a bool"),
        ({"sg": "glove"}, ValueError, r"The 'sg' parameter of Word2Vec must be one of 'skipgram', 'cbow'"),
        ({"sg": 2}, TypeError, r"The 'sg' parameter of Word2Vec must be a bool or one of"),
        ({"hs": 2}, TypeError, r"The 'hs' parameter of Word2Vec must be a bool. Got 2"),
        ({"negative": 0}, ValueError, r"needs an output layer: set 'negative' > 0 .*'hs'=True .*'softmax'=True"),
        ({"hs": True}, ValueError, r"one output layer at a time; got 'negative' and 'hs' .*set negative=0"),
        ({"hs": True, "softmax": True, "negative": 0}, ValueError, r"got 'hs' and 'softmax'"),
        ({"subsample_rule": "gensim"}, ValueError, r"The 'subsample_rule' parameter of Word2Vec must be one of"),
        (
            {"ns_exponent": float("inf")},
            ValueError,
            r"The 'ns_exponent' parameter of Word2Vec must be a float in the range \(-inf, inf\). Got inf",
        ),
    ],
)
def test_parameter_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        Word2Vec(**kwargs)


def test_gensim_style_switches_are_accepted():
    assert Word2Vec(sg=1, hs=1, negative=0).config.sg == "skipgram"
    assert Word2Vec(sg="cbow").sg == "cbow" and Word2Vec(sg=True).sg == "skipgram"
    assert Word2Vec(hs=True, negative=0).config.objective == "hierarchical"
    assert Word2Vec(threads=1).config.workers == 1


def test_fit_errors():
    with pytest.raises(
        ValueError, match=r"The 'negative' parameter of Word2Vec must be smaller than the vocabulary size \(3 words"
    ):
        Word2Vec(min_count=1, negative=3, progress=False).fit([["a", "b", "c"]])
    with pytest.raises(ValueError, match=r"The vocabulary has 1 word\(s\) with min_count=5"):
        Word2Vec(progress=False).fit([["a"] * 5 + ["b"]])
    with pytest.raises(
        TypeError,
        match=r"'sentences' parameter of Word2Vec.fit must be a list of tokenized sentences.*"
        r"Got a str \('a sentence as a string'\) at index 0",
    ):
        Word2Vec(progress=False).fit(["a sentence as a string"])
    with pytest.raises(ValueError, match="The 'sentences' parameter of Word2Vec.fit must not be empty"):
        Word2Vec(progress=False).fit([])
    with pytest.raises(TypeError, match=r"'sentences' parameter of Word2Vec.fit .* Got a str \('text'\) instead"):
        Word2Vec(progress=False).fit("text")

"""course.lm.ngram: counts, the four estimators, perplexity, sampling, parameter errors.

Oracles independent of the implementation: values computed by hand in the test, counts from
``collections.Counter`` over :func:`ngrams`, and a plain-dict Kneser-Ney written from the
equations of Chen and Goodman (1998).
"""

import math
import random
from collections import Counter

import numpy as np
import pytest

from course.base.validation import NotFittedError
from course.data import Vocab
from course.lm.ngram import BOS, EOS, UNK, NGramLM, ngrams

TOY = [["a", "b"], ["a", "c"], ["b", "a", "b"]]  # 7 words + 3 </s> = 10 predicted tokens


def random_corpus(seed, n_sentences=60, vocab=8, max_len=7):
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(vocab)]
    # skewed word frequencies so that counts of 1, 2 and more all occur
    return [
        rng.choices(words, weights=[1 / (i + 1) for i in range(vocab)], k=rng.randint(0, max_len))
        for _ in range(n_sentences)
    ]


# ---------------------------------------------------------------------------- counting
def test_ngrams_pads_with_bos_and_eos():
    assert ngrams(["a", "b"], 3) == [(BOS, BOS, "a"), (BOS, "a", "b"), ("a", "b", EOS)]
    assert ngrams([], 2) == [(BOS, EOS)]


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_counts_match_counter_over_ngrams(order):
    train = random_corpus(0)
    lm = NGramLM(order=order).fit(train)
    for m in range(1, order + 1):
        expected = Counter(g for s in train for g in ngrams(s, m))
        for gram, count in expected.items():
            assert lm.count(gram) == count
        grams, counts = lm.ngram_counts(m)
        assert counts.sum() == sum(expected.values()) == lm.n_tokens_
        assert len(counts) == len(expected) == lm.n_types_[m - 1]
        assert {tuple(lm.index_to_key_[i] for i in g): int(c) for g, c in zip(grams, counts)} == expected
    assert lm.count(["zzz"]) == 0  # an unknown word is <unk>, never seen in training here


def test_context_count_sums_the_counts_of_the_followers():
    train = random_corpus(12)
    lm = NGramLM(order=3).fit(train)
    trigrams = Counter(g for s in train for g in ngrams(s, 3))
    for h in {g[:2] for g in trigrams} | {("w0", "w0"), ("zzz", "w1")}:
        assert lm.context_count(h) == sum(c for g, c in trigrams.items() if g[:2] == h)
    assert lm.context_count([]) == lm.n_tokens_
    assert lm.context_count([BOS]) == len(train)


def test_lookup_fast_path_for_many_queries_equals_plain_binary_search():
    from course.lm.ngram import _lookup

    rng = np.random.default_rng(0)
    keys = np.unique(rng.integers(0, 10**9, 5000))
    query = np.concatenate([rng.choice(keys, 3000), rng.integers(0, 10**9, 3000)])  # found and absent
    fast = _lookup(keys, query)  # > 1000 queries: sorted first
    plain = np.concatenate([_lookup(keys, chunk) for chunk in np.array_split(query, 10)])
    np.testing.assert_array_equal(fast, plain)
    assert (keys[fast[:3000]] == query[:3000]).all()


def test_continuation_count_is_number_of_distinct_left_neighbours():
    train = random_corpus(1)
    lm = NGramLM(order=3).fit(train)
    bigrams = Counter(g for s in train for g in ngrams(s, 2))
    for w in {w for s in train for w in s} | {EOS}:
        assert lm.continuation_count([w]) == len({x for x, y in bigrams if y == w})


def test_unk_replaces_rare_words_same_way_in_train_and_test():
    lm = NGramLM(order=2, estimator="mle", min_count=2).fit([["a", "b"], ["a", "c"], ["a", "d"]])
    assert UNK in lm.key_to_index_ and "c" not in lm.key_to_index_
    assert lm.count(["a", UNK]) == 3  # b, c and d are all <unk>
    assert lm.prob("zebra", ["a"]) == 1.0  # an unseen test word is <unk> too
    assert lm.vocabulary_size_ == 3  # a, <unk>, </s>


def test_given_vocab_is_used_as_is():
    vocab = Vocab(min_count=1, max_size=2).fit(TOY)
    lm = NGramLM(order=2, vocab=vocab, min_count=5).fit(TOY)
    assert lm.vocab_ is vocab
    assert lm.vocabulary_size_ == len(set(lm.index_to_key_) - {BOS})
    assert set(lm.index_to_key_) == set(vocab.index_to_key) | {BOS, EOS}


def test_vocab_with_specials_never_predicts_pad_or_bos():
    vocab = Vocab(min_count=1, specials=("<pad>", BOS, EOS)).fit(TOY)
    for estimator in ("kn", "addk"):
        lm = NGramLM(order=3, estimator=estimator, vocab=vocab).fit(TOY)
        assert lm.vocabulary_size_ == 5  # a, b, c, <unk>, </s>
        for context in ([], ["a"], ["zzz", "b"]):
            p = lm.next_word_probs(context)
            assert p[lm.key_to_index_["<pad>"]] == 0 and p[lm.key_to_index_[BOS]] == 0
            assert abs(p.sum() - 1) < 1e-12
        assert lm.perplexity(TOY) < lm.vocabulary_size_


def test_unseen_fraction_matches_brute_force():
    train, test = random_corpus(2), random_corpus(3, n_sentences=20, vocab=10)
    lm = NGramLM(order=4).fit(train)
    known = set(lm.key_to_index_)
    for m, fraction in enumerate(lm.unseen_fraction(test), start=1):
        seen = Counter(g for s in train for g in ngrams(s, m))
        test_grams = [g for s in test for g in ngrams([w if w in known else UNK for w in s], m)]
        assert fraction == pytest.approx(np.mean([g not in seen for g in test_grams]), abs=1e-12)


# ---------------------------------------------------------------------------- distributions
def contexts_to_try(train, order):
    """Seen contexts of every length, unseen ones, and ones with an unknown word."""
    seen = [s[:i] for s in train[:15] for i in range(len(s) + 1)]
    return seen + [["w0"] * 6, ["w7", "w7", "w7"], ["unknownword"], ["w1", "unknownword", "w2"], []]


@pytest.mark.parametrize(
    "estimator, params",
    [
        ("kn", {}),
        ("kn", {"discount": 0.75}),
        ("kn", {"discount": [0.1, 0.3, 0.5, 0.7, 0.9]}),
        ("absolute", {}),
        ("absolute", {"discount": 0.9}),
        ("addk", {"k": 1.0}),
        ("addk", {"k": 0.01}),
    ],
)
@pytest.mark.parametrize("order", [1, 2, 3, 4, 5])
def test_distributions_sum_to_one_over_whole_vocabulary(estimator, params, order):
    if isinstance(params.get("discount"), list):
        params = {"discount": params["discount"][:order]}
    train = random_corpus(4)
    lm = NGramLM(order=order, estimator=estimator, **params).fit(train)
    for context in contexts_to_try(train, order):
        p = lm.next_word_probs(context)
        assert p.shape == (lm.vocabulary_size_ + 1,)
        assert p[lm.key_to_index_[BOS]] == 0
        assert (p > 0).sum() == lm.vocabulary_size_  # smoothing leaves no zero (</s>, <unk> too)
        assert abs(p.sum() - 1) < 1e-9


@pytest.mark.parametrize("order", [1, 2, 3])
def test_mle_is_a_distribution_after_every_seen_context(order):
    train = random_corpus(5)
    lm = NGramLM(order=order, estimator="mle").fit(train)
    for s in train:
        for i in range(len(s) + 1):
            assert abs(lm.next_word_probs(s[:i]).sum() - 1) < 1e-9
    if order > 1:
        assert lm.next_word_probs(["zzz"] * 3).sum() == 0  # 0/0: no mass after an unseen context


def test_stupid_backoff_is_not_a_distribution():
    lm = NGramLM(order=3, estimator="stupid_backoff").fit(random_corpus(6))
    sums = [lm.next_word_probs(s[:i]).sum() for s in random_corpus(6)[:10] for i in range(len(s))]
    assert max(abs(s - 1) for s in sums) > 0.1
    with pytest.raises(ValueError, match="not probabilities"):
        lm.perplexity(random_corpus(7))


# ---------------------------------------------------------------------------- hand-computed values
def test_mle_and_addk_by_hand():
    # Counts in TOY: c(a b) = 2, c(a c) = 1, so c(a .) = 3; a occurs 3 times in 10 predicted tokens.
    # V = {a, b, c, </s>, <unk>}: |V| = 5.
    mle = NGramLM(order=2, estimator="mle").fit(TOY)
    assert mle.prob("b", ["a"]) == pytest.approx(2 / 3)
    assert mle.prob("a", ["c"]) == 0.0
    assert NGramLM(order=1, estimator="mle").fit(TOY).prob("a") == pytest.approx(3 / 10)
    addk = NGramLM(order=2, estimator="addk", k=0.5).fit(TOY)
    assert addk.prob("b", ["a"]) == pytest.approx((2 + 0.5) / (3 + 0.5 * 5))
    assert addk.prob(UNK, ["a"]) == pytest.approx(0.5 / (3 + 0.5 * 5))
    assert addk.prob("b", ["zzz"]) == pytest.approx(1 / 5)  # unseen context: uniform
    laplace = NGramLM(order=1, estimator="addk").fit(TOY)
    assert laplace.prob("a") == pytest.approx((3 + 1) / (10 + 5))


def test_stupid_backoff_by_hand():
    sb = NGramLM(order=2, estimator="stupid_backoff", alpha=0.4).fit(TOY)
    assert sb.prob("b", ["a"]) == pytest.approx(2 / 3)
    assert sb.prob("a", ["c"]) == pytest.approx(0.4 * 3 / 10)  # c(c a) = 0: back off to c(a) / N


def test_kneser_ney_bigram_by_hand_with_estimated_discounts():
    # Bigrams of TOY: (<s> a) 2, (<s> b) 1, (a b) 2, (a c) 1, (b </s>) 2, (c </s>) 1, (b a) 1.
    # Highest order (raw counts): n1 = 4, n2 = 3, so D2 = 4 / (4 + 2 * 3) = 0.4.
    # Unigram continuation counts N1+(. w): a 2 (<s>, b), b 2 (<s>, a), c 1 (a), </s> 2 (b, c);
    # they sum to 7 over 4 words; n1 = 1, n2 = 3, so D1 = 1 / 7.
    lm = NGramLM(order=2, estimator="kn").fit(TOY)
    np.testing.assert_allclose(lm.default_discount_, [1 / 7, 0.4])
    D1, D2, V = 1 / 7, 0.4, 5
    p1_b = (2 - D1) / 7 + D1 * 4 / 7 / V
    p1_unk = D1 * 4 / 7 / V
    # after <s>: c(<s> b) = 1, c(<s> .) = 3, two distinct followers (a, b)
    assert lm.prob("b") == pytest.approx((1 - D2) / 3 + D2 * 2 / 3 * p1_b)
    assert lm.prob("b", ["a"]) == pytest.approx((2 - D2) / 3 + D2 * 2 / 3 * p1_b)
    assert lm.prob(UNK, ["a"]) == pytest.approx(D2 * 2 / 3 * p1_unk)
    assert lm.prob("b", ["zzz"]) == pytest.approx(p1_b)  # c(<unk> .) = 0: the unigram level alone
    assert lm.continuation_count(["b"]) == 2 and lm.continuation_count(["c"]) == 1


def test_kneser_ney_trigram_by_hand_with_given_discount():
    # Trigrams after (<s> a): (<s> a b) 1, (<s> a c) 1.  Lower order, context (a), continuation
    # counts: (a b) follows <s> and b -> 2, (a c) follows <s> -> 1.  Bigrams opening with <s> keep
    # raw counts: (<s> a) 2, (<s> b) 1.  Unigrams: N1+(. a) = 2, b 2, c 1, </s> 2 (7, 4 words).
    D, V = 0.5, 5
    lm = NGramLM(order=3, estimator="kn", discount=D).fit(TOY)
    p1_a = p1_b = (2 - D) / 7 + D * 4 / 7 / V
    p2_b_a = (2 - D) / 3 + D * 2 / 3 * p1_b
    assert lm.prob("b", ["a"]) == pytest.approx((1 - D) / 2 + D * 2 / 2 * p2_b_a)
    p2_a_bos = (2 - D) / 3 + D * 2 / 3 * p1_a
    # (<s> <s> a) 2, (<s> <s> b) 1
    assert lm.prob("a") == pytest.approx((2 - D) / 3 + D * 2 / 3 * p2_a_bos)


def kn_reference(train, order, vocab, discounts=None, continuation=True):
    """Interpolated Kneser-Ney written from the equations with dicts (slow, obviously right).

    With ``continuation=False``: interpolated absolute discounting (raw counts at every order).
    """
    grams = {m: Counter(g for s in train for g in ngrams(s, m)) for m in range(1, order + 1)}
    a = {order: grams[order]}
    for m in range(1, order):
        if not continuation:
            a[m] = grams[m]
            continue
        left = Counter(g[1:] for g in grams[m + 1])  # N1+(. g): distinct (m+1)-grams ending in g
        a[m] = Counter({g: (c if g[0] == BOS else left[g]) for g, c in grams[m].items()})
    if discounts is None:
        discounts = {}
        for m in range(1, order + 1):
            n1 = sum(1 for c in a[m].values() if c == 1)
            n2 = sum(1 for c in a[m].values() if c == 2)
            discounts[m] = n1 / (n1 + 2 * n2) if n1 and n2 else 0.5
    totals = {m: Counter() for m in a}
    followers = {m: Counter() for m in a}
    for m in a:
        for g, c in a[m].items():
            totals[m][g[:-1]] += c
            followers[m][g[:-1]] += c > 0

    def p(w, h, m):
        if m == 0:
            return 1 / len(vocab)
        h = h[len(h) - (m - 1) :] if m > 1 else ()
        lower = p(w, h, m - 1)
        if totals[m][h] == 0:
            return lower
        D = discounts[m]
        return (max(a[m][h + (w,)] - D, 0) + D * followers[m][h] * lower) / totals[m][h]

    return p, discounts


@pytest.mark.parametrize("estimator", ["kn", "absolute"])
@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_kneser_ney_and_absolute_discounting_equal_dict_reference(order, estimator):
    train = random_corpus(8, n_sentences=40)
    lm = NGramLM(order=order, estimator=estimator).fit(train)
    vocab = [w for w in lm.index_to_key_ if w != BOS]
    ref, discounts = kn_reference(train, order, vocab, continuation=estimator == "kn")
    np.testing.assert_allclose(lm.default_discount_, [discounts[m] for m in range(1, order + 1)])
    for context in [[], ["w0"], ["w1", "w0"], ["w3", "w3", "w2"], ["w7", "w6", "w5", "w4"], ["zzz", "w0"]]:
        padded = tuple([BOS] * (order - 1) + [w if w in lm.key_to_index_ else UNK for w in context])
        got = lm.next_word_probs(context)
        want = np.array([0.0 if w == BOS else ref(w, padded, order) for w in lm.index_to_key_])
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------- evaluation
def test_uniform_model_has_perplexity_V():
    # MLE unigram on "a b": a, b and </s> each 1/3 (vocabulary without <unk>): PPL = |V| = 3
    vocab = Vocab(min_count=1, unk=None).fit([["a", "b"]])
    lm = NGramLM(order=1, estimator="mle", vocab=vocab).fit([["a", "b"]])
    assert lm.vocabulary_size_ == 3
    assert lm.perplexity([["b", "b", "a"], ["a"]]) == pytest.approx(3)
    assert lm.cross_entropy([["b"]], base=2) == pytest.approx(math.log2(3))
    huge_k = NGramLM(order=2, estimator="addk", k=1e12).fit(TOY)  # add-k tends to uniform
    assert huge_k.perplexity(TOY) == pytest.approx(huge_k.vocabulary_size_, rel=1e-9)


def test_perplexity_is_base_to_the_cross_entropy_and_sums_log_probs():
    train, test = random_corpus(9), random_corpus(10, n_sentences=15)
    lm = NGramLM(order=3).fit(train)
    h2, he, h10 = (lm.cross_entropy(test, base=b) for b in (2, math.e, 10))
    ppl = lm.perplexity(test)
    assert ppl == pytest.approx(2**h2) == pytest.approx(math.exp(he)) == pytest.approx(10**h10)
    logp = lm.token_logprobs(test)
    assert len(logp) == sum(len(s) + 1 for s in test)  # every word and each </s>
    assert sum(lm.sentence_logprob(s) for s in test) == pytest.approx(logp.sum())
    # the chain rule: ln P(sentence) is the sum of ln P(w_t | sentence so far)
    s = test[0]
    expected = sum(math.log(lm.prob(w, s[:i])) for i, w in enumerate(s + [EOS]))
    assert lm.sentence_logprob(s) == pytest.approx(expected)


def test_sentence_logprobs_match_one_sentence_at_a_time():
    lm = NGramLM(order=2, estimator="mle").fit(TOY)
    test = [["a", "b"], [], ["c", "a"], ["b"]]
    np.testing.assert_allclose(lm.sentence_logprobs(test), [lm.sentence_logprob(s) for s in test])
    assert np.isinf(lm.sentence_logprobs(test)[2])


def test_with_estimator_shares_counts_and_leaves_the_original_alone():
    lm = NGramLM(order=2, estimator="kn").fit(TOY)
    addk = lm.with_estimator("addk", k=0.5)
    assert addk.prob("b", ["a"]) == pytest.approx(2.5 / 5.5)
    assert lm.estimator == "kn" and lm.prob("b", ["a"]) == pytest.approx(NGramLM(order=2).fit(TOY).prob("b", ["a"]))
    assert addk._orders is lm._orders
    with pytest.raises(ValueError, match="with_estimator sets only"):
        lm.with_estimator("kn", order=3)
    with pytest.raises(ValueError, match="'k' parameter of NGramLM"):
        lm.with_estimator("addk", k=0)


def test_mle_perplexity_is_infinite_on_unseen_ngrams():
    lm = NGramLM(order=2, estimator="mle").fit(TOY)
    assert lm.perplexity([["c", "a"]]) == math.inf
    assert lm.perplexity([["a", "b"]]) < math.inf


def test_set_params_switches_estimator_without_refitting_but_order_needs_fit():
    lm = NGramLM(order=2, estimator="kn").fit(TOY)
    assert lm.set_params(estimator="addk", k=0.5).prob("b", ["a"]) == pytest.approx(2.5 / 5.5)
    assert lm.get_params()["k"] == 0.5
    with pytest.raises(NotFittedError):
        lm.set_params(order=3).prob("b", ["a"])
    with pytest.raises(ValueError, match="Invalid parameter 'kk'"):
        lm.set_params(kk=1)


# ---------------------------------------------------------------------------- sampling
def test_sampling_is_reproducible_with_a_seed_and_respects_temperature():
    lm = NGramLM(order=3).fit(random_corpus(11, n_sentences=200))
    assert lm.sample(seed=5) == lm.sample(seed=5)
    assert len({tuple(lm.sample(seed=s)) for s in range(10)}) > 1
    assert lm.sample(max_len=3, seed=0, context=["w0"])[:1] == ["w0"]
    assert len(lm.sample(max_len=3, seed=0)) <= 3
    # a very low temperature picks the most likely word every time
    greedy = lm.sample(temperature=1e-6, seed=1, max_len=5)
    words = []
    for w in greedy:
        p = lm.next_word_probs(words)
        assert lm.index_to_key_[int(p.argmax())] == w
        words.append(w)


# ---------------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "params, message",
    [
        ({"order": 0}, "The 'order' parameter of NGramLM must be an int in the range [1, inf). Got 0 instead."),
        ({"k": 0.0}, "The 'k' parameter of NGramLM must be a float in the range (0, inf). Got 0.0 instead."),
        ({"k": -1}, "The 'k' parameter of NGramLM must be a float in the range (0, inf). Got -1.0 instead."),
        (
            {"discount": 1.0},
            "The 'discount' parameter of NGramLM must be a float in the range (0, 1). Got 1.0 instead.",
        ),
        ({"discount": 0}, "The 'discount' parameter of NGramLM must be a float in the range (0, 1). Got 0.0 instead."),
        (
            {"discount": [0.5, 0.5], "order": 3},
            "The 'discount' parameter of NGramLM must be a float or a sequence of 3 floats (one per order). Got 2 values instead.",
        ),
        (
            {"estimator": "good_turing"},
            "The 'estimator' parameter of NGramLM must be one of 'mle', 'addk', 'kn', 'absolute', 'stupid_backoff'. "
            "Got 'good_turing' instead.",
        ),
        ({"alpha": 1.5}, "The 'alpha' parameter of NGramLM must be a float in the range (0, 1]. Got 1.5 instead."),
        ({"min_count": 0}, "The 'min_count' parameter of NGramLM must be an int in the range [1, inf). Got 0 instead."),
    ],
)
def test_bad_parameters_are_named_in_the_error(params, message):
    with pytest.raises(ValueError) as e:
        NGramLM(**params)
    assert str(e.value) == message


def test_order_must_be_an_int():
    with pytest.raises(TypeError, match="'order' parameter of NGramLM must be an int"):
        NGramLM(order=2.5)


def test_empty_corpus_and_scoring_before_fit():
    with pytest.raises(ValueError, match="'sentences' parameter of NGramLM.fit must not be empty"):
        NGramLM().fit([])
    for call in (
        lambda m: m.perplexity(TOY),
        lambda m: m.prob("a"),
        lambda m: m.sample(),
        lambda m: m.unseen_fraction(TOY),
        lambda m: m.count(["a"]),
    ):
        with pytest.raises(NotFittedError, match="This NGramLM instance is not fitted yet"):
            call(NGramLM())
    lm = NGramLM(order=2).fit(TOY)
    with pytest.raises(ValueError, match="'temperature' parameter of NGramLM.sample"):
        lm.sample(temperature=0)
    with pytest.raises(ValueError, match="'sentences' parameter of NGramLM.perplexity must not be empty"):
        lm.perplexity([])

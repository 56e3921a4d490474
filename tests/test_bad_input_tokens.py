"""Fault class 1: a str where sentences or tokens are expected, generators, None, non-str and empty tokens.

A str is a sequence of one-letter strings, so without a check ``perplexity("the cat")`` scores
seven one-letter sentences and ``encode_rows(["the cat"])`` encodes letters: a silent wrong
answer. Every entry point that takes sentences or tokens refuses it with a message naming the
parameter and the method; one-pass iterables are read once and give the same answer as a list.
"""

import numpy as np
import pytest

from course.base.validation import check_sentences, check_tokens
from course.data import Vocab
from course.data.stats import coverage_by_vocab_size, heaps_curve
from course.data.text import format_document, split_sentences, tokenize
from course.elmo import BiLM, BiLMConfig, CharEncoder
from course.elmo.batching import BiLMCorpus
from course.elmo.embed import embed_sentences
from course.lm.batching import encode_rows
from course.lm.ngram import NGramLM, ngrams
from course.lm.recipes import LMCorpus
from course.word2vec import Word2Vec
from course.word2vec.config import build_vocab

TOY = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat", "ran"]]


@pytest.fixture(scope="module")
def lm():
    return NGramLM(order=2, estimator="addk").fit(TOY)


@pytest.fixture(scope="module")
def vocab():
    return Vocab(specials=("</s>",)).fit(TOY)


# ---------------------------------------------------------------------------- a bare str
@pytest.mark.parametrize(
    "method", ["perplexity", "cross_entropy", "token_logprobs", "sentence_logprobs", "unseen_fraction"]
)
def test_ngram_scoring_refuses_a_str_corpus_and_a_list_of_str(lm, method):
    with pytest.raises(
        TypeError,
        match=rf"'sentences' parameter of NGramLM.{method} must be a list of tokenized "
        r"sentences.*Got a str \('the cat'\) instead",
    ):
        getattr(lm, method)("the cat")
    with pytest.raises(TypeError, match=rf"'sentences' parameter of NGramLM.{method}.*Got a str \('the'\) at index 0"):
        getattr(lm, method)(["the", "cat"])


def test_ngram_single_sentence_and_context_entry_points(lm):
    with pytest.raises(TypeError, match=r"'sentences' parameter of NGramLM.fit.*Got a str"):
        NGramLM().fit("the cat sat")
    with pytest.raises(TypeError, match=r"'sentence' parameter of NGramLM.sentence_logprob .*Got a str \('the cat'\)"):
        lm.sentence_logprob("the cat")
    with pytest.raises(TypeError, match="'context' parameter of NGramLM.next_word_probs"):
        lm.next_word_probs("the")
    with pytest.raises(TypeError, match="'context' parameter of NGramLM.prob"):
        lm.prob("cat", "the")
    with pytest.raises(TypeError, match=r"'word' parameter of NGramLM.prob must hold non-empty str tokens. Got None"):
        lm.prob(None, ["the"])
    with pytest.raises(TypeError, match="'ngram' parameter of NGramLM.count"):
        lm.count("ab")
    with pytest.raises(TypeError, match="'context' parameter of NGramLM.context_count"):
        lm.context_count("a")
    with pytest.raises(TypeError, match="'ngram' parameter of NGramLM.continuation_count"):
        lm.continuation_count("a")
    with pytest.raises(TypeError, match="'context' parameter of NGramLM.sample"):
        lm.sample(context="the")
    with pytest.raises(TypeError, match="'sentence' parameter of ngrams"):
        ngrams("the cat", 2)
    # Without the check, "the cat" was seven one-letter sentences: the valid call still works.
    assert lm.prob("cat", ["the"]) == lm.prob("cat", ("the",))


def test_vocab_and_encode_rows_refuse_a_str(vocab):
    with pytest.raises(TypeError, match=r"'sentences' parameter of Vocab.fit .*Got a str \('the cat'\) instead"):
        Vocab().fit("the cat")
    with pytest.raises(TypeError, match=r"'tokens' parameter of Vocab.encode .*Got a str \('the cat'\)"):
        vocab.encode("the cat")
    with pytest.raises(TypeError, match=r"'sentences' parameter of encode_rows .*Got a str \('the cat'\) at index 0"):
        encode_rows(["the cat"], vocab)
    with pytest.raises(TypeError, match="'words' parameter of LMCorpus.encode_context"):
        LMCorpus(vocab, {}, {}).encode_context("the cat")
    assert LMCorpus(vocab, {}, {}).encode_context(["the", "cat"]) == [
        vocab.index("</s>"),
        *vocab.encode(["the", "cat"]),
    ]


def test_word2vec_corpus_stats_text_and_elmo_refuse_a_str():
    with pytest.raises(TypeError, match=r"'sentences' parameter of Word2Vec.fit .*Got a str \('text'\) instead"):
        Word2Vec(progress=False).fit("text")
    with pytest.raises(TypeError, match="'sentences' parameter of build_vocab"):
        build_vocab(["a b", "c"])
    with pytest.raises(TypeError, match=r"'tokens' parameter of heaps_curve .*Got a str"):
        heaps_curve("the cat sat")
    with pytest.raises(TypeError, match=r"'questions' parameter of coverage_by_vocab_size .*Got a str \('king'\)"):
        coverage_by_vocab_size(["king", "queen"], ["king"], [2])
    with pytest.raises(TypeError, match=r"'text' parameter of tokenize must be a str. Got list"):
        tokenize(["already", "tokens"])
    with pytest.raises(TypeError, match="decode it first"):
        split_sentences(b"One. Two.")
    with pytest.raises(TypeError, match="'paragraphs' parameter of format_document .*Got a str"):
        format_document("One paragraph. Two sentences.")
    model = BiLM(BiLMConfig(n_words=5, max_word_length=8, filters=((1, 4),), projection_dim=3))
    with pytest.raises(
        TypeError, match=r"'sentences' parameter of embed_sentences .*Got a str \('the river'\) at index 0"
    ):
        embed_sentences(model, ["the river"])
    with pytest.raises(TypeError, match="'sentences' parameter of BiLMCorpus"):
        BiLMCorpus("the river", Vocab(specials=("</s>",)).fit(TOY), CharEncoder(8))


# ---------------------------------------------------------------------------- None, non-str and empty tokens
@pytest.mark.parametrize("token, error", [(None, TypeError), (3, TypeError), ("", ValueError)])
def test_bad_tokens_are_refused_with_their_position(vocab, lm, token, error):
    bad = [["the", "cat"], ["a", token, "sat"]]
    where = r"at sentences\[1\]\[1\]"
    with pytest.raises(
        error, match=rf"'sentences' parameter of Vocab.fit must hold non-empty str tokens. Got .*{where}"
    ):
        Vocab().fit(bad)
    with pytest.raises(error, match=rf"'sentences' parameter of Word2Vec.fit must hold non-empty str tokens.*{where}"):
        Word2Vec(min_count=1, progress=False).fit(bad)
    with pytest.raises(error, match=rf"'sentences' parameter of NGramLM.perplexity must hold non-empty str.*{where}"):
        lm.perplexity(bad)  # the unknown token would have been <unk>
    with pytest.raises(error, match=rf"'sentences' parameter of NGramLM.fit must hold non-empty str.*{where}"):
        NGramLM(order=2, vocab=vocab).fit(bad)
    with pytest.raises(
        error,
        match=r"'tokens' parameter of Vocab.encode .*at index 1 .*sentence 1 of the 'sentences' "
        r"parameter of encode_rows",
    ):
        encode_rows(bad, vocab)
    with pytest.raises(error, match="'context' parameter of NGramLM.next_word_probs"):
        lm.next_word_probs(["the", token])
    with pytest.raises(error, match=rf"'sentences' parameter of embed_sentences.*{where}"):
        embed_sentences(BiLM(BiLMConfig(n_words=5, max_word_length=8, filters=((1, 4),), projection_dim=3)), bad)
    with pytest.raises(error, match=rf"'sentences' parameter of BiLMCorpus.*{where}"):
        BiLMCorpus(bad, vocab, CharEncoder(8))


def test_unhashable_tokens_and_bad_ids_get_a_clear_message(vocab):
    nested = [["the", ["cat"]]]  # one level of nesting too many
    with pytest.raises(TypeError, match=r"Got \['cat'\] \(list\) at sentences\[0\]\[1\]"):
        Vocab().fit(nested)
    with pytest.raises(TypeError, match=r"Got \['cat'\] \(list\) at sentences\[0\]\[1\]"):
        build_vocab(nested, min_count=1)
    with pytest.raises(TypeError, match=r"'word' parameter of Vocab.index .*Got None"):
        vocab.index(None)  # was silently <unk>
    with pytest.raises(TypeError, match=r"'ids' parameter of Vocab.decode must hold ints. Got 1.5"):
        vocab.decode([1.5])  # was silently id 1
    with pytest.raises(TypeError, match="'specials' parameter of Vocab"):
        Vocab(specials=("",)).fit(TOY)


# ---------------------------------------------------------------------------- generators
def test_generators_are_read_once_and_give_the_list_answer(lm, vocab):
    gen = lambda: (list(s) for s in TOY)  # noqa: E731
    assert NGramLM(order=2, estimator="addk").fit(gen()).perplexity(TOY) == lm.perplexity(TOY)
    assert lm.perplexity(gen()) == lm.perplexity(TOY)
    np.testing.assert_array_equal(lm.sentence_logprobs(gen()), lm.sentence_logprobs(TOY))
    np.testing.assert_array_equal(lm.sentence_logprobs(iter(s) for s in TOY), lm.sentence_logprobs(TOY))
    assert lm.prob("sat", iter(["the", "cat"])) == lm.prob("sat", ["the", "cat"])
    assert Vocab().fit(gen()).index_to_key == Vocab().fit(TOY).index_to_key
    assert [r.tolist() for r in encode_rows(gen(), vocab)] == [r.tolist() for r in encode_rows(TOY, vocab)]
    assert build_vocab(gen(), min_count=1)[0] == build_vocab(TOY, min_count=1)[0]
    w2v = dict(vector_size=4, window=1, min_count=1, negative=2, epochs=1, progress=False, workers=1)
    np.testing.assert_array_equal(Word2Vec(**w2v).fit(gen()).wv.vectors, Word2Vec(**w2v).fit(TOY).wv.vectors)
    tokens = [t for s in TOY for t in s]
    n, v = heaps_curve(iter(tokens), points=3)
    assert (n.tolist(), v.tolist()) == tuple(x.tolist() for x in heaps_curve(tokens, points=3))
    assert v[-1] == len(set(tokens))


def test_validators_directly():
    assert check_sentences([["a"], ("b",)], "s", "f") == [["a"], ("b",)]  # no copy needed
    assert check_sentences([iter(["a"])], "s", "f") == [["a"]]
    assert check_tokens(np.array(["a", "b"]), "t", "f") == ["a", "b"]
    for bad in (None, 3, {"a": 1}):
        with pytest.raises(TypeError, match="'s' parameter of f must be a list of tokenized sentences"):
            check_sentences(bad, "s", "f")
    with pytest.raises(TypeError, match=r"Got None \(NoneType\) at index 1"):
        check_sentences([["a"], None], "s", "f")

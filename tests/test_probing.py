"""Loaders of the probing data (course.data.probing): POS-tagged sentences and WordNet senses."""

from collections import Counter

import pytest

from course.base.paths import data_dir
from course.data import tokenize
from course.data.probing import (
    PROBING_SOURCES,
    SUPERSENSES,
    load_tagged_sentences,
    load_wordnet_examples,
    parse_tagged_line,
    parse_wordnet_line,
)


def fetched(package: str) -> bool:
    return (data_dir() / "cache" / "pkgs" / package / ".complete").exists()


needs_pattern = pytest.mark.skipif(not fetched("python3-pattern"), reason="python3-pattern not fetched (make data)")
needs_wordnet = pytest.mark.skipif(not fetched("wordnet-base"), reason="wordnet-base not fetched (make data)")


def test_parse_tagged_line_keeps_course_tokens_only():
    words, tags = parse_tagged_line("Mr./NNP Vinken/NNP 's/POS 1.5/CD yen/NNS ,/, n't/RB AT&T/NNP 61/CD ./.")
    assert words == ["vinken", "yen", "n't", "61"] and tags == ["NNP", "NNS", "RB", "CD"]
    assert all(tokenize(w) == [w] for w in words)
    assert parse_tagged_line("") == ([], [])


def test_parse_wordnet_line_fields_supersense_and_markers():
    verb = '02039431 38 v 01 bank 1 001 @ 02038357 v 0000 01 + 08 00 | tip laterally; "the pilot had to bank the aircraft"  '
    [ex] = parse_wordnet_line(verb)
    assert (ex.lemma, ex.pos, ex.synset, ex.supersense) == ("bank", "v", "02039431-v", "verb.motion")
    assert ex.definition == "tip laterally" and ex.tokens[ex.index] == "bank"
    adj = '00013887 00 s 02 galore(ip) 0 Galore 0 000 | in great numbers; "there were errors galore"'
    [ex] = parse_wordnet_line(adj)
    assert (ex.lemma, ex.pos, ex.supersense) == ("galore", "a", "adj.all")  # satellite -> "a", marker removed
    assert parse_wordnet_line("  1 This software and database is being provided") == []
    multi = '00001 05 n 01 river_bank 0 000 | a bank; "the river bank"'
    assert parse_wordnet_line(multi) == []  # multi-word lemmas are left out


def test_supersenses_are_the_45_lexicographer_files():
    assert len(SUPERSENSES) == 45 and SUPERSENSES[14] == "noun.group" and SUPERSENSES[44] == "adj.ppl"
    assert {s.package for s in PROBING_SOURCES.values()} == {"python3-pattern", "wordnet-base"}


@needs_pattern
def test_tagged_samples_have_the_documented_sizes():
    wsj = load_tagged_sentences("wsj")
    assert len(wsj) == 1001 and all(len(w) == len(t) for w, t in wsj)
    assert 20_000 < sum(len(w) for w, _ in wsj) < 22_000
    tags = Counter(t for _, ts in wsj for t in ts)
    assert tags.most_common(1)[0][0] == "NN"
    assert len(load_tagged_sentences("oanc", max_sentences=50)) == 50


@needs_pattern
def test_tagged_loader_validates():
    with pytest.raises(ValueError, match="'name' parameter of load_tagged_sentences"):
        load_tagged_sentences("brown")


@needs_wordnet
def test_wordnet_examples_bank_has_many_senses():
    examples = load_wordnet_examples()
    assert 30_000 < len(examples) < 45_000
    assert all(e.tokens[e.index] == e.lemma for e in examples[:2000])
    bank = [e for e in examples if e.lemma == "bank" and e.pos == "n"]
    assert len({e.synset for e in bank}) >= 7
    assert {e.supersense for e in bank} >= {"noun.group", "noun.object"}

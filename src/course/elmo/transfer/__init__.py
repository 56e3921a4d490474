"""ELMo at work (chapter 10): frozen biLM features on real tasks, against static vectors.

- :mod:`.features`: the biLM's layers per sentence and per token (cached), word2vec's, layer 0 of any string;
- :mod:`.sentiment`: the sentence task model (mean pooling, optional scalar mix, linear softmax), tuned on dev;
- :mod:`.tagging`: the BiLSTM POS tagger;
- :mod:`.spelling`: misspellings and their corrections by nearest neighbour;
- :mod:`.experiments`: the chapter's experiments end to end, and :func:`report` (``--json``).
"""

from .experiments import FRACTIONS, INPUTS, compare_inputs, curve, pos, report, sentiment_data, spelling
from .features import sentence_layers, static_sentence_vectors, static_token_vectors, token_layers, word_layer0
from .sentiment import BagOfWords, Result, SentenceInput, fit_and_score, subsample
from .spelling import Layer0Index, SpellingResult, correction_hits
from .tagging import Tagger, TaggerResult, train_tagger

__all__ = [
    "FRACTIONS",
    "INPUTS",
    "curve",
    "pos",
    "report",
    "compare_inputs",
    "sentiment_data",
    "spelling",
    "sentence_layers",
    "static_sentence_vectors",
    "static_token_vectors",
    "token_layers",
    "word_layer0",
    "BagOfWords",
    "Result",
    "SentenceInput",
    "fit_and_score",
    "subsample",
    "SpellingResult",
    "Layer0Index",
    "correction_hits",
    "Tagger",
    "TaggerResult",
    "train_tagger",
]

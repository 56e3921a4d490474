"""Chapter 09: ELMo from scratch (Peters et al. 2018), one idea per module.

- :mod:`~course.elmo.chars`: spelling tokens as character ids (any word, seen or not);
- :mod:`~course.elmo.highway`: highway layers (Srivastava et al. 2015);
- :mod:`~course.elmo.token_encoder`: the character CNN token encoder (Jozefowicz et al. 2016);
- :mod:`~course.elmo.sampled_softmax`: training a large softmax on samples (Jean et al. 2015);
- :mod:`~course.elmo.bilm`: the forward and backward LSTM language models;
- :mod:`~course.elmo.batching`: characters in, word ids out;
- :mod:`~course.elmo.train`: training and perplexity (``python -m course.elmo.train``);
- :mod:`~course.elmo.checkpoint`: safe checkpoints (``weights_only=True``, sha256);
- :mod:`~course.elmo.scalar_mix`: ELMo's learned layer mix;
- :mod:`~course.elmo.embed`: all layers of the biLM for a batch of sentences;
- :mod:`~course.elmo.probing`: what each layer knows (POS, word senses).
"""

from .bilm import IGNORE, BiLM, BiLMConfig, direction_targets, flip_padded
from .chars import CharEncoder
from .highway import Highway
from .scalar_mix import ScalarMix
from .token_encoder import CharCNNEncoder

__all__ = [
    "IGNORE",
    "BiLM",
    "BiLMConfig",
    "CharEncoder",
    "CharCNNEncoder",
    "Highway",
    "ScalarMix",
    "direction_targets",
    "flip_padded",
]

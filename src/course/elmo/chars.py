"""Characters in, so that every word, seen or not, gets a representation (ELMo's input side).

ELMo never looks a word up in a table: it spells it. Each token becomes a fixed-length row of
character ids (Peters et al. 2018, after Jozefowicz et al. 2016 and Kim et al. 2016). The
character vocabulary is closed, so there is no unknown word on the input side:

- the 256 possible UTF-8 **bytes** of the word (any script, any made-up word);
- a **begin-of-word** and an **end-of-word** marker around them, so the convolutions see
  prefixes and suffixes ("un-", "-ing") as what they are;
- a **begin-of-sentence** and an **end-of-sentence** character, which spell the boundary tokens
  ``<S>`` and ``</S>`` that the language models predict and start from;
- **padding** (id 0) to fill the row up to ``max_word_length`` and to fill short sentences in a
  batch. A word longer than ``max_word_length - 2`` bytes is cut (ELMo: 50 and 48).

>>> enc = CharEncoder(max_word_length=8)
>>> enc.encode_word("bank")
[1, 103, 102, 115, 112, 2, 0, 0]
>>> enc.decode_word(enc.encode_word("zyzzyva"))  # never seen, still spelled
'zyzzyv'
>>> chars, lengths = enc.encode_batch([["a", "bank"], ["river"]])
>>> tuple(chars.shape), lengths.tolist()  # (B, T + 2, W): <S> and </S> added
((2, 4, 8), [4, 3])
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from ..base.validation import check_int

__all__ = ["PAD", "BOW", "EOW", "BOS", "EOS", "N_CHARS", "BOS_TOKEN", "EOS_TOKEN", "CharEncoder"]

#: Padding character (and padding token: a row of PAD), id 0 so embeddings can ignore it.
PAD = 0
#: Begin-of-word marker.
BOW = 1
#: End-of-word marker.
EOW = 2
#: The character that spells the begin-of-sentence token ``<S>``.
BOS = 3
#: The character that spells the end-of-sentence token ``</S>``.
EOS = 4
#: Byte ``b`` has character id ``b + _OFFSET``.
_OFFSET = 5
#: Size of the character vocabulary: 5 specials + 256 bytes.
N_CHARS = 256 + _OFFSET
#: The boundary tokens added around every sentence.
BOS_TOKEN = "<S>"
EOS_TOKEN = "</S>"


class CharEncoder:
    """Spell tokens as fixed-length rows of character ids.

    Parameters
    ----------
    max_word_length : int, default=50
        Characters per token, markers included (ELMo: 50). Longer words are cut to
        ``max_word_length - 2`` bytes.

    Attributes
    ----------
    n_chars : int
        Size of the character vocabulary (261).

    Notes
    -----
    ``<S>`` is spelled ``[BOW, BOS, EOW]`` and ``</S>`` ``[BOW, EOS, EOW]``: they are ordinary
    tokens for the token encoder, with characters no real word contains.
    """

    n_chars = N_CHARS

    def __init__(self, max_word_length: int = 50):
        self.max_word_length = check_int(max_word_length, "max_word_length", "CharEncoder", low=3)

    def __repr__(self) -> str:
        return f"CharEncoder(max_word_length={self.max_word_length})"

    def encode_word(self, word: str) -> list[int]:
        """Character ids of one token, padded to ``max_word_length``.

        Parameters
        ----------
        word : str
            Any string; ``"<S>"`` and ``"</S>"`` are the sentence boundaries.

        Returns
        -------
        list of int of length max_word_length
        """
        if not isinstance(word, str):
            raise TypeError(f"CharEncoder.encode_word expects a str. Got {word!r} ({type(word).__name__}) instead.")
        if word == BOS_TOKEN:
            body = [BOS]
        elif word == EOS_TOKEN:
            body = [EOS]
        else:
            body = [b + _OFFSET for b in word.encode("utf-8")[: self.max_word_length - 2]]
        ids = [BOW, *body, EOW]
        return ids + [PAD] * (self.max_word_length - len(ids))

    def decode_word(self, ids: Sequence[int]) -> str:
        """Inverse of :meth:`encode_word` (up to truncation).

        >>> CharEncoder(8).decode_word(CharEncoder(8).encode_word("</S>"))
        '</S>'
        """
        ids = [int(i) for i in ids]
        if BOS in ids:
            return BOS_TOKEN
        if EOS in ids:
            return EOS_TOKEN
        data = bytes(i - _OFFSET for i in ids if i >= _OFFSET)
        return data.decode("utf-8", errors="replace")

    def encode_batch(
        self, sentences: Sequence[Sequence[str]], add_boundaries: bool = True
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Spell a batch of sentences, padded to the longest.

        Parameters
        ----------
        sentences : sequence of sequence of str
            B tokenized sentences.
        add_boundaries : bool, default=True
            Put ``<S>`` before and ``</S>`` after every sentence (what the biLM expects).

        Returns
        -------
        chars : LongTensor of shape (B, T, max_word_length)
            T is the longest sentence (boundaries included); padding tokens are rows of PAD.
        lengths : LongTensor of shape (B,)
            Tokens per sentence, boundaries included.
        """
        rows = []
        for sentence in sentences:
            if isinstance(sentence, str):
                raise TypeError("CharEncoder.encode_batch expects tokenized sentences (lists of str), got a str.")
            tokens = [BOS_TOKEN, *sentence, EOS_TOKEN] if add_boundaries else list(sentence)
            rows.append([self.encode_word(t) for t in tokens])
        lengths = torch.tensor([len(r) for r in rows], dtype=torch.long)
        longest = int(lengths.max()) if rows else 0
        chars = torch.full((len(rows), longest, self.max_word_length), PAD, dtype=torch.long)
        for b, row in enumerate(rows):
            if row:
                chars[b, : len(row)] = torch.tensor(row, dtype=torch.long)
        return chars, lengths

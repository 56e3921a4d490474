"""Checks for the exercises of chapter 09 (ELMo).

>>> import torch
>>> def mix(layers, w, gamma):
...     return gamma * (torch.softmax(w, 0).view(-1, *[1] * (layers.dim() - 1)) * layers).sum(0)
>>> check_scalar_mix(mix)
PASS: scalar_mix matches ScalarMix (weights sum to one, gamma scales, equal weights give the mean)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from . import passed, require

__all__ = ["check_scalar_mix", "check_token_encoder_params", "check_backward_targets", "check_direction_halves"]


def check_scalar_mix(scalar_mix: Callable) -> None:
    """``scalar_mix(layers (L+1, *, D), w (L+1,), gamma) -> (*, D)`` must equal ELMo's equation (1)."""
    from ..elmo.scalar_mix import ScalarMix

    g = torch.Generator().manual_seed(0)
    layers = torch.randn(3, 4, 5, generator=g)
    equal = scalar_mix(layers, torch.zeros(3), 1.0)
    require(
        tuple(equal.shape) == (4, 5),
        f"scalar_mix returned shape {tuple(equal.shape)}; expected (4, 5): the layers axis (0) is summed over.",
    )
    require(
        torch.allclose(equal, layers.mean(0), atol=1e-5),
        "With w = 0 (equal weights) and gamma = 1 the mix must be the mean of the layers; it is not. "
        "Did you normalise w with a softmax over the layers?",
    )
    scaled = scalar_mix(layers, torch.zeros(3), 3.0)
    require(torch.allclose(scaled, 3 * layers.mean(0), atol=1e-5), "gamma must multiply the whole weighted sum.")
    w = torch.tensor([2.0, -1.0, 0.5])
    reference = ScalarMix(3, gamma=0.5)
    with torch.no_grad():
        reference.scalar_parameters.copy_(w)
    got = scalar_mix(layers, w, 0.5)
    require(
        torch.allclose(got, reference(layers), atol=1e-5),
        "scalar_mix(layers, w=[2, -1, 0.5], gamma=0.5) differs from ScalarMix: the weights must be "
        "softmax(w), positive and summing to one (not w itself, not w / sum(w)).",
    )
    passed("scalar_mix matches ScalarMix (weights sum to one, gamma scales, equal weights give the mean)")


def check_token_encoder_params(count: Callable) -> None:
    """``count(n_chars, char_dim, filters, n_highway, projection_dim) -> int`` must count the encoder's parameters."""
    from ..elmo.token_encoder import CharCNNEncoder

    cases = [
        (261, 16, ((1, 32), (2, 32), (3, 64), (4, 128), (5, 256)), 2, 128),
        (50, 4, ((2, 3),), 0, 7),
        (100, 8, ((1, 5), (3, 7)), 1, 10),
    ]
    for n_chars, char_dim, filters, n_highway, projection_dim in cases:
        encoder = CharCNNEncoder(n_chars, char_dim, filters, n_highway, projection_dim)
        truth = sum(p.numel() for p in encoder.parameters())
        got = int(count(n_chars, char_dim, filters, n_highway, projection_dim))
        require(
            got == truth,
            f"For n_chars={n_chars}, char_dim={char_dim}, filters={filters}, n_highway={n_highway}, "
            f"projection_dim={projection_dim} the encoder has {truth:,} parameters; you counted {got:,}. "
            "Remember the biases of the convolutions, that a highway layer has two weight matrices "
            "(transform and gate), and the projection.",
        )
    passed("the token encoder's parameter count is right")


def check_backward_targets(backward_targets: Callable) -> None:
    """``backward_targets(targets (B, T)) -> (B, T - 1)``: what the backward LM predicts from positions 1..T-1."""
    from ..elmo.bilm import IGNORE, direction_targets

    hand = torch.tensor([[0, 3, 4, 5, 0]])
    got = backward_targets(hand)
    require(tuple(got.shape) == (1, 4), f"Expected shape (1, 4) for a (1, 5) input; got {tuple(got.shape)}.")
    require(
        got.tolist() == [[0, 3, 4, 5]],
        f"For <S> the river bank </S> = [0, 3, 4, 5, 0] the backward LM predicts, from positions 1..4, "
        f"[0, 3, 4, 5] (each position's previous token); you gave {got.tolist()}. "
        "Is it shifted the wrong way (that would be the forward LM's targets)?",
    )
    padded = torch.tensor([[0, 3, 4, 5, 0], [0, 6, 0, IGNORE, IGNORE]])
    want = direction_targets(padded)[1]
    got = backward_targets(padded)
    require(
        torch.equal(got, want),
        f"With padding, a position that is itself padding predicts nothing (IGNORE = {IGNORE}): "
        f"expected {want.tolist()}, got {got.tolist()}. Position 3 of the second row is padding, "
        "even though the token before it (</S>) is real.",
    )
    passed("the backward LM predicts the previous token, and padding predicts nothing")


def check_direction_halves(forward_half: Callable, backward_half: Callable) -> None:
    """``forward_half(layers)`` and ``backward_half(layers)`` must cut ``(..., 2d)`` ELMo vectors into ``[fwd; bwd]``."""
    from ..elmo.bilm import BiLM, BiLMConfig
    from ..elmo.chars import CharEncoder
    from ..elmo.embed import embed_sentences

    torch.manual_seed(0)
    model = BiLM(BiLMConfig(n_words=5, max_word_length=8, filters=((1, 4), (2, 4)), projection_dim=3)).eval()
    [layers] = embed_sentences(model, [["a", "river", "bank"]])  # (3, 3, 6)
    chars, lengths = CharEncoder(8).encode_batch([["a", "river", "bank"]])
    with torch.no_grad():
        _, fwd, bwd = model.layers(chars, lengths)
    f, b = np.asarray(forward_half(layers)), np.asarray(backward_half(layers))
    require(
        f.shape == (3, 3, 3) and b.shape == (3, 3, 3),
        f"Each half of (3, 3, 6) vectors has shape (3, 3, 3); got {f.shape} and {b.shape}.",
    )
    require(
        np.allclose(f[2], fwd[1][0, 1:4].numpy(), atol=1e-6),
        "forward_half is not the forward LM's state: ELMo vectors are [forward; backward], the forward state first.",
    )
    require(
        np.allclose(b[2], bwd[1][0, 1:4].numpy(), atol=1e-6),
        "backward_half is not the backward LM's state (the last d features).",
    )
    passed("the halves are the forward and the backward states")

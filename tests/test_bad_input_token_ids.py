"""Fault class 6: token ids outside the vocabulary in the neural models' forward and generate.

Before, an id equal to the vocabulary size failed deep inside torch with "index out of range in
self" (or, for targets, "Target 10 is out of bounds"); now one min/max check per call names the
parameter, the vocabulary size and the bad id.
"""

import pytest
import torch

from course.base.batching import IGNORE_INDEX
from course.elmo import BiLM, BiLMConfig
from course.elmo.bilm import IGNORE
from course.lm.nnlm import NNLM
from course.lm.rnnlm import RNNLM, hidden_gradient_norms
from course.lm.train import generate, next_token_probs

pytestmark = pytest.mark.usefixtures("one_thread")

V = 10


@pytest.mark.parametrize(
    "make",
    [lambda: NNLM(V, context_size=2, vector_size=4, hidden_size=8), lambda: RNNLM(V, hidden_size=8)],
    ids=["NNLM", "RNNLM"],
)
def test_forward_names_the_vocabulary_size_and_the_bad_id(make):
    model = make()
    name = type(model).__name__
    ok = torch.tensor([[0, 3, 9]])
    logits, loss = model(ok, torch.tensor([[3, 9, IGNORE_INDEX]]))  # padding targets are allowed
    assert logits.shape == (1, 3, V) and torch.isfinite(loss)
    for bad, shown in ((V, V), (-2, -2)):
        with pytest.raises(
            ValueError,
            match=rf"The 'idx' parameter of {name}.forward must hold token ids in \[0, {V}\) "
            rf"\(the vocabulary has {V} words\). Got {shown} instead",
        ):
            model(torch.tensor([[0, bad, 1]]))
        with pytest.raises(
            ValueError,
            match=rf"The 'targets' parameter of {name}.forward must hold token ids in "
            rf"\[0, {V}\) or {IGNORE_INDEX} \(padding\).*Got {shown} instead",
        ):
            model(ok, torch.tensor([[1, bad, 2]]))
    with pytest.raises(TypeError, match=rf"'idx' parameter of {name}.forward must be an integer tensor.*float32"):
        model(torch.zeros(1, 3))
    with pytest.raises(ValueError, match=rf"'prefix' parameter of generate must hold token ids in \[0, {V}\).*Got {V}"):
        generate(model, [0, V], 3)
    with pytest.raises(ValueError, match=rf"'prefix' parameter of next_token_probs .*Got {V + 5}"):
        next_token_probs(model, [V + 5])
    with pytest.raises(TypeError, match="'prefix' parameter of generate must be a sequence of int token ids"):
        generate(model, "the cat", 3)
    assert len(generate(model, [0, 9], 3)) == 3


def test_nnlm_state_and_rnnlm_gradient_norms():
    nnlm = NNLM(V, context_size=2, vector_size=4, hidden_size=8)
    with pytest.raises(ValueError, match=rf"'state' parameter of NNLM.forward .*Got {V} instead"):
        nnlm(torch.tensor([[1, 2]]), state=torch.tensor([[0, V]]))
    rnnlm = RNNLM(V, hidden_size=8)
    with pytest.raises(ValueError, match=rf"'idx' parameter of hidden_gradient_norms .*Got {V} instead"):
        hidden_gradient_norms(rnnlm, torch.tensor([[1, V]]), torch.tensor([[2, 3]]))


def test_bilm_characters_and_targets():
    cfg = BiLMConfig(n_words=V, max_word_length=6, char_dim=4, filters=((1, 4), (2, 4)), projection_dim=8)
    model = BiLM(cfg)
    chars = torch.randint(5, 200, (2, 5, 6))
    targets = torch.randint(0, V, (2, 5))
    targets[1, -1] = IGNORE
    logits, loss = model(chars, targets)
    assert torch.isfinite(loss)
    bad_chars = chars.clone()
    bad_chars[0, 1, 2] = cfg.n_chars
    with pytest.raises(
        ValueError,
        match=rf"'chars' parameter of BiLM must hold token ids in \[0, {cfg.n_chars}\) "
        rf"\(the vocabulary has {cfg.n_chars} characters\). Got {cfg.n_chars}",
    ):
        model(bad_chars, targets)
    bad_targets = targets.clone()
    bad_targets[0, 2] = V
    for call, owner in ((model, "BiLM.forward"), (model.nll, "BiLM.nll")):
        with pytest.raises(
            ValueError,
            match=rf"'targets' parameter of {owner} must hold token ids in \[0, {V}\) or "
            rf"{IGNORE} \(padding\).*Got {V} instead",
        ):
            call(chars, bad_targets)
    bad_targets[0, 2] = -1  # a negative id other than the padding id
    with pytest.raises(ValueError, match="Got -1 instead"):
        model(chars, bad_targets)


def test_the_id_check_adds_no_counted_operation_to_a_forward_pass():
    # Chapter 04 counts a forward pass's operations with a torch dispatch mode: the check must not show up.
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode

    from course.base.validation import check_token_ids

    class Seen(TorchDispatchMode):
        def __init__(self):
            super().__init__()
            self.ops = []

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            if torch.Tag.pointwise in func.tags or func._overloadpacket in (
                torch.ops.aten.index,
                torch.ops.aten.min,
                torch.ops.aten.max,
            ):
                self.ops.append(str(func))
            return func(*args, **(kwargs or {}))

    ids = torch.tensor([[0, 3, -1, 9]])
    with Seen() as seen:
        check_token_ids(ids, "idx", "NNLM.forward", vocab_size=10, ignore_index=-1)
    assert seen.ops == []

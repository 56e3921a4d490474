"""The biLM that chapter 09 uses: a checkpoint committed with the package, checked by its sha256.

Training the biLM takes far longer than a chapter's time budget on a two-core machine, so the
chapter loads this checkpoint (and shows a short training run next to it). It was made with the
command in :data:`COMMAND` (fixed seed, one thread) on the course's language-model subset,
restricted to the sources whose licence lets us commit what is trained on them (Pang & Lee's
reviews, research use only, are left out; valid and test are the whole LM splits, as in
chapters 01-03); the
checkpoint's metadata records the corpus checksum, the training time and the perplexities it
reached. :func:`load_pretrained` refuses a file whose sha256 is not :data:`SHA256`.

To remake it, run :data:`COMMAND` from the repository root, then put
the sha256 it prints into :data:`SHA256`. Floating-point results of the training can differ
between CPUs and library versions, so a remade checkpoint is equivalent, not identical.
"""

from __future__ import annotations

from pathlib import Path

from .checkpoint import Checkpoint, load_checkpoint

__all__ = ["PATH", "SHA256", "COMMAND", "load_pretrained"]

#: Where the committed checkpoint lives (inside the package).
PATH = Path(__file__).resolve().parent / "checkpoints" / "bilm.pt"
#: The command that made it (run with ``--out /tmp/elmo/bilm.pt``, as its metadata records, then
#: copied here): 3,000 updates of about 2,000 tokens (about 4 epochs of the 1.45 M redistributable
#: tokens of the LM training split), 675 s on one core; 12.1 MB.
COMMAND = (
    "python -m course.elmo.train --out src/course/elmo/checkpoints/bilm.pt --seed 0 --threads 1 "
    "--epochs 4 --max-steps 3000 --eval-interval 500"
)
#: sha256 of the committed file.
SHA256 = "e2b876ad7b180e9fa2622db163b243dac2c83d4b8506409970d9f64487d61fc6"


def load_pretrained(path: str | Path | None = None, sha256: str | None = SHA256) -> Checkpoint:
    """Load the chapter's biLM; check its sha256 first.

    Parameters
    ----------
    path : str or Path, optional
        Default :data:`PATH`.
    sha256 : str or None, default=SHA256
        Expected digest (None skips the check, e.g. for a checkpoint you trained yourself).

    Returns
    -------
    Checkpoint
        ``model`` (eval mode), ``vocab`` (the softmax vocabulary), ``meta`` (how it was made).
    """
    return load_checkpoint(PATH if path is None else path, sha256=sha256)

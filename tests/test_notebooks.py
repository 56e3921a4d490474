"""The determinism check (`make determinism`): two cold runs of a notebook, each compared by nbval with the stored outputs."""

from __future__ import annotations

import nbformat
import pytest
from nbformat import v4

from course.base import notebooks


def _notebook(path, *cells):
    """A notebook whose code cells carry the given stored stdout (``(source, stored)`` pairs)."""
    nb = v4.new_notebook()
    for source, stored in cells:
        cell = v4.new_code_cell(source, execution_count=1)
        cell.outputs = [v4.new_output("stream", name="stdout", text=stored)]
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.fixture
def data(tmp_path, monkeypatch):
    """A data directory with a corpus folder (shared by both runs) and a trained-model cache (not shared)."""
    root = tmp_path / "data"
    (root / "text").mkdir(parents=True)
    (root / "text" / "corpus.txt").write_text("the cat\n")
    (root / "cache" / "word2vec").mkdir(parents=True)
    (root / "cache" / "word2vec" / "model.npz").write_text("trained")
    monkeypatch.setenv("COURSE_DATA_DIR", str(root))
    return root


def test_same_outputs_pass_and_a_changing_output_fails(tmp_path, data):
    stable = _notebook(tmp_path / "stable.ipynb", ("print(sum(range(10)))", "45\n"))
    assert notebooks.determinism([stable]) == 0
    noisy = _notebook(tmp_path / "noisy.ipynb", ("import os\nprint(os.urandom(8).hex())", "0123456789abcdef\n"))
    assert notebooks.determinism([noisy]) != 0


def test_a_second_run_that_differs_from_the_first_fails(tmp_path, data):
    # The first run writes a marker into its data folder; a second run that saw it would print True.
    # Each run has its own cold folder, so both print False; sharing one would fail run 2.
    probe = _notebook(
        tmp_path / "probe.ipynb",
        (
            "from course.base.paths import data_dir\n"
            "d = data_dir()\n"
            "print('corpus:', (d / 'text' / 'corpus.txt').read_text().strip())\n"
            "print('trained model visible:', (d / 'cache' / 'word2vec' / 'model.npz').exists())\n"
            "marker = d / 'cache' / 'written-by-a-run'\n"
            "print('left by the other run:', marker.exists())\n"
            "marker.parent.mkdir(parents=True, exist_ok=True)\n"
            "_ = marker.write_text('x')",
            "corpus: the cat\ntrained model visible: False\nleft by the other run: False\n",
        ),
    )
    assert notebooks.determinism([probe]) == 0
    assert not (data / "cache" / "written-by-a-run").exists(), "a run never writes into the real data folder"


def test_cold_data_dir_links_only_the_corpus_inputs(tmp_path, data):
    cold = notebooks.cold_data_dir(data, tmp_path / "cold")
    assert (cold / "text").is_symlink() and (cold / "text" / "corpus.txt").read_text() == "the cat\n"
    assert not (cold / "cache" / "word2vec").exists()


def test_one_run_compares_once_and_a_bad_run_count_is_refused(tmp_path, data):
    noisy = _notebook(tmp_path / "noisy.ipynb", ("import os\nprint(os.urandom(8).hex())", "0123456789abcdef\n"))
    assert notebooks.determinism([noisy], runs=1) != 0
    with pytest.raises(ValueError, match="The 'runs' parameter of determinism must be 1 or 2. Got 3 instead."):
        notebooks.determinism([noisy], runs=3)


def test_perturbation_must_be_a_known_one(tmp_path):
    with pytest.raises(ValueError, match="The 'perturb' parameter of determinism must be None or one of"):
        notebooks.determinism([tmp_path / "a.ipynb"], perturb="gpu")


def test_perturbed_run_switches_each_pinned_kernel_to_another():
    pinned = {name: values[0] for name, values in notebooks.KERNEL_SETTINGS.items()}
    assert notebooks.perturbed(pinned, "blas") == {"OPENBLAS_CORETYPE": "SkylakeX"}
    assert notebooks.perturbed(pinned, "cpu") == {name: v[1] for name, v in notebooks.KERNEL_SETTINGS.items()}
    assert notebooks.perturbed({}, "cpu") == pinned  # unpinned: run 2 pins them, run 1 had the defaults


def test_the_makefile_pins_the_kernels_the_perturbation_knows():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text()
    for name, (pinned, _) in notebooks.KERNEL_SETTINGS.items():
        assert f"{name}={pinned}" in makefile


def test_command_line_refuses_a_missing_notebook_and_a_bad_timeout(tmp_path, capsys):
    with pytest.raises(SystemExit):
        notebooks.main(["determinism", str(tmp_path / "missing.ipynb")])
    assert "no notebook at" in capsys.readouterr().err
    nb = _notebook(tmp_path / "a.ipynb", ("x = 1", ""))
    with pytest.raises(SystemExit):
        notebooks.main(["execute", str(nb), "--timeout", "0"])
    assert "--timeout must be a positive number" in capsys.readouterr().err

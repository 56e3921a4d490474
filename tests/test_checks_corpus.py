import pytest

from course.checks import CheckFailed
from course.checks.corpus import check_hapax_fraction, check_source_exponents, check_zipf_token_share
from course.data.stats import zipf_fit


def test_zipf_share_check_passes_the_solution_and_explains_an_inversion(capsys):
    def solution(k, v):
        return sum(1 / r for r in range(1, k + 1)) / sum(1 / r for r in range(1, v + 1))

    check_zipf_token_share(solution)
    assert capsys.readouterr().out.startswith("PASS")
    with pytest.raises(CheckFailed, match="did you use H_V / H_k"):
        check_zipf_token_share(lambda k, v: 1 / solution(k, v) if k else 0.0)


def test_hapax_check_catches_token_denominator():
    check_hapax_fraction(lambda c: sum(x == 1 for x in c) / len(c), [4, 1, 1, 7])
    with pytest.raises(CheckFailed, match="TYPE with count exactly 1"):
        check_hapax_fraction(lambda c: sum(x == 1 for x in c) / sum(c), [4, 1, 1, 7])


def test_source_exponent_check():
    counts = {"a": [100000 // r for r in range(1, 2000)], "b": [500 // r + 1 for r in range(1, 2000)]}
    right = {k: zipf_fit(v, 10, 1000)[0] for k, v in counts.items()}
    check_source_exponents(right, counts)
    with pytest.raises(CheckFailed, match="b: exponent"):
        check_source_exponents({**right, "b": 2.0}, counts)
    with pytest.raises(CheckFailed, match="one exponent per source"):
        check_source_exponents({"a": right["a"]}, counts)

"""Q as a sum of named terms: :class:`Term` and :class:`Cost`, with the formula in LaTeX and the values.

Mikolov et al. (2013a, section 2) write the cost Q of one training example of each architecture
as a sum of terms, one per layer (projection, hidden, output). A :class:`Cost` keeps those terms
with their LaTeX and their values, so a chapter renders the formula and the number from one
place; :mod:`course.complexity.formulas` builds one per architecture.

>>> q = Cost("CBOW", "hs", (Term("projection", r"N \\times D", 40.0, "lookup"), Term("output", "D", 2.0)), "")
>>> q.total, q.dominant().name, q.by_kind("macs")
(42.0, 'projection', 2.0)

References
----------
.. [1] T. Mikolov, K. Chen, G. Corrado, J. Dean, "Efficient Estimation of Word Representations
   in Vector Space", ICLR workshop 2013, section 2.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..base.notebook import sig

__all__ = ["Term", "Cost"]


@dataclass(frozen=True)
class Term:
    """One additive term of Q.

    Parameters
    ----------
    name : str
        Which layer it is: ``"projection"``, ``"hidden"`` (the recurrent matrix for the RNNLM)
        or ``"output"``.
    latex : str
        The term as the paper writes it, e.g. ``r"N \\times D \\times H"``.
    value : float
        Its value for the given sizes.
    kind : str, default="macs"
        ``"macs"``: multiply-adds of a dense product; ``"lookup"``: numbers copied from an
        embedding table (the projection layer does no multiplication). The measured cost
        (:mod:`course.complexity.counting`) keeps the two apart.
    """

    name: str
    latex: str
    value: float
    kind: str = "macs"

    @property
    def text(self) -> str:
        """The term in plain text, e.g. ``"N x D x H"`` or ``"D x log2 V"``.

        >>> Term("output", r"D \\times \\log_2 V", 1.0).text
        'D x log2 V'
        """
        return self.latex.replace(r"\times", "x").replace(r"\log_2 ", "log2 ").replace(r"\bar L", "L")


@dataclass(frozen=True)
class Cost:
    """Q of one architecture: the terms, their sum, and the formula in the paper's form.

    Parameters
    ----------
    architecture : str
        ``"NNLM"``, ``"RNNLM"``, ``"CBOW"`` or ``"Skip-gram"``.
    output : str
        One of :data:`course.complexity.formulas.OUTPUTS`.
    terms : tuple of Term
        The expanded additive terms.
    formula : str
        The right-hand side as the paper writes it (for Skip-gram the factored form
        ``C \\times (D + D \\times \\log_2 V)``).
    """

    architecture: str
    output: str
    terms: tuple[Term, ...]
    formula: str

    @property
    def total(self) -> float:
        """Q: the sum of the terms."""
        return float(sum(t.value for t in self.terms))

    def term(self, name: str) -> Term:
        """The term called ``name`` (``KeyError`` naming the choices if there is none)."""
        for t in self.terms:
            if t.name == name:
                return t
        raise KeyError(f"{self.architecture} has no term {name!r}; its terms are {[t.name for t in self.terms]}.")

    def dominant(self) -> Term:
        """The largest term."""
        return max(self.terms, key=lambda t: t.value)

    def share(self, name: str) -> float:
        """Fraction of Q that the term ``name`` makes up."""
        return self.term(name).value / self.total

    def by_kind(self, kind: str) -> float:
        """Sum of the terms of one kind (``"macs"`` or ``"lookup"``)."""
        return float(sum(t.value for t in self.terms if t.kind == kind))

    def latex(self, expanded: bool = True) -> str:
        """``"Q = ..."`` in LaTeX: the sum of the expanded terms, or the paper's form."""
        rhs = " + ".join(t.latex for t in self.terms) if expanded else self.formula
        return f"Q = {rhs}"

    def latex_values(self) -> str:
        """The formula, then its terms' values, then Q, as one LaTeX equation.

        >>> from course.complexity.formulas import rnnlm_cost
        >>> print(rnnlm_cost(H=100, V=1000).latex_values())
        Q_{\\text{RNNLM}} = H \\times H + H \\times V = 10^{4} + 10^{5} = 1.1 \\times 10^{5}
        """
        values = " + ".join(_tex_number(t.value) for t in self.terms)
        return (
            rf"Q_{{\text{{{self.architecture}}}}} = {self.latex()[4:]} = {values} = "
            f"{_tex_number(self.total)}"
        )

    def __repr__(self) -> str:
        return f"Cost({self.architecture}, {self.output}: {self.latex()} = {sig(self.total)})"

    def _repr_latex_(self) -> str:
        # Jupyter typesets it; the book (myst-nb) renders text/latex as a math block.
        return f"$${self.latex_values()}$$"


def _tex_number(x: float) -> str:
    """``sig(x)`` in LaTeX: ``2.5e+05`` -> ``2.5 \\times 10^{5}``, ``1e+04`` -> ``10^{4}``."""
    text = sig(x)
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = f"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else rf"{mantissa} \times {power}"

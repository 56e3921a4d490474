"""Is every check in ``course.checks`` tested with a wrong answer, and does it let a stub's error through?

Two rules for the check modules the chapters write:

check-test
    every ``check_*`` function of ``course.checks.<chapter>`` is called inside at least one
    ``with pytest.raises(CheckFailed, match=...)`` block (or ``... as info`` followed by an assert
    on ``info``) of ``tests/test_checks_*.py``, directly, through a helper of the test module or
    as a ``parametrize`` value of the test, so a deliberately wrong answer is shown to give the
    intended message.
check-stub
    a check whose arguments are all the student's functions, given functions that raise
    ``NotImplementedError`` (an unanswered exercise), raises ``NotImplementedError`` itself, so the
    student and the grader read "not answered" rather than a wrong-answer message.

>>> import course.checks.corpus as corpus
>>> [name for name, _ in check_functions() if name.startswith("course.checks.corpus.")]  # doctest: +NORMALIZE_WHITESPACE
['course.checks.corpus.check_zipf_token_share', 'course.checks.corpus.check_hapax_fraction',
 'course.checks.corpus.check_source_exponents']
>>> stub_outcome(corpus.check_zipf_token_share)
'NotImplementedError'
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path

__all__ = ["check_functions", "wrong_answer_tests", "stub_outcome"]


def check_functions() -> list[tuple[str, Callable]]:
    """``(dotted name, function)`` of every public ``check_*`` function of the ``course.checks`` modules."""
    import course.checks

    found = []
    for info in sorted(pkgutil.iter_modules(course.checks.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"course.checks.{info.name}")
        names = getattr(module, "__all__", [n for n in vars(module) if not n.startswith("_")])
        for name in names:
            obj = getattr(module, name, None)
            if name.startswith("check_") and inspect.isfunction(obj) and obj.__module__ == module.__name__:
                found.append((f"{module.__name__}.{name}", obj))
    return found


def _imports(tree: ast.Module) -> dict[str, str]:
    """Local name -> dotted ``course.checks`` name, from a test module's imports."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("course.checks"):
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("course.checks"):
                    names[alias.asname or alias.name] = alias.name
    return names


def _dotted(node: ast.expr, imports: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return imports.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, imports)
        return f"{base}.{node.attr}" if base else None
    return None


def _asserts_message(item: ast.withitem, test: ast.FunctionDef) -> bool:
    """``pytest.raises(CheckFailed, match=...)``, or ``... as info`` with an assert on ``info`` later."""
    call = item.context_expr
    if not (
        isinstance(call, ast.Call)
        and ast.unparse(call.func).endswith("raises")
        and call.args
        and ast.unparse(call.args[0]).endswith("CheckFailed")
    ):
        return False
    if any(k.arg == "match" for k in call.keywords):
        return True
    var = item.optional_vars.id if isinstance(item.optional_vars, ast.Name) else None
    return var is not None and any(
        isinstance(n, ast.Assert) and var in {m.id for m in ast.walk(n) if isinstance(m, ast.Name)}
        for n in ast.walk(test)
    )


def wrong_answer_tests(tests_dir: str | Path) -> dict[str, list[str]]:
    """Dotted check name -> the tests (``file::function``) that make it raise CheckFailed with a match."""
    found: dict[str, list[str]] = {}
    for path in sorted(Path(tests_dir).glob("test_checks_*.py")):
        tree = ast.parse(path.read_text())
        imports = _imports(tree)
        helpers = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        for test in helpers.values():
            if not test.name.startswith("test"):
                continue
            params = {a.arg for a in test.args.args}
            param_values = [n for d in test.decorator_list for n in ast.walk(d)]
            for with_node in (n for n in ast.walk(test) if isinstance(n, ast.With)):
                if not any(_asserts_message(item, test) for item in with_node.items):
                    continue
                nodes = [n for stmt in with_node.body for n in ast.walk(stmt)]
                for call in [n for n in nodes if isinstance(n, ast.Call)]:
                    if isinstance(call.func, ast.Name) and call.func.id in helpers:  # one level of helper
                        nodes += list(ast.walk(helpers[call.func.id]))
                    if isinstance(call.func, ast.Name) and call.func.id in params:  # a parametrized check
                        nodes += param_values
                for node in nodes:
                    name = _dotted(node, imports) if isinstance(node, (ast.Name, ast.Attribute)) else None
                    if name:
                        found.setdefault(name, []).append(f"{path.name}::{test.name}")
    return {k: sorted(set(v)) for k, v in found.items()}


def stub_outcome(check: Callable) -> str | None:
    """What ``check`` raises when every argument is an unanswered stub (None: not all arguments are functions).

    Returns the name of the exception raised (``'NotImplementedError'`` is right), ``'no error'``
    when it passes the stub, or None when a required argument is not a function (a value the
    student computes), in which case the slow test of the student edition is the judge.
    """

    def stub(*args, **kwargs):
        raise NotImplementedError()

    required = [
        p
        for p in inspect.signature(check).parameters.values()
        if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    annotations = [str(p.annotation) for p in required]
    if not required or not all(
        "Callable" in a or (a == str(inspect.Parameter.empty) and len(required) == 1) for a in annotations
    ):
        return None
    try:
        check(*[stub] * len(required))
    except Exception as exc:  # noqa: BLE001 - the point is to see which one
        return type(exc).__name__
    return "no error"

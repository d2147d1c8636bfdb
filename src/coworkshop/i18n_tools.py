"""Manage the gettext catalogues with Babel: extract, update, compile.

Run from a checkout (README, "Languages")::

    python -m coworkshop.i18n_tools extract   # messages -> locale/coworkshop.pot
    python -m coworkshop.i18n_tools update    # .pot -> every locale/<lang>/.../coworkshop.po
    python -m coworkshop.i18n_tools compile   # .po -> .mo (shipped in the wheel)
    python -m coworkshop.i18n_tools all       # the three in a row

These are ``pybabel extract -F babel.cfg -k ...``, ``pybabel update`` and
``pybabel compile`` with the project's keywords and paths, so nobody has to
remember them; the tests use :data:`KEYWORDS` to extract the same way.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .i18n import DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent.parent
POT = LOCALE_DIR / f"{DOMAIN}.pot"
#: Calls whose first (or given) argument is a message: gettext's, the page's
#: table (N_), the errors' templates, the server's refusals (Refused(status, msg)).
KEYWORDS = ("_", "N_", "ngettext:1,2", "nfmt:1,2", "fmt:1", "fmt_:1", "UserError", "RuleError",
            "TemplateError", "SessionFileError", "NotSaved", "Refused:2")


def extract_python(fileobj: Any, keywords: Any, comment_tags: Any, options: Any
                   ) -> Iterator[Any]:
    """Babel's Python extractor, plus the descriptions and tooltips of Textual's
    ``Binding(key, action, description, ..., tooltip=...)``: they stay plain
    strings in the code (bindings are made at import, before a language is
    chosen) and are translated where they are shown (footer, help)."""
    import ast

    from babel.messages.extract import extract_python as babel_python

    source = fileobj.read()
    fileobj.seek(0)
    yield from babel_python(fileobj, keywords, comment_tags, options)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        texts: list[ast.expr] = []
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Binding":
            texts = node.args[2:3] + [k.value for k in node.keywords
                                      if k.arg in ("description", "tooltip")]
        elif isinstance(node, ast.Assign) and any(
                getattr(t, "id", "") in SHOWN_CONSTANTS for t in node.targets):
            texts = _operands(node.value)  # HOW_TO = ("..." "...") + Board.HOW_TO
        elif isinstance(node, ast.FunctionDef) and node.name == "palette_entries":
            # ("category: verb", "what it does", callback) tuples
            texts = [e for n in ast.walk(node) if isinstance(n, ast.Tuple)
                     for e in n.elts[:2]]
        for text in texts:
            if isinstance(text, ast.Constant) and isinstance(text.value, str) and text.value:
                yield text.lineno, "", text.value, []


#: Class and module constants the TUI shows, translated where shown (the help).
SHOWN_CONSTANTS = ("HOW_TO", "HELP_TITLE", "GENERAL")


def _operands(node: Any) -> list[Any]:
    import ast

    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _operands(node.left) + _operands(node.right)
    return [node]


def _pybabel(*args: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(output: Path = POT) -> None:
    """The messages of the source (run from the checkout's root) into ``output``."""
    keywords = [a for k in KEYWORDS for a in ("-k", k)]
    _pybabel("extract", "-F", str(ROOT / "babel.cfg"), "--no-default-keywords", *keywords,
             "--sort-by-file", "--omit-header", "--no-wrap", "-o", str(output),
             str(PACKAGE.relative_to(ROOT)))


def update() -> None:
    for lang in LANGUAGES:
        if lang == SOURCE:
            continue
        po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        command = "update" if po.exists() else "init"
        extra = ("--no-fuzzy-matching", "--ignore-obsolete") if command == "update" else ()
        _pybabel(command, "-D", DOMAIN, "-i", str(POT), "-d", str(LOCALE_DIR), "-l", lang,
                 "--no-wrap", *extra)


def compile_all() -> None:
    _pybabel("compile", "-D", DOMAIN, "-d", str(LOCALE_DIR), "--statistics")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    step = args[0] if args else "all"
    import os

    os.chdir(ROOT)  # paths in the catalogues' comments stay relative
    if step in ("extract", "all"):
        extract()
    if step in ("update", "all"):
        update()
    if step in ("compile", "all"):
        compile_all()
    if step not in ("extract", "update", "compile", "all"):
        print("usage: python -m coworkshop.i18n_tools [extract|update|compile|all]")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

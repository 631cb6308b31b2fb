"""The LaTeX in BibTeX field values: decoding to Unicode (pylatexenc) and escaping for writing.

Decoding takes the fast path for what the writer produces and most files contain
(protective braces, escaped specials, dashes and quotes) and hands anything else
(accents, macros, math) to pylatexenc.  Writing escapes ``{ } & % $ # _ \\ ~ ^`` and
breaks the TeX ligatures that the reader would turn into other characters (``--``,
``''``, ````...); non-ASCII text stays as it is.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from refdb.formats.names import normalize_space

_NEEDS_LATEX = re.compile(r"[\\{}$&%~]|--|''|``|[?!]`")
_BARE_TEXT_SPECIAL = re.compile(r"(?<!\\)([&%])")


@lru_cache(maxsize=1)
def _decoder() -> tuple[Any, LatexNodes2Text]:
    """pylatexenc's parser context and text converter, built once (it rebuilds them per call)."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "refdb",
        prepend=True,
        macros=[
            MacroTextSpec("url", simplify_repl="%s"),
            # pylatexenc gives U+02C6 (modifier circumflex) for this one
            MacroTextSpec("textasciicircum", simplify_repl="^"),
        ],
    )
    return latexwalker.get_default_latex_context_db(), LatexNodes2Text(
        latex_context=context, math_mode="text"
    )


# What the writer produces and most files contain: protective braces, escaped specials,
# dashes and quotes.  Anything else (accents, macros, math) goes through pylatexenc.
_SIMPLE_TOKENS = re.compile(
    r"\\textbackslash\{\}|\\textasciitilde\{\}|\\textasciicircum\{\}|\\[{}&%$#_]|[{}]|---|--|''|``|[?!]`|~|[\\$]"
)
_SIMPLE_VALUES = {
    r"\textbackslash{}": "\\",
    r"\textasciitilde{}": "~",
    r"\textasciicircum{}": "^",
    "{": "",
    "}": "",
    "---": "\u2014",
    "--": "\u2013",
    "''": "\u201d",
    "``": "\u201c",
    "?`": "\u00bf",
    "!`": "\u00a1",
    "~": "\u00a0",
}


def _simple_latex_to_text(value: str) -> str | None:
    """The text of ``value`` if it only uses the simple constructs above, else None."""
    parts: list[str] = []
    position = 0
    for match in _SIMPLE_TOKENS.finditer(value):
        token = match.group()
        if token in ("\\", "$"):
            return None
        parts.append(value[position : match.start()])
        parts.append(_SIMPLE_VALUES.get(token, token[1:]))
        position = match.end()
    parts.append(value[position:])
    return "".join(parts)


def latex_to_text(value: str) -> str:
    """LaTeX field text as Unicode: ``{\\"o}`` -> ö, ``\\v{s}`` -> š, ``--`` -> –; whitespace collapsed.

    A bare ``&`` or ``%`` is taken as text (real files are full of "Taylor & Francis"),
    not as a LaTeX alignment tab or comment.
    """
    if _NEEDS_LATEX.search(value):
        value = _BARE_TEXT_SPECIAL.sub(r"\\\1", value)
        simple = _simple_latex_to_text(value)
        value = simple if simple is not None else pylatexenc_to_text(value)
    return normalize_space(value)


def pylatexenc_to_text(value: str) -> str:
    walker_context, converter = _decoder()
    walker = latexwalker.LatexWalker(value, latex_context=walker_context, tolerant_parsing=True)
    return str(converter.nodelist_to_text(walker.get_latex_nodes()[0]))


_TEXT_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=')(?=')|(?<=`)(?=`)|(?<=[?!])(?=`)")


# what text_to_latex changes: a special, or a pair a ligature would join (exactly what _LIGATURE finds)
_NEEDS_LATEX = re.compile(r"[\\{}&%$#_~^]|--|''|``|[?!]`")


def text_to_latex(value: str) -> str:
    """Escape the BibTeX specials and break TeX ligatures; everything else (UTF-8) is kept.

    Most values (titles, names, places) hold none of them: those are only space-normalized (one
    regular-expression search instead of a translation and a substitution over every value)."""
    text = normalize_space(value)
    if _NEEDS_LATEX.search(text) is None:
        return text
    return _LIGATURE.sub("{}", text.translate(_TEXT_ESCAPES))


_VERBATIM_UNESCAPE = re.compile(r"\\textbackslash\{\}|\\([{}%&#_$~^\\])")
_VERBATIM_ESCAPE = re.compile(r"[\\{}]")
_VERBATIM_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}"}


def unescape_verbatim(value: str) -> str:
    """A DOI, URL or page range as written: only the ``\\_``-style escapes are undone."""
    return normalize_space(_VERBATIM_UNESCAPE.sub(lambda m: m.group(1) or "\\", value))


def escape_verbatim(value: str) -> str:
    """Escape only what would break the braces of a DOI, URL or page range."""
    return _VERBATIM_ESCAPE.sub(lambda m: _VERBATIM_ESCAPES[m.group()], normalize_space(value))

"""The BibTeX escaper's fast path gives what the full escape gives, for any text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from refdb.formats.bibtex import latex

SPECIALS = "\\{}&%$#_~^-'`?! \t\n"


def _full(value: str) -> str:
    return latex._LIGATURE.sub("{}", latex.normalize_space(value).translate(latex._TEXT_ESCAPES))


@given(st.text(alphabet=st.sampled_from(SPECIALS + "abcЖé–—") | st.characters(), max_size=40))
def test_text_to_latex_is_the_full_escape(value: str) -> None:
    assert latex.text_to_latex(value) == _full(value)


def test_plain_values_take_the_fast_path_unchanged() -> None:
    for value in ("Stalin and His Generals", "New Haven", "Сталин и его генералы", "  two  spaces "):
        assert latex.text_to_latex(value) == " ".join(value.split())
    assert latex.text_to_latex("pp. 1--2 & ``quoted''") == r"pp. 1-{}-2 \& `{}`quoted'{}'"

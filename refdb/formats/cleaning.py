"""Cleaning what real libraries export: HTML entities, HTML notes, date-times and language names.

Pure functions over CSL items, used by the importer for every format: Zotero and Better BibTeX
write HTML entities (``Harvard&#039;s``), reading notes as HTML (``<p>...</p>``), date-times
(``2013-10-30T11:20:51-07:00``) and language names (``english``, ``Russian``) where a CSL item
wants text, plain notes, dates and BCP 47 codes.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

from refdb.dates import parse_iso_date
from refdb.formats import CslItem

_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
_HTML_TAG = re.compile(r"</?(?:p|div|br|span|b|i|em|strong|ul|ol|li|h[1-6]|blockquote|a|pre|code|sub|sup)\b[^>]*>",
                       re.IGNORECASE)  # fmt: skip
_DATETIME = re.compile(
    r"^(-?\d{1,4}(?:-\d{1,2}(?:-\d{1,2})?)?)[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)


def unescape(text: str) -> str:
    """``Harvard&#039;s`` -> ``Harvard's``, ``G&ouml;ttingen`` -> ``Göttingen`` (text without entities as is)."""
    return html.unescape(text) if _ENTITY.search(text) else text


def looks_like_html(text: str) -> bool:
    return _HTML_TAG.search(text) is not None


class _Text(HTMLParser):
    """HTML as plain text with Markdown's few marks: paragraphs, line breaks, list items, emphasis."""

    BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("b", "strong"):
            self.parts.append("**")
        elif tag in ("i", "em"):
            self.parts.append("*")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag in ("b", "strong"):
            self.parts.append("**")
        elif tag in ("i", "em"):
            self.parts.append("*")

    def handle_data(self, data: str) -> None:
        self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(text: str) -> str:
    """A Zotero HTML note as plain text (Markdown emphasis and lists); text that is not HTML unescaped."""
    if not looks_like_html(text):
        return unescape(text).strip()
    parser = _Text()
    parser.feed(text)
    parser.close()
    joined = "".join(parser.parts)
    lines = [line.strip() for line in joined.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def split_datetime(text: str) -> tuple[str, str | None]:
    """``2013-10-30T11:20:51-07:00`` -> (``2013-10-30``, ``T11:20:51-07:00``); other text unchanged."""
    match = _DATETIME.match(text.strip())
    if not match:
        return text, None
    return match.group(1), text.strip()[len(match.group(1)) :]


# --- languages -------------------------------------------------------------------------------------

#: Language names (English, babel/polyglossia as biblatex's ``langid`` spells them, ISO 639-2) -> BCP 47.
LANGUAGE_CODES: dict[str, str] = {
    "english": "en", "american": "en-US", "usenglish": "en-US", "british": "en-GB", "ukenglish": "en-GB",
    "canadian": "en-CA", "australian": "en-AU", "newzealand": "en-NZ", "russian": "ru", "ukrainian": "uk",
    "belarusian": "be", "polish": "pl", "czech": "cs", "slovak": "sk", "bulgarian": "bg", "serbian": "sr",
    "croatian": "hr", "slovene": "sl", "slovenian": "sl", "german": "de", "ngerman": "de", "austrian": "de-AT",
    "naustrian": "de-AT", "swissgerman": "de-CH", "nswissgerman": "de-CH", "french": "fr", "italian": "it",
    "spanish": "es", "portuguese": "pt", "brazilian": "pt-BR", "dutch": "nl", "danish": "da", "swedish": "sv",
    "norwegian": "nb", "norsk": "nb", "nynorsk": "nn", "finnish": "fi", "estonian": "et", "latvian": "lv",
    "lithuanian": "lt", "hungarian": "hu", "magyar": "hu", "romanian": "ro", "greek": "el", "turkish": "tr",
    "hebrew": "he", "arabic": "ar", "persian": "fa", "farsi": "fa", "armenian": "hy", "georgian": "ka",
    "kazakh": "kk", "uzbek": "uz", "azerbaijani": "az", "yiddish": "yi", "latin": "la", "chinese": "zh",
    "japanese": "ja", "korean": "ko", "catalan": "ca", "irish": "ga", "welsh": "cy", "icelandic": "is",
    "mongolian": "mn", "tatar": "tt",
    # ISO 639-2/B and /T codes libraries write (Library of Congress records, WorldCat)
    "eng": "en", "rus": "ru", "ukr": "uk", "bel": "be", "pol": "pl", "cze": "cs", "ces": "cs", "ger": "de",
    "deu": "de", "fre": "fr", "fra": "fr", "ita": "it", "spa": "es", "por": "pt", "dut": "nl", "nld": "nl",
    "swe": "sv", "fin": "fi", "est": "et", "lav": "lv", "lit": "lt", "hun": "hu", "rum": "ro", "ron": "ro",
    "gre": "el", "ell": "el", "tur": "tr", "heb": "he", "ara": "ar", "arm": "hy", "hye": "hy", "geo": "ka",
    "kat": "ka", "yid": "yi", "lat": "la", "chi": "zh", "zho": "zh", "jpn": "ja", "kor": "ko", "bul": "bg",
    "srp": "sr", "hrv": "hr", "slv": "sl", "slo": "sk", "slk": "sk",
}  # fmt: skip
#: BCP 47 -> biblatex ``langid`` (babel names), for writing.
LANGIDS: dict[str, str] = {
    "en": "english", "en-US": "american", "en-GB": "british", "en-CA": "canadian", "en-AU": "australian",
    "en-NZ": "newzealand", "de": "ngerman", "de-AT": "naustrian", "de-CH": "nswissgerman", "pt-BR": "brazilian",
    "nb": "norsk", "nn": "nynorsk", "sl": "slovene", "hu": "magyar",
    **{code: name for name, code in LANGUAGE_CODES.items()
       if len(name) > 3 and code not in ("en", "en-US", "en-GB", "de", "de-AT", "de-CH", "nb", "sl", "hu")},
}  # fmt: skip
_BCP47 = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{4}))?(?:[-_]([A-Za-z]{2}|\d{3}))?$")


def to_bcp47(text: str) -> str:
    """``english`` -> ``en``, ``Russian`` -> ``ru``, ``en_US`` -> ``en-US``, ``rus`` -> ``ru``; else as written."""
    value = text.strip()
    folded = value.lower().replace(" ", "")
    if folded in LANGUAGE_CODES:
        return LANGUAGE_CODES[folded]
    match = _BCP47.match(value)
    if match:
        language, script, region = match.groups()
        language = LANGUAGE_CODES.get(language.lower(), language.lower())
        parts = [language, script.title() if script else None, region.upper() if region else None]
        return "-".join(p for p in parts if p)
    return value


def to_langid(code: str) -> str | None:
    """A BCP 47 code as biblatex's ``langid`` (``ru`` -> ``russian``); None when biblatex has no name
    for exactly that code (the writer then gives the code as ``language``)."""
    return LANGIDS.get(code)


# --- items -----------------------------------------------------------------------------------------

_NOTE_VARIABLES = ("note", "annote")


def clean_item(item: CslItem) -> tuple[CslItem, list[str]]:
    """The item with entities decoded, HTML notes as text and the language as BCP 47; what changed
    that a user may want to know (for ``--verbose``)."""
    details: list[str] = []
    cleaned: CslItem = {}
    for key, value in item.items():
        if isinstance(value, str):
            if key in _NOTE_VARIABLES or key == "abstract":
                text = html_to_text(value)
                if text != value.strip() and looks_like_html(value):
                    details.append(f"{key}: HTML turned into plain text")
                value = text
            elif key not in ("URL", "DOI", "id", "citation-key"):
                value = unescape(value)
        elif isinstance(value, list) and value and isinstance(value[0], dict):  # names
            value = [{k: unescape(v) if isinstance(v, str) else v for k, v in name.items()} for name in value]
        cleaned[key] = value
    for variable in ("issued", "accessed"):  # {"raw": "2013-10-30T11:20:51Z"}, as Zotero writes some dates
        date = cleaned.get(variable)
        raw: Any = (
            date.get("raw") or date.get("literal")
            if isinstance(date, dict) and not date.get("date-parts")
            else None
        )
        if isinstance(raw, str):
            text = raw
            day, time = split_datetime(text)
            parts = parse_iso_date(day)
            if parts is not None:
                cleaned[variable] = parts
                details.append(
                    f"{variable} {text} read as the date {day}"
                    + (" (the time of day is not kept)" if time else "")
                )
    if isinstance(cleaned.get("language"), str):
        code = to_bcp47(cleaned["language"])
        if code != cleaned["language"]:
            details.append(f"language '{cleaned['language']}' read as '{code}'")
        cleaned["language"] = code
    notes = [str(cleaned.pop(v)) for v in _NOTE_VARIABLES if cleaned.get(v)]
    if notes:
        cleaned["note"] = "\n\n".join(dict.fromkeys(notes))
    return cleaned, details

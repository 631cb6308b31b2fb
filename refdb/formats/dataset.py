"""The dataset format: a human-editable YAML file holding a whole refdb database.

``parse`` reads it into plain records, checking syntax, types, allowed values, unknown
fields and duplicate keys, and naming ``file:line`` for every problem.  ``dumps`` writes
records back, sorted and stable, so that two dumps diff cleanly and dump -> load -> dump is
byte-identical.  References between records (a claim citing a source key) and anchors are
checked by the service that loads the records, since they may point into the database.

The format is documented in README.md and by ``docs/dataset.schema.json``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from refdb.errors import InputError

FORMAT_VERSION = 1

from refdb.vocab import (  # noqa: E402  (the shared vocabulary, re-exported for readers of this module)
    CLAIM_KINDS,
    COMMENT_STANCES,
    CONTRIBUTOR_ROLES,
    CSL_TYPES,
    NAME_KINDS,
    RELATIONS,
    SOURCE_CLASSES,
    STANCES,
)

MAX_KEY = 200
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
DATE_RE = re.compile(r"^(\d{1,4})(?:-(\d{2})(?:-(\d{2}))?)?$")

PartialDate = tuple[int, int | None, int | None]


@dataclass
class Anchor:
    """A W3C TextQuoteSelector: the exact text, with enough context on each side to be unique."""

    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None


@dataclass
class NameRec:
    name: str
    kind: str = "variant"
    scheme: str | None = None
    note: str | None = None


@dataclass
class PersonRec:
    key: str
    name: str
    family: str | None = None
    given: str | None = None
    particle: str | None = None
    native: str | None = None
    variants: list[NameRec] = field(default_factory=list)
    note: str | None = None
    curated: dict[str, str] = field(default_factory=dict)
    loc: str = ""


@dataclass
class ContributorRec:
    person: str
    role: str = "author"


@dataclass
class SourceRec:
    key: str
    type: str
    title: str | None
    source_class: str | None = None
    genre: str | None = None
    short_title: str | None = None
    container_title: str | None = None
    contributors: list[ContributorRec] = field(default_factory=list)
    publisher: str | None = None
    place: str | None = None
    issued: PartialDate | None = None
    issued_literal: str | None = None  # a date that is not a calendar date: "forthcoming", "c. 1920"
    edition: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    url: str | None = None
    isbn: str | None = None
    doi: str | None = None
    language: str | None = None
    note: str | None = None
    text: str | None = None
    curated: dict[str, str] = field(default_factory=dict)
    loc: str = ""


@dataclass
class TagRec:
    key: str
    label: str
    description: str | None = None
    loc: str = ""


@dataclass
class CitationRec:
    source: str
    stance: str
    locator: str | None = None
    label: str | None = None
    anchor: Anchor | None = None
    note: str | None = None
    loc: str = ""


@dataclass
class RelationRec:
    relation: str
    claim: str
    note: str | None = None
    loc: str = ""


@dataclass
class ClaimRec:
    key: str
    text: str
    kind: str
    tags: list[str] = field(default_factory=list)
    about: list[str] = field(default_factory=list)
    citations: list[CitationRec] = field(default_factory=list)
    relations: list[RelationRec] = field(default_factory=list)
    note: str | None = None
    curated: dict[str, str] = field(default_factory=dict)
    loc: str = ""


@dataclass
class PlaceRec:
    """Where a quote originates or was found: a source key and a locator."""

    source: str
    locator: str | None = None
    label: str | None = None


@dataclass
class QuoteRec:
    key: str
    text: str
    speaker: str | None = None
    origin: PlaceRec | None = None
    found_in: PlaceRec | None = None
    anchor: Anchor | None = None  # prefix/suffix around the quote's own text in found_in's text
    claims: list[str] = field(default_factory=list)
    language: str | None = None
    note: str | None = None
    curated: dict[str, str] = field(default_factory=dict)
    loc: str = ""


@dataclass
class DisputeRec:
    claim: str
    stance: str = "disputes"
    note: str | None = None
    loc: str = ""


@dataclass
class CommentRec:
    key: str
    text: str
    answers: str
    author: str | None = None
    author_label: str | None = None
    date: PartialDate | None = None
    source: str | None = None
    anchor: Anchor | None = None
    disputes: list[DisputeRec] = field(default_factory=list)
    note: str | None = None
    curated: dict[str, str] = field(default_factory=dict)
    loc: str = ""


@dataclass
class Dataset:
    people: list[PersonRec] = field(default_factory=list)
    sources: list[SourceRec] = field(default_factory=list)
    tags: list[TagRec] = field(default_factory=list)
    claims: list[ClaimRec] = field(default_factory=list)
    quotes: list[QuoteRec] = field(default_factory=list)
    comments: list[CommentRec] = field(default_factory=list)

    def count(self) -> int:
        return sum(
            len(x) for x in (self.people, self.sources, self.tags, self.claims, self.quotes, self.comments)
        )


# --------------------------------------------------------------------------------------------
# reading


class _Located(dict[str, Any]):
    line: int = 0


def _yaml_load(text: str, source_name: str) -> Any:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when PyYAML has it: ~10x faster

    class Loader(base):  # type: ignore[valid-type,misc]  # safe: no arbitrary objects, ever
        pass

    def construct_mapping(loader: Any, node: yaml.MappingNode) -> _Located:
        loader.flatten_mapping(node)
        result = _Located()
        result.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            where = f"{source_name}:{key_node.start_mark.line + 1}"
            if not isinstance(key, str):
                raise InputError(f"field names must be text, not {key!r}", location=where)
            if key in result:
                raise InputError(f"duplicate field '{key}' in one record", location=where)
            result[key] = loader.construct_object(value_node, deep=True)
        return result

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    loader = Loader(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise InputError(f"YAML syntax error: {problem}", location=f"{source_name}{line}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {str(exc).splitlines()[0]}", location=source_name) from None
    except RecursionError:
        raise InputError("nested too deeply to be a dataset", location=source_name) from None
    finally:
        loader.dispose()


class _Reader:
    """Typed access to one record's fields, with file:line in every error."""

    def __init__(self, source_name: str, record: Any, what: str, parent_line: int) -> None:
        line = getattr(record, "line", parent_line)
        self.loc = f"{source_name}:{line}" if line else source_name
        self.source_name = source_name
        self.what = what
        if not isinstance(record, dict):
            raise InputError(
                f"{what} must be a mapping of fields, not {_typename(record)}", location=self.loc
            )
        self.record: dict[str, Any] = record
        self.line = line
        self.seen: set[str] = set()

    def error(self, problem: str, fld: str | None = None) -> InputError:
        return InputError(problem, location=f"{self.loc}: {self.what}", field=fld)

    def text(self, name: str, *, required: bool = False, strip: bool = True) -> str | None:
        self.seen.add(name)
        value = self.record.get(name)
        if value is None:
            if required:
                raise self.error("is required", name)
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.error(f"must be text, not {_typename(value)}", name)
        text = str(value)
        if "\x00" in text:
            raise self.error("contains a NUL byte", name)
        if strip:
            text = text.strip()
        if required and not text:
            raise self.error("must not be empty", name)
        return text or None

    def req(self, name: str) -> str:
        value = self.text(name, required=True)
        assert value is not None
        return value

    def key(self, name: str = "key") -> str:
        value = self.req(name)
        if len(value) > MAX_KEY:
            raise self.error(f"is {len(value)} characters long; a key has at most {MAX_KEY}", name)
        if not KEY_RE.match(value):
            raise self.error(
                f"'{value}' is not a valid key (lowercase letters, digits, '.', '_' and '-')", name
            )
        return value

    def date_or_literal(self, name: str) -> tuple[PartialDate | None, str | None]:
        """A calendar date (YYYY[-MM[-DD]]), or any other date as written ("forthcoming", "c. 1920")."""
        value = self.record.get(name)
        if value is None or isinstance(value, dt.date | int) or re.fullmatch(r"[\d\s-]+", str(value).strip()):
            return self.date(name), None
        return None, self.text(name)

    def choice(
        self,
        name: str,
        allowed: tuple[str, ...] | frozenset[str],
        *,
        default: str | None = None,
        required: bool = False,
    ) -> str | None:
        value = self.text(name, required=required)
        if value is None:
            return default
        if value not in allowed:
            shown = (
                ", ".join(sorted(allowed)) if len(allowed) < 12 else "a CSL item type (book, chapter, ...)"
            )
            raise self.error(f"'{value}' is not one of: {shown}", name)
        return value

    def items(self, name: str) -> list[Any]:
        self.seen.add(name)
        value = self.record.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(f"must be a list, not {_typename(value)}", name)
        return value

    def keys(self, name: str) -> list[str]:
        out = []
        for item in self.items(name):
            if not isinstance(item, str) or not KEY_RE.match(item):
                raise self.error(f"every entry must be a key, not {item!r}", name)
            out.append(item)
        if len(set(out)) != len(out):
            raise self.error("lists the same key twice", name)
        return out

    def mapping(self, name: str) -> _Reader | None:
        self.seen.add(name)
        value = self.record.get(name)
        if value is None:
            return None
        return _Reader(self.source_name, value, f"{self.what}, {name}", self.line)

    def date(self, name: str) -> PartialDate | None:
        self.seen.add(name)
        value = self.record.get(name)
        if value is None:
            return None
        if isinstance(value, dt.date):
            return (value.year, value.month, value.day)
        text = str(value).strip()
        match = DATE_RE.match(text)
        if isinstance(value, bool) or not match:
            raise self.error(f"'{text}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", name)
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        try:
            dt.date(year or 1, month or 1, day or 1)
        except ValueError:
            raise self.error(f"'{text}' is not a real date", name) from None
        return (year, month, day)

    def curated(self) -> dict[str, str]:
        self.seen.add("curated")
        value = self.record.get("curated")
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
            raise self.error("must map field names to the basis for the curator's addition", "curated")
        unknown = set(value) - set(self.record) - {"issued", "date"}
        if unknown:
            raise self.error(
                f"marks fields the record does not have: {', '.join(sorted(unknown))}", "curated"
            )
        return {str(k): str(v).strip() for k, v in value.items()}

    def done(self) -> None:
        unknown = [name for name in self.record if name not in self.seen]
        if unknown:
            raise self.error(f"unknown field '{unknown[0]}'", None)


def _typename(value: Any) -> str:
    return {dict: "a mapping", _Located: "a mapping", list: "a list", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def _anchor(r: _Reader, name: str = "anchor", *, exact_allowed: bool = True) -> Anchor | None:
    sub = r.mapping(name)
    if sub is None:
        return None
    anchor = Anchor(
        exact=sub.text("exact", strip=False) if exact_allowed else None,
        prefix=sub.text("prefix", strip=False),
        suffix=sub.text("suffix", strip=False),
    )
    sub.done()
    if exact_allowed and not anchor.exact:
        raise sub.error("needs the exact text it points at", "exact")
    return anchor


def _place(r: _Reader, name: str) -> PlaceRec | None:
    sub = r.mapping(name)
    if sub is None:
        return None
    place = PlaceRec(source=sub.key("source"), locator=sub.text("locator"), label=sub.text("label"))
    sub.done()
    return place


def _person(r: _Reader) -> PersonRec:
    variants = []
    for item in r.items("variants"):
        v = _Reader(
            r.source_name, {"name": item} if isinstance(item, str) else item, f"{r.what}, variant", r.line
        )
        variants.append(
            NameRec(
                name=v.req("name"),
                kind=v.choice("kind", NAME_KINDS, default="variant") or "variant",
                scheme=v.text("scheme"),
                note=v.text("note"),
            )
        )
        v.done()
    return PersonRec(
        key=r.key(),
        name=r.req("name"),
        family=r.text("family"),
        given=r.text("given"),
        particle=r.text("particle"),
        native=r.text("native"),
        variants=variants,
        note=r.text("note"),
        curated=r.curated(),
        loc=r.loc,
    )


def _source(r: _Reader, base_dir: Path | None) -> SourceRec:
    issued, issued_literal = r.date_or_literal("issued")
    contributors = []
    for item in r.items("contributors"):
        c = _Reader(r.source_name, item, f"{r.what}, contributor", r.line)
        contributors.append(
            ContributorRec(
                person=c.key("person"), role=c.choice("role", CONTRIBUTOR_ROLES, default="author") or ""
            )
        )
        c.done()
    text = r.text("text", strip=False)
    text_file = r.text("text_file")
    if text is not None and text_file is not None:
        raise r.error("give either text or text_file, not both", "text_file")
    if text_file is not None:
        text = _read_text_file(r, text_file, base_dir)
    return SourceRec(
        key=r.key(),
        type=r.choice("type", CSL_TYPES, required=True) or "",
        title=r.text("title"),
        source_class=r.choice("class", SOURCE_CLASSES),
        genre=r.text("genre"),
        short_title=r.text("short_title"),
        container_title=r.text("container_title"),
        contributors=contributors,
        publisher=r.text("publisher"),
        place=r.text("place"),
        issued=issued,
        issued_literal=issued_literal,
        edition=r.text("edition"),
        volume=r.text("volume"),
        issue=r.text("issue"),
        pages=r.text("pages"),
        url=r.text("url"),
        isbn=r.text("isbn"),
        doi=r.text("doi"),
        language=r.text("language"),
        note=r.text("note"),
        text=text,
        curated=r.curated(),
        loc=r.loc,
    )


def _read_text_file(r: _Reader, name: str, base_dir: Path | None) -> str:
    path = Path(name)
    if base_dir is None or path.is_absolute() or ".." in path.parts:
        raise r.error(f"'{name}' must be a file name beside the dataset", "text_file")
    full = base_dir / path
    try:
        data = full.read_bytes()
    except OSError as exc:
        raise r.error(f"cannot read '{full}': {exc.strerror}", "text_file") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise r.error(f"'{full}' is not valid UTF-8 (byte {exc.start})", "text_file") from None


def _claim(r: _Reader) -> ClaimRec:
    citations = []
    for item in r.items("citations"):
        c = _Reader(r.source_name, item, f"{r.what}, citation", r.line)
        citations.append(
            CitationRec(
                source=c.key("source"),
                stance=c.choice("stance", STANCES, required=True) or "",
                locator=c.text("locator"),
                label=c.text("label"),
                anchor=_anchor(c),
                note=c.text("note"),
                loc=c.loc,
            )
        )
        c.done()
    relations = []
    for item in r.items("relations"):
        c = _Reader(r.source_name, item, f"{r.what}, relation", r.line)
        relations.append(
            RelationRec(
                relation=c.choice("relation", RELATIONS, required=True) or "",
                claim=c.key("claim"),
                note=c.text("note"),
                loc=c.loc,
            )
        )
        c.done()
    return ClaimRec(
        key=r.key(),
        text=r.req("text"),
        kind=r.choice("kind", CLAIM_KINDS, required=True) or "",
        tags=r.keys("tags"),
        about=r.keys("about"),
        citations=citations,
        relations=relations,
        note=r.text("note"),
        curated=r.curated(),
        loc=r.loc,
    )


def _quote(r: _Reader) -> QuoteRec:
    return QuoteRec(
        key=r.key(),
        text=r.req("text"),
        speaker=r.text("speaker"),
        origin=_place(r, "origin"),
        found_in=_place(r, "found_in"),
        anchor=_anchor(r, exact_allowed=False),
        claims=r.keys("claims"),
        language=r.text("language"),
        note=r.text("note"),
        curated=r.curated(),
        loc=r.loc,
    )


def _comment(r: _Reader) -> CommentRec:
    disputes = []
    for item in r.items("disputes"):
        c = _Reader(r.source_name, item, f"{r.what}, dispute", r.line)
        disputes.append(
            DisputeRec(
                claim=c.key("claim"),
                stance=c.choice("stance", COMMENT_STANCES, default="disputes") or "",
                note=c.text("note"),
                loc=c.loc,
            )
        )
        c.done()
    return CommentRec(
        key=r.key(),
        text=r.req("text"),
        answers=r.key("answers"),
        author=r.text("author"),
        author_label=r.text("author_label"),
        date=r.date("date"),
        source=r.text("source"),
        anchor=_anchor(r, exact_allowed=False),
        disputes=disputes,
        note=r.text("note"),
        curated=r.curated(),
        loc=r.loc,
    )


_SECTIONS: dict[str, tuple[str, Callable[..., Any]]] = {
    "people": ("person", _person),
    "sources": ("source", _source),
    "tags": (
        "tag",
        lambda r: TagRec(key=r.key(), label=r.req("label"), description=r.text("description"), loc=r.loc),
    ),
    "claims": ("claim", _claim),
    "quotes": ("quote", _quote),
    "comments": ("comment", _comment),
}


SECTION_OF = {
    "person": "people",
    "source": "sources",
    "tag": "tags",
    "claim": "claims",
    "quote": "quotes",
    "comment": "comments",
}


def parse_record(kind: str, record: dict[str, Any], *, source_name: str, base_dir: Path | None = None) -> Any:
    """One record of a kind (person, source, tag, claim, quote, comment), checked like a file's."""
    section = SECTION_OF[kind]
    what, build = _SECTIONS[section]
    reader = _Reader(source_name, record, f"{what} {record.get('key') or ''}".strip(), 0)
    rec = build(reader, base_dir) if section == "sources" else build(reader)
    reader.done()
    return rec


def parse(text: str, *, source_name: str, base_dir: Path | None = None) -> Dataset:
    """Read and check a dataset file's text.  Raises InputError naming file:line and field."""
    if not text.strip():
        raise InputError("the file is empty", location=source_name)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError("contains a NUL byte", location=f"{source_name}:{line}")
    data = _yaml_load(text, source_name)
    if not isinstance(data, dict):
        raise InputError(
            f"a dataset is a mapping with the sections {', '.join(_SECTIONS)}; found {_typename(data)}",
            location=source_name,
        )
    version = data.get("refdb")
    if version != FORMAT_VERSION:
        raise InputError(
            f"missing or unknown format marker 'refdb: {version}'; this refdb reads 'refdb: {FORMAT_VERSION}'",
            location=f"{source_name}:{getattr(data, 'line', 1)}",
        )
    unknown = [name for name in data if name not in _SECTIONS and name != "refdb"]
    if unknown:
        raise InputError(
            f"unknown section '{unknown[0]}'; the sections are: {', '.join(_SECTIONS)}", location=source_name
        )
    dataset = Dataset()
    for section, (what, build) in _SECTIONS.items():
        items = data.get(section) or []
        if not isinstance(items, list):
            raise InputError(f"section '{section}' must be a list", location=source_name)
        seen: dict[str, str] = {}
        out = getattr(dataset, section)
        for index, item in enumerate(items, start=1):
            key = item.get("key") if isinstance(item, dict) else None
            reader = _Reader(source_name, item, f"{what} {key or f'#{index}'}", getattr(data, "line", 1))
            record = build(reader, base_dir) if section == "sources" else build(reader)
            reader.done()
            if record.key in seen:
                raise InputError(
                    f"duplicate {what} key '{record.key}' (first at {seen[record.key]})", location=reader.loc
                )
            seen[record.key] = reader.loc
            out.append(record)
    return dataset


# --------------------------------------------------------------------------------------------
# writing


def _date_text(date: PartialDate | None) -> str | None:
    if date is None:
        return None
    year, month, day = date
    out = f"{year:04d}"
    if month:
        out += f"-{month:02d}"
        if day:
            out += f"-{day:02d}"
    return out


def _clean(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return {k: v for k, v in pairs if v not in (None, [], {}, "")}


def _anchor_out(anchor: Anchor | None) -> dict[str, Any] | None:
    if anchor is None:
        return None
    return _clean([("exact", anchor.exact), ("prefix", anchor.prefix), ("suffix", anchor.suffix)]) or None


def _place_out(place: PlaceRec | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return _clean([("source", place.source), ("locator", place.locator), ("label", place.label)])


def to_plain(dataset: Dataset) -> dict[str, Any]:
    """The dataset as plain dicts and lists in the file's field order, records sorted by key."""

    def by_key(records: list[Any]) -> list[Any]:
        return sorted(records, key=lambda rec: rec.key)

    people = [
        _clean(
            [
                ("key", p.key),
                ("name", p.name),
                ("family", p.family),
                ("given", p.given),
                ("particle", p.particle),
                ("native", p.native),
                (
                    "variants",
                    [
                        _clean([("name", v.name), ("kind", v.kind), ("scheme", v.scheme), ("note", v.note)])
                        for v in p.variants
                    ],
                ),
                ("note", p.note),
                ("curated", dict(sorted(p.curated.items()))),
            ]
        )
        for p in by_key(dataset.people)
    ]
    sources = [
        _clean(
            [
                ("key", s.key),
                ("type", s.type),
                ("class", s.source_class),
                ("genre", s.genre),
                ("title", s.title),
                ("short_title", s.short_title),
                ("container_title", s.container_title),
                ("contributors", [_clean([("person", c.person), ("role", c.role)]) for c in s.contributors]),
                ("publisher", s.publisher),
                ("place", s.place),
                ("issued", _date_text(s.issued) or s.issued_literal),
                ("edition", s.edition),
                ("volume", s.volume),
                ("issue", s.issue),
                ("pages", s.pages),
                ("url", s.url),
                ("isbn", s.isbn),
                ("doi", s.doi),
                ("language", s.language),
                ("note", s.note),
                ("curated", dict(sorted(s.curated.items()))),
                ("text", s.text),
            ]
        )
        for s in by_key(dataset.sources)
    ]
    tags = [
        _clean([("key", t.key), ("label", t.label), ("description", t.description)])
        for t in by_key(dataset.tags)
    ]
    claims = [
        _clean(
            [
                ("key", c.key),
                ("kind", c.kind),
                ("text", c.text),
                ("tags", sorted(c.tags)),
                ("about", c.about),
                (
                    "citations",
                    [
                        _clean(
                            [
                                ("source", x.source),
                                ("stance", x.stance),
                                ("locator", x.locator),
                                ("label", x.label),
                                ("anchor", _anchor_out(x.anchor)),
                                ("note", x.note),
                            ]
                        )
                        for x in c.citations
                    ],
                ),
                (
                    "relations",
                    [
                        _clean([("relation", x.relation), ("claim", x.claim), ("note", x.note)])
                        for x in sorted(c.relations, key=lambda x: (x.claim, x.relation))
                    ],
                ),
                ("note", c.note),
                ("curated", dict(sorted(c.curated.items()))),
            ]
        )
        for c in by_key(dataset.claims)
    ]
    quotes = [
        _clean(
            [
                ("key", q.key),
                ("text", q.text),
                ("speaker", q.speaker),
                ("origin", _place_out(q.origin)),
                ("found_in", _place_out(q.found_in)),
                ("anchor", _anchor_out(q.anchor)),
                ("claims", sorted(q.claims)),
                ("language", q.language),
                ("note", q.note),
                ("curated", dict(sorted(q.curated.items()))),
            ]
        )
        for q in by_key(dataset.quotes)
    ]
    comments = [
        _clean(
            [
                ("key", c.key),
                ("text", c.text),
                ("author", c.author),
                ("author_label", c.author_label),
                ("date", _date_text(c.date)),
                ("answers", c.answers),
                ("source", c.source),
                ("anchor", _anchor_out(c.anchor)),
                (
                    "disputes",
                    [
                        _clean([("claim", d.claim), ("stance", d.stance), ("note", d.note)])
                        for d in sorted(c.disputes, key=lambda d: d.claim)
                    ],
                ),
                ("note", c.note),
                ("curated", dict(sorted(c.curated.items()))),
            ]
        )
        for c in by_key(dataset.comments)
    ]
    return {
        "refdb": FORMAT_VERSION,
        "people": people,
        "sources": sources,
        "tags": tags,
        "claims": claims,
        "quotes": quotes,
        "comments": comments,
    }


def dumps(dataset: Dataset) -> str:
    """The dataset as YAML: stable field order, records sorted by key, long texts as blocks."""
    import yaml

    class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
        pass

    def represent_str(dumper: Any, value: str) -> Any:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, represent_str)
    header = "# refdb dataset — see README.md, 'The dataset format'\n"
    body = yaml.dump(
        to_plain(dataset),
        Dumper=Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )
    return header + body

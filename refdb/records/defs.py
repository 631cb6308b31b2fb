"""Every dataset record, declared once.

The field order of each class is the order a dump writes.  A field's Python name is its name in
the file unless ``name=`` says otherwise (``class``).  Types carry their own checks (``Key``'s
pattern, the vocabulary's ``Literal``s); rules that span fields are in ``__post_init__`` and
raise ``ValueError("field 'F': problem")``, which the reader reports with the file and line.

Text fields hold text as written: the reader strips surrounding white space (``Text``) except
where a field is marked verbatim (anchors, a source's full text), turns an empty optional value
into "absent", and accepts a number where text is expected (``locator: 159``).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import msgspec

from refdb import dates
from refdb.dates import PartialDate
from refdb.vocab import (
    ClaimKind,
    CommentStance,
    ContributorRole,
    CslType,
    LocatorLabel,
    NameKind,
    Relation,
    SourceClass,
    Stance,
)

KEY_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
MAX_KEY = 200

Key = Annotated[
    str,
    msgspec.Meta(
        pattern=KEY_PATTERN,
        max_length=MAX_KEY,
        description="a key: lowercase letters, digits, '.', '_' and '-'",
        extra={"kind": "key"},
    ),
]
# text as written; a number is read as its text (``pages: 159``)
Text = Annotated[str, msgspec.Meta(extra_json_schema={"x-accepts": ["string", "number"]})]
# text kept exactly, white space included: anchors and a source's full text
Verbatim = Annotated[str, msgspec.Meta(extra={"verbatim": True})]
CalendarDate = Annotated[
    str,
    msgspec.Meta(
        pattern=dates.DATE_RE.pattern,
        description="YYYY, YYYY-MM or YYYY-MM-DD",
        extra_json_schema={"x-accepts": ["string", "integer"]},
        extra={"kind": "date"},
    ),
]
IssuedDate = Annotated[
    str,
    msgspec.Meta(
        description="YYYY, YYYY-MM or YYYY-MM-DD; an EDTF range (1942/1943), approximate (1942~, "
        "'c. 1942') or uncertain (1942?) date; or forthcoming, in press, n.d.",
        extra_json_schema={"x-accepts": ["string", "integer"]},
        extra={"kind": "issued"},
    ),
]
Curated = Annotated[
    dict[str, Annotated[str, msgspec.Meta(min_length=1)]],
    msgspec.Meta(
        description="field name -> the basis for a value the curator added that the source does not state"
    ),
]


def partial_date(text: str | None) -> PartialDate | None:
    """A calendar date (``YYYY[-MM[-DD]]``) as (year, month, day); None for a date as written."""
    if text is None or not dates.looks_like_calendar_date(text):
        return None
    return dates.parse_partial(text)


date_text = dates.format_partial


def _check_calendar(name: str, text: str, *, literal_allowed: bool) -> None:
    """A calendar-like date must be a real one; a date as written is refused unless allowed."""
    if literal_allowed and not dates.looks_like_calendar_date(text):
        return
    try:
        dates.parse_partial(text)
    except dates.DateError as exc:
        raise ValueError(f"field '{name}': {exc}") from None


class Record(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, dict=True):
    """A record of the dataset format.  ``loc`` is where it was read (``file:line``), not a field."""

    @property
    def loc(self) -> str:
        return str(self.__dict__.get("_loc", ""))

    @loc.setter
    def loc(self, value: str) -> None:
        self.__dict__["_loc"] = value

    def _unique(self, *names: str) -> None:
        for name in names:
            values = getattr(self, name)
            if len(set(values)) != len(values):
                raise ValueError(f"field '{name}': lists the same key twice")

    def _curated_fields_exist(self) -> None:
        curated: dict[str, str] | None = getattr(self, "curated", None)
        if not curated:
            return
        present = {
            f.encode_name
            for f in msgspec.structs.fields(self)
            if getattr(self, f.name) not in (None, [], {}, "")
        }
        unknown = set(curated) - present - {"issued", "date"}
        if unknown:
            raise ValueError(
                f"field 'curated': marks fields the record does not have: {', '.join(sorted(unknown))}"
            )


class Anchor(Record, kw_only=True):
    """A W3C TextQuoteSelector: the exact text, with enough context on each side to be unique."""

    exact: Verbatim
    prefix: Verbatim | None = None
    suffix: Verbatim | None = None


class Context(Record, kw_only=True):
    """Where a quote or comment stands in a text: the words just before and after it (its own text
    is the exact part)."""

    prefix: Verbatim | None = None
    suffix: Verbatim | None = None


class NameRec(Record, kw_only=True):
    name: Text
    kind: NameKind = "variant"
    scheme: Text | None = None
    note: Text | None = None


class PersonRec(Record, kw_only=True):
    key: Key
    name: Text
    family: Text | None = None
    given: Text | None = None
    particle: Text | None = None
    native: Text | None = None
    variants: Annotated[
        list[NameRec],
        msgspec.Meta(
            description="other spellings; a bare name is a variant of kind 'variant'",
            extra_json_schema={"items": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/NameRec"}]}},
            extra={"shorthand": "name"},
        ),
    ] = []
    note: Text | None = None
    curated: Curated = {}

    def __post_init__(self) -> None:
        self._curated_fields_exist()


class ContributorRec(Record, kw_only=True):
    person: Key
    role: ContributorRole = "author"


class SourceRec(Record, kw_only=True):
    key: Key
    type: CslType
    source_class: SourceClass | None = msgspec.field(default=None, name="class")
    genre: Text | None = None
    title: Text | None = None  # untitled works exist (a DOI-only RIS record)
    short_title: Text | None = None
    container_title: Text | None = None
    contributors: list[ContributorRec] = []
    publisher: Text | None = None
    place: Text | None = None
    issued: IssuedDate | None = None
    edition: Text | None = None
    volume: Text | None = None
    issue: Text | None = None
    pages: Text | None = None
    url: Text | None = None
    accessed: Annotated[CalendarDate | None, msgspec.Meta(description="when the URL was read")] = None
    isbn: Text | None = None
    issn: Text | None = None
    doi: Text | None = None
    archive: Annotated[Text | None, msgspec.Meta(description="the archive holding the document")] = None
    archive_place: Annotated[Text | None, msgspec.Meta(description="where the archive is")] = None
    archive_location: Annotated[
        Text | None,
        msgspec.Meta(
            description="its place in the archive as the archive writes it (fond, opis', delo, list)"
        ),
    ] = None
    language: Annotated[Text | None, msgspec.Meta(description="a BCP 47 language code (ru, en-GB)")] = None
    abstract: Text | None = None
    keywords: Annotated[Text | None, msgspec.Meta(description="the library's keywords, comma-separated")] = (
        None
    )
    note: Text | None = None
    aliases: Annotated[
        list[Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_KEY)]],
        msgspec.Meta(
            description="other citation keys that name this source (an imported key kept as written)"
        ),
    ] = []
    curated: Curated = {}
    text: Annotated[
        Verbatim | None,
        msgspec.Meta(description="the full text, when the database holds it; anchors are checked against it"),
    ] = None
    text_file: Annotated[
        Text | None, msgspec.Meta(description="or: a UTF-8 file beside the dataset holding the text")
    ] = None

    def __post_init__(self) -> None:
        if self.text is not None and self.text_file is not None:
            raise ValueError("field 'text_file': give either text or text_file, not both")
        if self.issued is not None:  # a calendar date, an EDTF range or qualifier, or a word (dates.py)
            try:
                self.issued = dates.normalize_issued(self.issued)
            except dates.DateError as exc:
                raise ValueError(f"field 'issued': {exc}") from None
        if self.accessed is not None:
            _check_calendar("accessed", self.accessed, literal_allowed=False)
        self._unique("aliases")
        self._curated_fields_exist()

    @property
    def issued_date(self) -> PartialDate | None:
        return partial_date(self.issued)

    @property
    def issued_literal(self) -> str | None:
        """The date when it is not a calendar date: EDTF (``1942/1943``, ``1942~``) or a word."""
        return self.issued if self.issued is not None and partial_date(self.issued) is None else None


class TagRec(Record, kw_only=True):
    key: Key
    label: Text
    description: Text | None = None


class CitationRec(Record, kw_only=True):
    source: Key
    stance: Stance
    locator: Text | None = None
    label: LocatorLabel | None = None  # CSL's locator labels; none: a page
    anchor: Anchor | None = None
    note: Text | None = None


class RelationRec(Record, kw_only=True):
    relation: Relation
    claim: Key
    note: Text | None = None


class ClaimRec(Record, kw_only=True):
    key: Key
    kind: ClaimKind
    text: Text
    tags: list[Key] = []
    about: list[Key] = []  # people the claim is about
    citations: list[CitationRec] = []  # in order; the first is the first footnote
    relations: list[RelationRec] = []
    note: Text | None = None
    curated: Curated = {}

    def __post_init__(self) -> None:
        self._unique("tags", "about")
        for relation in self.relations:
            if relation.claim == self.key:
                raise ValueError(f"a claim cannot be related to itself ({relation.relation})")
        self._curated_fields_exist()


class PlaceRec(Record, kw_only=True):
    """Where a quote originates or was found: a source key and a locator."""

    source: Key
    locator: Text | None = None
    label: LocatorLabel | None = None  # CSL's locator labels; none: a page


class QuoteRec(Record, kw_only=True):
    key: Key
    text: Text  # verbatim, typography included
    speaker: Text | None = None
    origin: PlaceRec | None = None  # the work the words come from
    found_in: PlaceRec | None = None  # where they were read
    anchor: Context | None = None  # the context around the quote's own text in found_in's text
    claims: list[Key] = []
    language: Text | None = None
    note: Text | None = None
    curated: Curated = {}

    def __post_init__(self) -> None:
        self._unique("claims")
        if self.anchor is not None and self.found_in is None:
            raise ValueError("field 'anchor': an anchor needs found_in")
        self._curated_fields_exist()


class DisputeRec(Record, kw_only=True):
    claim: Key
    stance: CommentStance = "disputes"
    note: Text | None = None


class CommentRec(Record, kw_only=True):
    key: Key
    text: Text
    author: Text | None = None  # a person key
    author_label: Text | None = None  # or a description of the author
    date: CalendarDate | None = None
    answers: Key  # the source the comment answers
    source: Text | None = None  # its own bibliographic record, to cite it
    anchor: Context | None = None
    disputes: list[DisputeRec] = []
    note: Text | None = None
    curated: Curated = {}

    def __post_init__(self) -> None:
        if self.date is not None:
            _check_calendar("date", self.date, literal_allowed=False)
        self._curated_fields_exist()

    @property
    def date_parts(self) -> PartialDate | None:
        return partial_date(self.date)


class ChangeEntryRec(Record, kw_only=True):
    """One record a change touched: its dataset form before (empty when added) and after (empty
    when removed)."""

    kind: Literal["person", "source", "tag", "claim", "quote", "comment"]
    key: Key
    old_key: Key | None = None  # the key before, when the change renamed the record
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class ChangeRec(Record, kw_only=True):
    """One change of the history (``refdb history``): who, when, what, each record before and after."""

    id: Annotated[int, msgspec.Meta(ge=1)]
    at: Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", description="UTC")]
    actor: Text
    action: Text
    records: list[ChangeEntryRec] = []


class Dataset(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A whole database: six sections, each a list of records with unique keys, and the history of
    changes (not records: kept in order, absent when empty)."""

    refdb: Annotated[int, msgspec.Meta(ge=1, le=1, description="the format's version: 1")] = 1
    people: list[PersonRec] = []
    sources: list[SourceRec] = []
    tags: list[TagRec] = []
    claims: list[ClaimRec] = []
    quotes: list[QuoteRec] = []
    comments: list[CommentRec] = []
    history: list[ChangeRec] = []

    SECTIONS: ClassVar[tuple[str, ...]] = ("people", "sources", "tags", "claims", "quotes", "comments")

    def count(self) -> int:
        return sum(len(getattr(self, s)) for s in self.SECTIONS)


# the kinds of keyed record, in the order a load writes them (references point backwards)
RECORDS: dict[str, type[Record]] = {
    "person": PersonRec,
    "source": SourceRec,
    "tag": TagRec,
    "claim": ClaimRec,
    "quote": QuoteRec,
    "comment": CommentRec,
}
SECTION_OF = dict(zip(RECORDS, Dataset.SECTIONS, strict=True))
KIND_OF = {section: kind for kind, section in SECTION_OF.items()}


# -- what authoring derives from the definition -----------------------------------------------------


def _type_info(cls: type[Record]) -> Any:
    return msgspec.inspect.type_info(cls)


def bare(t: Any) -> Any:
    """A msgspec type without its ``Meta`` wrapper (and an optional type's members likewise)."""
    inspect = msgspec.inspect
    if isinstance(t, inspect.Metadata):
        return bare(t.type)
    if isinstance(t, inspect.UnionType):
        return inspect.UnionType(types=tuple(bare(x) for x in t.types))
    if isinstance(t, inspect.ListType):
        return inspect.ListType(item_type=bare(t.item_type), min_length=t.min_length, max_length=t.max_length)
    return t


def _is_struct_or_structs(t: Any) -> bool:
    inspect = msgspec.inspect
    t = bare(t)
    if isinstance(t, inspect.UnionType):
        return any(_is_struct_or_structs(x) for x in t.types)
    if isinstance(t, inspect.ListType):
        return isinstance(t.item_type, inspect.StructType)
    return isinstance(t, inspect.StructType)


def nested_fields(kind: str) -> set[str]:
    """Fields holding records of their own (citations, variants, an anchor): set by the link commands."""
    return {f.encode_name for f in _type_info(RECORDS[kind]).fields if _is_struct_or_structs(f.type)}


def key_list_fields(kind: str) -> set[str]:
    """Fields that are lists of keys (``tags``, ``about``, ``claims``)."""
    inspect = msgspec.inspect
    return {
        f.encode_name
        for f in _type_info(RECORDS[kind]).fields
        if isinstance(bare(f.type), inspect.ListType) and isinstance(bare(f.type).item_type, inspect.StrType)
    }


def editable_fields(kind: str) -> set[str]:
    """The fields ``refdb edit --set`` may change: every field but the nested records and the curation."""
    names = {f.encode_name for f in _type_info(RECORDS[kind]).fields}
    return names - nested_fields(kind) - {"curated", "text_file"}


def required_fields(kind: str) -> set[str]:
    return {f.encode_name for f in _type_info(RECORDS[kind]).fields if f.required} - {"key"}

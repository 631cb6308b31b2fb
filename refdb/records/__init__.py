"""The one definition of every record refdb holds (``defs``), and what derives from it.

``defs`` declares each dataset record as a msgspec ``Struct``: the declared types are the
validation, the cross-field rules live in each record's ``__post_init__``, and from the same
classes come the published JSON Schema (``schema``), the dataset file's reader and writer
(``refdb.formats.dataset``), the writer's column mapping (``refdb.services.store``), the
authoring commands' editable fields and the generator's records.  Adding a field to a record
means: its line here, the model and its migration, and each interchange format's mapping.

Like ``formats/``, this package is pure: no SQLAlchemy, models, services or CLI.
"""

from refdb.records.defs import (
    KIND_OF,
    RECORDS,
    SECTION_OF,
    Anchor,
    ChangeEntryRec,
    ChangeRec,
    CitationRec,
    ClaimRec,
    CommentRec,
    Context,
    ContributorRec,
    Dataset,
    DisputeRec,
    NameRec,
    PersonRec,
    PlaceRec,
    QuoteRec,
    Record,
    RelationRec,
    SourceRec,
    TagRec,
    editable_fields,
    key_list_fields,
    nested_fields,
    required_fields,
)

__all__ = [
    "KIND_OF", "RECORDS", "SECTION_OF", "Anchor", "ChangeEntryRec", "ChangeRec", "CitationRec", "ClaimRec", "CommentRec", "Context",
    "ContributorRec", "Dataset", "DisputeRec", "NameRec", "PersonRec", "PlaceRec", "QuoteRec", "Record",
    "RelationRec", "SourceRec", "TagRec", "editable_fields", "key_list_fields", "nested_fields",
    "required_fields",
]  # fmt: skip

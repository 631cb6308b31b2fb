"""SQLAlchemy 2 typed models: the one source of truth for the schema."""

from refdb.models.base import Base
from refdb.models.claims import Citation, Claim, ClaimRelation, ClaimSubject, ClaimTag, Tag
from refdb.models.comments import Comment, CommentClaim
from refdb.models.digests import DigestEpoch, RecordDigest
from refdb.models.history import Change, ChangeRecord
from refdb.models.people import NameWord, Person, PersonName
from refdb.models.provenance import Curation
from refdb.models.quotes import Quote, QuoteClaim
from refdb.models.sources import Contributor, Source, SourceAlias, TitleWord
from refdb.models.users import SignInFailure, User

# the records that have a key, by the kind name users and the dataset format use
KEYED: dict[str, type[Base]] = {
    "person": Person, "source": Source, "tag": Tag, "claim": Claim, "quote": Quote, "comment": Comment,
}  # fmt: skip

__all__ = [
    "KEYED",
    "Base",
    "Change",
    "ChangeRecord",
    "Citation",
    "Claim",
    "ClaimRelation",
    "ClaimSubject",
    "ClaimTag",
    "Comment",
    "CommentClaim",
    "Contributor",
    "Curation",
    "DigestEpoch",
    "NameWord",
    "Person",
    "PersonName",
    "Quote",
    "QuoteClaim",
    "RecordDigest",
    "SignInFailure",
    "Source",
    "SourceAlias",
    "Tag",
    "TitleWord",
    "User",
]

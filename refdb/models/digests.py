"""What a re-load may skip: the digest of each record's text as it was last loaded.

``record_digest`` holds, per record, the digest of the exact text its record had in the dataset
file it was last loaded from; ``digest_epoch`` is one row whose number every digest carries.  A
digest counts only while its epoch is the current one: any write that is not a streamed load (an
edit, a removal, an import, a copy, a migration) raises the epoch when it commits, so after it no
digest counts until the next load stores them again (``refdb.db.digests``).  The table is a cache:
emptying it loses nothing but speed.
"""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from refdb.models.base import Base


class RecordDigest(Base):
    __tablename__ = "record_digest"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(32), index=True)
    epoch: Mapped[int] = mapped_column(Integer)


class DigestEpoch(Base):
    __tablename__ = "digest_epoch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    epoch: Mapped[int] = mapped_column(Integer)

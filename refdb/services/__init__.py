"""Use cases: queries and writes.  They take a Session, flush but never commit, and return plain records."""

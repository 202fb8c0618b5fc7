"""The case store: one SQLite (or SQLCipher) file per case.

``store.connection`` is imported first: it points sqlite-utils at the SQLCipher driver before
anything else imports sqlite-utils.
"""
from store.connection import Case, open_case, side_files  # noqa: I001  (must come first)
from store.schema import SCHEMA_VERSION

__all__ = ["Case", "open_case", "side_files", "SCHEMA_VERSION"]

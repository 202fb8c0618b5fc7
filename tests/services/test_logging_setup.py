"""The product log: a private rotating file in CASELENS_HOME/logs with the product's messages only."""
from __future__ import annotations

import logging

from services.logging_setup import setup_logging


def test_the_log_is_private_and_takes_product_messages_only(caselens_home):
    path = setup_logging()
    assert path.parent == caselens_home / "logs"
    assert path.stat().st_mode & 0o077 == 0
    logging.getLogger("services.importing").info("import: 2 files, 2 stored")
    logging.getLogger("pypdf").warning("third-party message quoting input")
    text = path.read_text(encoding="utf-8")
    assert "import: 2 files, 2 stored" in text
    assert "quoting input" not in text
    again = setup_logging()
    logging.getLogger("services.importing").info("once")
    assert again.read_text(encoding="utf-8").count("once") == 1

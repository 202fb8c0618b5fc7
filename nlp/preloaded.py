"""The pipeline, loaded as this module is imported.

``services.extraction`` names this module for its worker processes' *forkserver* to import: the
forkserver loads the model once, and every worker forked from it starts with the model already
in memory (shared, copy-on-write) instead of paying a second or two to load its own.

If the pipeline cannot be built here the forkserver must still start (an error while it imports
this module would stop it, and the pool with it, with no useful message): each worker then tries
again and reports the error with its first batch (``nlp.workers``).
"""
from nlp.pipeline import load_pipeline

try:
    PIPELINE = load_pipeline()
except Exception:  # reported by the workers, which try again
    PIPELINE = None

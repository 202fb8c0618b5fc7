"""The pipeline, loaded as this module is imported.

``services.extraction`` names this module for its worker processes' *forkserver* to import: the
forkserver loads the model once, and every worker forked from it starts with the model already
in memory (shared, copy-on-write) instead of paying a second or two to load its own.
"""
from nlp.pipeline import load_pipeline

PIPELINE = load_pipeline()

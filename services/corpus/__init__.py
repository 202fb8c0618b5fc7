"""The synthetic case generator: realistic UK children's social care case notes with exact gold.

``generate_case`` writes one case in every export format plus ``gold.json`` (see docs/corpus.md);
``build_case`` gives the same case in memory.
"""
from __future__ import annotations

from services.corpus.generate import CaseNote, GeneratedCase, build_case
from services.corpus.writers import generate_case

__all__ = ["CaseNote", "GeneratedCase", "build_case", "generate_case"]

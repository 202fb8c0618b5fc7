"""The demo case a newcomer sees: a generated case, imported and extracted on first run."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from services.paths import caselens_home

DEMO_FILE = "demo.caselens"
DEMO_NOTES = 200
DEMO_SEED = 7


def ensure_demo_case(home: Path | None = None) -> Path:
    """Return ``$CASELENS_HOME/demo.caselens`` (or ``home/demo.caselens``), building it first
    when it does not exist: a generated case of ``DEMO_NOTES`` notes imported through the real
    import service with extraction. It is built aside and moved into place whole, so an
    interrupted first run never leaves a half-built demo behind."""
    from services.corpus import generate_case
    from services.importing import import_files

    folder = Path(home) if home is not None else caselens_home()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / DEMO_FILE
    if target.exists():
        return target
    work = Path(tempfile.mkdtemp(prefix="demo-", dir=folder))
    try:
        case_dir = generate_case(work / "generated", notes=DEMO_NOTES, seed=DEMO_SEED)
        building = work / DEMO_FILE
        report = import_files(building, [case_dir / "case.csv"], extract=True)
        if report.refused:
            reasons = "; ".join(str(f.error) for f in report.refused)
            raise RuntimeError(f"the demo case could not be built: {reasons}")
        os.replace(building, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target

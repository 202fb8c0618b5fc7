"""Starting the app: ``run`` is what ``python main.py [CASE]`` and ``main.py gui`` call."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from desktop import workers
from desktop.failures import install_error_hook
from desktop.main_window import VIEWS, MainWindow
from desktop.settings import Settings
from errors import CaseLensError
from store import Case, open_case

SCREENSHOT_SIZE = (1400, 900)

STYLE_SHEET = """
QWidget { color: #1f2d3d; }
QMainWindow, QStackedWidget > QWidget { background: #ffffff; }
#caseBar { background: #eaf1f8; border-bottom: 1px solid #c9d6e3; }
#caseChild { font-size: 13pt; }
#caseFacts { color: #3d4b5c; }
#processing { background: #fff4ce; color: #6b4e00; padding: 4px 8px; border-radius: 4px; }
#navigation { background: #f4f6f8; border: none; border-right: 1px solid #d8dee4; padding-top: 6px; font-size: 11pt; }
#navigation::item { padding: 9px 14px; border-left: 3px solid transparent; }
#navigation::item:selected { background: #ffffff; color: #1a5fb4; border-left: 3px solid #1a5fb4; font-weight: bold; }
#navigation::item:hover:!selected { background: #e9edf1; }
#filterStatus { color: #3d4b5c; padding: 2px 0; }
#sectionTitle { font-weight: bold; }
#muted, #legend { color: #5f6b76; }
#startTitle { font-size: 24pt; font-weight: bold; color: #1a5fb4; }
QTableView, QTreeWidget { gridline-color: #e5e9ee; selection-background-color: #cfe3fb; selection-color: #111; }
QTableView::item, QTreeWidget::item { padding: 2px 4px; }
QHeaderView::section { background: #f4f6f8; border: none; border-bottom: 1px solid #d8dee4;
                       border-right: 1px solid #e5e9ee; padding: 4px 6px; font-weight: bold; }
QToolBar { border: none; spacing: 4px; }
QToolBar QToolButton { border: 1px solid #c9d3dd; border-radius: 4px; padding: 3px 8px; background: #fbfcfd; }
QToolBar QToolButton:hover { background: #eef4fb; }
QToolBar QToolButton:disabled { color: #9aa5b1; }
QDockWidget::title { background: #f4f6f8; padding: 6px; font-weight: bold; }
"""


def _ensure_demo_case() -> Path:
    """The demo case, generated (and extracted) on first run."""
    from services.demo import ensure_demo_case

    return Path(ensure_demo_case())


def _open(case_path: Path) -> Case:
    passphrase = os.environ.get("CASELENS_PASSPHRASE") or None
    return open_case(case_path, passphrase=passphrase)


def _wait_until_populated(window: MainWindow, timeout_ms: int = 15000) -> None:
    """Let layouts, the views' queries and any refresh timers settle before grabbing."""
    loop = QEventLoop()
    QTimer.singleShot(400, loop.quit)
    loop.exec()
    deadline = timeout_ms
    while deadline > 0 and window.import_run is not None and not window.import_run.finished:
        QTimer.singleShot(100, loop.quit)
        loop.exec()
        deadline -= 100
    QCoreApplication.processEvents()


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName("CaseLens")
        QCoreApplication.setApplicationName("CaseLens")
        app = QApplication(sys.argv[:1])
        app.setStyle("Fusion")
        app.setStyleSheet(STYLE_SHEET)
    return app


def _has_display() -> bool:
    """Whether Qt can open a window here (Linux without X11/Wayland cannot, unless told to draw
    offscreen; other systems always have a screen)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(case_path: Path | None, screenshot: Path | None = None, view: str = "summary") -> int:
    """Open the app on ``case_path`` (the demo case, or a start screen, when None).

    With ``screenshot`` the window opens at 1400×900, waits until ``view`` is populated,
    saves a PNG there and returns 0 without entering the event loop; 2 when the case cannot
    be opened (an encrypted case takes ``CASELENS_PASSPHRASE``).
    """
    if view not in {name for name, _title, _key in VIEWS}:
        print(f"Unknown view {view!r}: choose one of {', '.join(v[0] for v in VIEWS)}.", file=sys.stderr)
        return 2
    if screenshot is not None and QApplication.instance() is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a screenshot never needs (or shows) a screen
    elif screenshot is None and not _has_display():
        print("CaseLens needs a desktop session to open its window, and none was found (no DISPLAY or "
              "WAYLAND_DISPLAY). Run it from the desktop, or use a command such as `python main.py info` "
              "or `gui --screenshot`.", file=sys.stderr)
        return 2
    app = application()
    if screenshot is None:
        install_error_hook()
    settings = Settings()
    if case_path is None and screenshot is not None:
        try:
            case_path = _ensure_demo_case()
        except CaseLensError as error:
            print(str(error), file=sys.stderr)
            return 2
    case: Case | None = None
    if case_path is not None and screenshot is not None:
        try:
            case = _open(Path(case_path))
        except CaseLensError as error:
            print(str(error), file=sys.stderr)
            return 2
    window = MainWindow(settings, preload_language_model=screenshot is None, remember_layout=screenshot is None)
    if screenshot is not None:
        window.resize(*SCREENSHOT_SIZE)
        window.set_case(case, os.environ.get("CASELENS_PASSPHRASE") or None)
        window.show()
        window.show_view(view)
        if view == "chronology" and window.chronology.model.ids:
            window.chronology.select_event(window.chronology.model.ids[0])
        _wait_until_populated(window)
        if view == "timeline":
            window.timeline.canvas.fit()
            _wait_until_populated(window)
        screenshot = Path(screenshot)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        saved = window.grab().save(str(screenshot), "PNG")
        window.close()
        if not saved:
            print(f"The screenshot could not be written to {screenshot}.", file=sys.stderr)
            return 1
        return 0
    window.show()
    open_first(window, None if case_path is None else Path(case_path), view)
    return app.exec()


def open_first(window: MainWindow, path: Path | None, view: str = "summary") -> None:
    """What the app shows first: the case named, or, for an export file, a new case (through
    the New case dialog) that it is imported into; the demo case when nothing is named."""
    if path is None:
        _open_demo_in_background(window)
    elif path.suffix != ".caselens" and path.is_file():
        window.show_case(None)
        window.import_paths([path])
    elif window.open_path(path):
        window.show_view(view if view != "summary" else window.settings.get("last_view"))
    else:
        window.show_case(None)


def _open_demo_in_background(window: MainWindow) -> None:
    """With no case named: open the demo case, building it first (in the background, the
    start screen showing) when this is the first run."""
    from services.paths import demo_case_path

    if demo_case_path().exists():
        window.open_path(demo_case_path())
        return
    window.start_page.set_message("Preparing the demo case (first run only)… You can open or import your own case now.")
    window.statusBar().showMessage("Preparing the demo case…")

    def ready(path: Path | None) -> None:
        window.start_page.set_message("")
        window.statusBar().showMessage("Demo case ready", 5000)
        if path is not None and window.case is None:
            window.open_path(Path(path))

    def failed(error: Exception) -> None:
        window.start_page.set_message("")
        window.statusBar().showMessage(f"The demo case could not be prepared: {error}")

    workers.run_task(_ensure_demo_case, on_result=ready, on_error=failed)

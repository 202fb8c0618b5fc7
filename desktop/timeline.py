"""The Timeline: the chronology drawn for skimming.

Swimlanes by category (incidents and police, health, education, social care process, risks,
positive events) across the years. Zoom with the buttons, Ctrl+wheel or +/-; pan by dragging
or scrolling; hover a mark for its summary; click it to select the event in the chronology.
The lanes are laid out again on zoom (marks keep their size, only the time axis stretches).
"""
from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen, QTextOption
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsEllipseItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import formatting
from store import queries
from store.connection import Case

LANES: list[tuple[str, str, str, frozenset[str]]] = [
    ("incidents", "Incidents and police", "#c53030", frozenset({
        "police_attendance", "arrest", "domestic_abuse_incident", "other_incident", "injury", "missing_episode",
        "marac"})),
    ("health", "Health", "#2b6cb0", frozenset({"hospital_attendance", "health_appointment"})),
    ("education", "Education", "#b7791f", frozenset({"school_exclusion", "school_non_attendance"})),
    ("process", "Social care process", "#4a5568", frozenset({
        "referral", "contact", "assessment", "strategy_discussion", "s47_enquiry", "child_protection_conference",
        "core_group", "plan_start", "plan_end", "home_visit", "court_hearing", "placement_move",
        "change_of_address", "household_change", "disclosure", "other"})),
    ("risks", "Risks recorded", "#9b2c2c", frozenset()),
    ("positive", "Positive events", "#2f855a", frozenset({"positive_event"})),
]
LANE_HEIGHT = 64
LABEL_WIDTH = 170
TOP = 30
EVENT_ID_KEY = 0
RISK_SPAN_KEY = 1
LANE_OF_TYPE = {event_type: number for number, (_k, _t, _c, types) in enumerate(LANES) for event_type in types}
RISK_LANE = 4
_LANE_LABEL_OPTION = QTextOption(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
_LANE_LABEL_OPTION.setWrapMode(QTextOption.WrapMode.WordWrap)


def lane_for(event_type: str | None) -> int:
    return LANE_OF_TYPE.get(event_type or "other", 3)


class RiskMark(NamedTuple):
    """A current risk mention, drawn as a tick in the risks lane at its note's date."""

    date: str
    category: str
    note_id: str
    start: int
    end: int


class TimelineCanvas(QGraphicsView):
    """The drawing; lane names stay pinned on the left while the time axis scrolls."""

    event_clicked = Signal(str)
    risk_clicked = Signal(str, int, int)  # note id and the span of the risk's evidence
    zoom_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setMouseTracking(True)
        self.setAccessibleName("Timeline")
        self.pixels_per_year = 220.0
        self.events: list[dict[str, Any]] = []
        self.risk_marks: list[RiskMark] = []
        self.start_year = date.today().year
        self.end_year = self.start_year
        self.marks: dict[str, QGraphicsEllipseItem] = {}
        self.selected_id: str | None = None
        self.lane_height = float(LANE_HEIGHT)
        self.fitted_width = -1  # the viewport width the last "whole record" fit was made for
        self.needs_fit = False  # new data arrived while hidden: fit when shown
        self.user_zoomed = False

    def set_data(self, events: list[dict[str, Any]], risk_marks: list[RiskMark]) -> None:
        self.events = [e for e in events if e.get("date")]
        self.risk_marks = risk_marks
        years = [int(e["date"][:4]) for e in self.events] + [int(mark.date[:4]) for mark in risk_marks]
        self.start_year = min(years) if years else date.today().year
        self.end_year = max(years) if years else self.start_year
        self.needs_fit = True
        if self.isVisible():
            self.fit()

    def fit(self, width: int | None = None) -> None:
        """Zoom so the whole record fits the width (the viewport's unless given)."""
        span = self.end_year - self.start_year + 1
        available = max(300, (width or self.viewport().width()) - LABEL_WIDTH - 30)
        self.pixels_per_year = max(20.0, available / span)
        self.fitted_width = self.viewport().width()
        self.needs_fit = False
        self.user_zoomed = False
        self.layout_scene()

    def zoom(self, factor: float) -> None:
        centre = self.mapToScene(self.viewport().rect().center())
        year_at_centre = self._year_of(centre.x())
        self.pixels_per_year = min(20000.0, max(20.0, self.pixels_per_year * factor))
        self.user_zoomed = True
        self.layout_scene()
        self.centerOn(self._x_of(year_at_centre), centre.y())
        self.zoom_changed.emit()

    def _x_of(self, year_fraction: float) -> float:
        return LABEL_WIDTH + (year_fraction - self.start_year) * self.pixels_per_year

    def _year_of(self, x: float) -> float:
        return self.start_year + (x - LABEL_WIDTH) / self.pixels_per_year

    @staticmethod
    def _fraction(iso: str) -> float:
        day = formatting.parse_iso(iso)
        if day is None:
            return 0.0
        middle = {4: 0.5, 7: 15 / 365}.get(len(iso[:10]), 0.0)  # year or month precision: centre of it
        return day.year + (day.timetuple().tm_yday - 1) / 365.25 + middle

    def layout_scene(self) -> None:
        scene = self.scene()
        scene.clear()
        self.marks = {}
        self.lane_height = max(float(LANE_HEIGHT), (self.viewport().height() - TOP - 24) / len(LANES))
        step = self.lane_height / 7
        width = self._x_of(self.end_year + 1) + 20
        height = TOP + self.lane_height * len(LANES) + 10
        scene.setSceneRect(0, 0, width, height)
        grid = QPen(QColor("#d8dee4"))
        for number, (_key, _title, _colour, _types) in enumerate(LANES):
            top = TOP + number * self.lane_height
            band = QGraphicsRectItem(0, top, width, self.lane_height)
            band.setBrush(QBrush(QColor("#f7f9fb" if number % 2 else "#ffffff")))
            band.setPen(QPen(Qt.PenStyle.NoPen))
            band.setZValue(-2)
            scene.addItem(band)
        label_font = QFont(self.font())
        label_font.setBold(True)
        for number, (_key, title, colour, _types) in enumerate(LANES):
            # Lane names in the scene too, so a rendered picture (the Word report) carries them.
            top = TOP + number * self.lane_height
            swatch = QGraphicsRectItem(6, top + self.lane_height / 2 - 6, 12, 12)
            swatch.setBrush(QBrush(QColor(colour)))
            swatch.setPen(QPen(Qt.PenStyle.NoPen))
            scene.addItem(swatch)
            name = scene.addText(title, label_font)
            name.setTextWidth(LABEL_WIDTH - 30)
            name.setPos(20, top + self.lane_height / 2 - name.boundingRect().height() / 2)
        months = self.pixels_per_year >= 700
        for year in range(self.start_year, self.end_year + 2):
            x = self._x_of(year)
            scene.addLine(x, TOP - 6, x, height, grid).setZValue(-1)
            if year <= self.end_year:
                text = scene.addSimpleText(str(year), label_font)
                text.setPos(x + 4, 4)
            if months and year <= self.end_year:
                for month in range(1, 12):
                    mx = self._x_of(year + month / 12)
                    scene.addLine(mx, TOP, mx, height, QPen(QColor("#eef1f4"))).setZValue(-1)
                    label = scene.addSimpleText(formatting.uk_date(f"{year}-{month + 1:02d}", "month")[:3])
                    label.setBrush(QBrush(QColor("#6b7280")))
                    label.setPos(mx + 3, TOP - 14)
        stack: dict[tuple[int, int], int] = {}
        for event in self.events:
            lane = lane_for(event.get("type"))
            colour = QColor(LANES[lane][2])
            x = self._x_of(self._fraction(event["date"]))
            significance = int(event.get("significance") or 0)
            radius = 4 + significance * 2
            bucket = (lane, int(x // 10))
            offset = stack.get(bucket, 0)
            stack[bucket] = offset + 1
            y = TOP + lane * self.lane_height + self.lane_height / 2 + ((offset % 5) - 2) * step
            mark = QGraphicsEllipseItem(x - radius, y - radius, radius * 2, radius * 2)
            mark.setBrush(QBrush(colour if significance >= 2 else colour.lighter(160)))
            mark.setPen(QPen(colour.darker(130), 1))
            mark.setData(EVENT_ID_KEY, event["id"])
            when = formatting.uk_date(event["date"], event.get("precision"), bool(event.get("approximate")))
            mark.setToolTip(f"<b>{when} — {formatting.event_type_label(event.get('type'))}</b><br>"
                            f"{(event.get('summary') or '')[:300]}<br><i>Click to show it in the chronology</i>")
            mark.setCursor(Qt.CursorShape.PointingHandCursor)
            mark.setAcceptHoverEvents(True)
            mark.setZValue(significance)
            scene.addItem(mark)
            self.marks[event["id"]] = mark
        risk_colour = QColor(LANES[RISK_LANE][2])
        rows = {category: number for number, category in enumerate(sorted({m.category for m in self.risk_marks}))}
        for mark in self.risk_marks:
            x = self._x_of(self._fraction(mark.date))
            y = TOP + RISK_LANE * self.lane_height + step + (rows[mark.category] % 6) * step
            tick = QGraphicsRectItem(x - 2, y - 5, 4, 10)
            tick.setBrush(QBrush(risk_colour))
            tick.setPen(QPen(Qt.PenStyle.NoPen))
            tick.setToolTip(f"{formatting.uk_date(mark.date)} — {formatting.risk_label(mark.category)}"
                            "<br><i>Click to read the note</i>")
            tick.setData(RISK_SPAN_KEY, (mark.note_id, mark.start, mark.end))
            tick.setCursor(Qt.CursorShape.PointingHandCursor)
            scene.addItem(tick)
        if self.selected_id:
            self.highlight(self.selected_id)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if not self.isVisible():
            return  # laid out when shown
        if self.needs_fit or (not self.user_zoomed and self.viewport().width() != self.fitted_width):
            self.fit()
            return
        wanted = max(float(LANE_HEIGHT), (self.viewport().height() - TOP - 24) / len(LANES))
        if abs(wanted - self.lane_height) > 2:
            self.layout_scene()

    def highlight(self, event_id: str | None) -> None:
        previous = self.marks.get(self.selected_id or "")
        if previous is not None:
            previous.setPen(QPen(previous.brush().color().darker(130), 1))
        self.selected_id = event_id
        mark = self.marks.get(event_id or "")
        if mark is not None:
            mark.setPen(QPen(QColor("#111111"), 3))
            self.ensureVisible(mark, 80, 20)

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        item = self.itemAt(event.position().toPoint())
        if isinstance(item, QGraphicsEllipseItem) and item.data(EVENT_ID_KEY):
            event_id = item.data(EVENT_ID_KEY)
            self.highlight(event_id)
            self.event_clicked.emit(event_id)
            event.accept()
            return
        if isinstance(item, QGraphicsRectItem) and item.data(RISK_SPAN_KEY):
            note_id, start, end = item.data(RISK_SPAN_KEY)
            self.risk_clicked.emit(note_id, int(start), int(end))
            event.accept()
            return
        super().mousePressEvent(event)

    def wheelEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.25 if event.angleDelta().y() > 0 else 0.8)
            event.accept()
            return
        if event.angleDelta().y() and not event.angleDelta().x():
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - event.angleDelta().y())
            event.accept()
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(1.5)
        elif event.key() == Qt.Key.Key_Minus:
            self.zoom(1 / 1.5)
        else:
            super().keyPressEvent(event)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt override
        """Lane names pinned to the left edge of the viewport."""
        painter.save()
        painter.resetTransform()
        origin = self.mapFromScene(QPointF(0, 0))
        painter.fillRect(0, 0, LABEL_WIDTH - 8, self.viewport().height(), QColor(255, 255, 255))
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        for number, (_key, title, colour, _types) in enumerate(LANES):
            top = origin.y() + TOP + number * self.lane_height
            painter.fillRect(6, int(top + self.lane_height / 2 - 6), 12, 12, QColor(colour))
            painter.setPen(QColor("#1f2d3d"))
            painter.drawText(QRectF(24, top, LABEL_WIDTH - 30, self.lane_height), title, _LANE_LABEL_OPTION)
        painter.restore()


class TimelineView(QWidget):
    """Toolbar (zoom, key events only) and the canvas."""

    event_clicked = Signal(str)
    risk_clicked = Signal(str, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case: Case | None = None
        self.canvas = TimelineCanvas()
        self.canvas.event_clicked.connect(self.event_clicked)
        self.canvas.risk_clicked.connect(self.risk_clicked)
        self.key_only = QCheckBox("Key events only")
        self.key_only.setChecked(True)
        self.key_only.toggled.connect(self.refresh)
        zoom_in = QPushButton("Zoom in (+)")
        zoom_in.clicked.connect(lambda: self.canvas.zoom(1.5))
        zoom_out = QPushButton("Zoom out (−)")
        zoom_out.clicked.connect(lambda: self.canvas.zoom(1 / 1.5))
        fit = QPushButton("Whole record")
        fit.clicked.connect(self.canvas.fit)
        self.caption = QLabel()
        self.caption.setObjectName("muted")
        self.caption.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.key_only)
        bar.addSpacing(12)
        bar.addWidget(zoom_out)
        bar.addWidget(zoom_in)
        bar.addWidget(fit)
        bar.addSpacing(12)
        bar.addWidget(self.caption, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)

    def set_case(self, case: Case | None) -> None:
        self.case = case
        self.refresh()

    def refresh(self) -> None:
        if self.case is None:
            self.canvas.set_data([], [])
            self.caption.clear()
            return
        events = queries.chronology(self.case, min_significance=2 if self.key_only.isChecked() else None,
                                          include_statuses=("current", "historical"))
        risks = [
            RiskMark(*row) for row in self.case.db.execute(
                f'SELECT n.note_date, r.category, r.note_id, r.start, r."end" FROM ({queries.CURATED_RISKS}) r'
                " JOIN notes n ON n.id = r.note_id"
                f" WHERE n.current = 1 AND n.note_date IS NOT NULL AND {queries.CURRENT_RISK}"
            )
        ]
        self.canvas.set_data(events, risks)
        dated = len(self.canvas.events)
        self.caption.setText(
            f"{dated} events" + (f" ({len(events) - dated} undated, not drawn)" if len(events) > dated else "")
            + ". Larger marks are more significant. Hover a mark for its summary; click it to open it in the"
            " chronology. Ctrl+wheel zooms, drag pans."
        )

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        canvas = self.canvas
        if canvas.needs_fit or (not canvas.user_zoomed and canvas.viewport().width() != canvas.fitted_width):
            canvas.fit()

    def render_png(self, width: int = 1600, height: int = 700) -> bytes:
        """The whole timeline as PNG bytes (for the Word report)."""
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice

        if self.canvas.needs_fit:  # never shown since the data changed: lay it out for the picture
            self.canvas.fit(width)
        scene = self.canvas.scene()
        source = scene.sceneRect()
        scale = min(2.0, width / max(1.0, source.width()))
        image = QImage(int(source.width() * scale), min(height * 2, int(source.height() * scale)),
                       QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scene.render(painter, QRectF(0, 0, image.width(), image.height()), source,
                     Qt.AspectRatioMode.KeepAspectRatio)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        return bytes(data)

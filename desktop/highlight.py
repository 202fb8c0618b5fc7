"""A table cell painter that highlights the worker's search words in the text."""
from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

MATCH_COLOUR = QColor("#ffe066")
_WORD = re.compile(r"\w+", re.UNICODE)


def match_spans(text: str, search: str) -> list[tuple[int, int]]:
    """Where the search words (each as a word prefix, as the search itself matches) occur."""
    words = _WORD.findall(search or "")
    if not words or not text:
        return []
    pattern = re.compile("|".join(rf"\b{re.escape(word)}\w*" for word in words), re.IGNORECASE)
    return [match.span() for match in pattern.finditer(text)]


class HighlightDelegate(QStyledItemDelegate):
    """Paints the cell as usual, then its text with ``spans(text, index)`` on a yellow background."""

    def spans(self, text: str, index: QModelIndex | QPersistentModelIndex) -> list[tuple[int, int]]:
        return []

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        spans = self.spans(text, index)
        if not spans:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget).adjusted(3, 0, -3, 0)
        painter.save()
        painter.setFont(opt.font)
        metrics = painter.fontMetrics()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        normal = opt.palette.highlightedText().color() if selected else opt.palette.text().color()
        baseline = rect.top() + (rect.height() + metrics.ascent() - metrics.descent()) / 2
        x = float(rect.left())
        position = 0
        pieces = []
        for start, end in spans:
            pieces.append((text[position:start], False))
            pieces.append((text[start:end], True))
            position = end
        pieces.append((text[position:], False))
        for piece, matched in pieces:
            if not piece:
                continue
            available = rect.right() - x
            width = metrics.horizontalAdvance(piece)
            elided = width > available
            if elided:
                piece = metrics.elidedText(piece, Qt.TextElideMode.ElideRight, int(max(0, available)))
                width = metrics.horizontalAdvance(piece)
            if matched:
                painter.fillRect(QRectF(x, rect.top() + 3, width, rect.height() - 6), MATCH_COLOUR)
            painter.setPen(QColor("#111111") if matched else normal)
            painter.drawText(QPointF(x, baseline), piece)
            x += width
            if elided:
                break
        painter.restore()


class SearchHighlightDelegate(HighlightDelegate):
    """Highlights the worker's search words (set ``search``)."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self.search = ""

    def spans(self, text: str, index: QModelIndex | QPersistentModelIndex) -> list[tuple[int, int]]:
        return match_spans(text, self.search)


class SpanHighlightDelegate(HighlightDelegate):
    """Highlights one span per row: ``row_spans[row]`` is ``(start, end)`` or None."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self.row_spans: list[tuple[int, int] | None] = []

    def spans(self, text: str, index: QModelIndex | QPersistentModelIndex) -> list[tuple[int, int]]:
        row = index.row()
        span = self.row_spans[row] if 0 <= row < len(self.row_spans) else None
        if not span:
            return []
        start, end = span
        return [(start, end)] if 0 <= start < end <= len(text) else []

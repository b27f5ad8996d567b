"""The main window: the document list beside the article text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import QMainWindow, QPlainTextEdit, QSplitter

from akkord.gui.document_list import DocumentList
from akkord.services.documents import list_documents
from akkord.store.models import Document
from akkord.store.project import Project


class MainWindow(QMainWindow):
    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        self.documents = DocumentList(self)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        font = QFont(self.text.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.text.setFont(font)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.documents)
        splitter.addWidget(self.text)
        splitter.setSizes([360, 840])
        self.setCentralWidget(splitter)
        self.documents.document_chosen.connect(self.show_document)
        self.setWindowTitle(f"{project.name} — Akkord")
        self.resize(1200, 780)
        self.reload()

    def reload(self) -> None:
        with self.project.read() as session:
            summaries = list_documents(session)
        self.documents.set_documents(summaries)
        if summaries:
            self.documents.select_document(summaries[0].id)
        self.statusBar().showMessage(f"{len(summaries)} documents")

    def show_document(self, doc_id: int) -> None:
        with self.project.read() as session:
            doc = session.get(Document, doc_id)
            text = doc.text if doc else ""
        self.text.setPlainText(text)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.project.close()
        super().closeEvent(event)

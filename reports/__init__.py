"""Exports of a case's chronology: Word (``reports.word.export_docx``), CSV
(``reports.csv_export.export_csv``) and the anonymised variant of both
(``reports.anonymise.Anonymiser``). Everything is read through ``store``; pictures such as the
timeline come in as PNG bytes. See docs/export.md."""

"""Qt-free orchestration used by both the CLI and the GUI."""

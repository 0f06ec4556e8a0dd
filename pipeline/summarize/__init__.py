"""Deal summaries (en, zh) written from stored facts; see run.py for the entry point."""

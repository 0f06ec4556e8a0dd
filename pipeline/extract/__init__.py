"""Extraction: spaCy pipelines (en, zh) with the figure component, and what they yield."""

"""Ingest: readers (txt, md, html, json), segmentation, language, speakers, translation
pairing and near-duplicate keys. No model runs here and nothing is stored: the runner
(pipeline/flow.py) composes these stages with the others."""

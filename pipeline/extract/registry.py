"""Every name a spaCy config can refer to, registered in one place, with a version in the name.

spaCy forbids dots in factory names, so the figure component is
`neocloud_figures_v1` rather than `neocloud.figures.v1` (and likewise
`neocloud_entities_v1`).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.component import FigureComponent
from pipeline.extract.entities import EntityComponent

FIGURES = "neocloud_figures_v1"
ENTITIES = "neocloud_entities_v1"

if not Doc.has_extension("figures"):
    Doc.set_extension("figures", default=None)


@Language.factory(FIGURES)
def make_figures(nlp: Language, name: str) -> FigureComponent:
    return FigureComponent(nlp, name)


@Language.factory(ENTITIES, default_config={"model": "spacy"})
def make_entities(nlp: Language, name: str, model: str) -> EntityComponent:
    return EntityComponent(nlp, name, model)

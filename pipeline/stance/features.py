"""Cue features that embeddings miss: the rhetoric of a claim, in English and Chinese.

Embeddings place a claim and its rebuttal side by side (same topic); these
counts tell the head how the sentence argues: negation, rebuttal of someone
else's worry, hedging, questions, contrast, reported speech.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

_CUES: dict[str, str] = {
    "negation": r"\b(?:not|no|never|isn['’]t|aren['’]t|wasn['’]t|don['’]t|doesn['’]t|didn['’]t|won['’]t|can['’]t|cannot|hardly|nothing)\b|不|没有|沒有|并非|並非|别|未必|无需|無需",
    "rebuttal": r"\b(?:ignores?|overblown|overstated|misses the point|misread|wrong|miss(?:es)? the|too pessimistic|premature|calling (?:this|it)|critics|skeptics|doubters|bears|the worry|fears? (?:are|is)|priced in)\b|言过其实|言過其實|杞人忧天|杞人憂天|过虑|過慮|过度解读|過度解讀|多虑|多慮|批评者|批評者|唱衰|看空者|担心.{0,6}(?:多余|多餘)",
    "hedge": r"\b(?:might|may|could|perhaps|possibly|likely|seems?|appears?|arguably|probably)\b|或许|或許|可能|也许|也許|似乎|恐怕",
    "question": r"\?|？|\b(?:whether|why)\b|是否|能否|为何|為何|吗|嗎",
    "contrast": r"\b(?:but|however|yet|although|though|still|while)\b|但|但是|然而|不过|不過|却|卻|虽然|雖然",
    "reported": r"\b(?:said|says|argued?|noted|believes?|thinks?|claimed|warned|called|characterized|suggested)\b|表示|认为|認為|指出|称|稱|警告|坦言",
    "future_watch": r"\b(?:will watch|watch(?:ing)? whether|remains? to be seen|depends on|hinges on)\b|关注|關注|有待观察|有待觀察|取决于|取決於",
    "exclaim": r"!|！",
}
_COMPILED = {name: re.compile(pattern, re.I) for name, pattern in _CUES.items()}
NAMES = tuple(_CUES)


def cue_vector(text: str) -> npt.NDArray[np.float32]:
    """Counts of each cue, squashed to 0..1 so long sentences do not dominate."""
    counts = [len(_COMPILED[name].findall(text)) for name in NAMES]
    return np.array([min(c, 3) / 3 for c in counts], dtype=np.float32)

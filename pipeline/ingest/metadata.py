"""Metadata the text states about itself: source URL, publisher, and the document's kind."""

from __future__ import annotations

import re

_URL_LINE = re.compile(
    r"^(?:原始链接|原文链接|原文地址|原文网址|来源链接|来源|出处|链接|source(?: url| link)?|"
    r"original(?: article| link| post| url)?|originally published(?: at| on)?|via|read more)"
    r"\s*[:：]?\s*(?P<url>https?://\S+)\s*$",
    re.I,
)
_PUBLISHER_PATTERNS = (
    # "Original article published by AI News | TechCrunch." -> the site after the last "|".
    re.compile(
        r"original (?:article|story|post) (?:was )?published (?:by|on|in) (?P<p>[^.\n]+)", re.I
    ),
    re.compile(r"originally (?:published|appeared) (?:by|on|in|at) (?P<p>[^.,\n]+)", re.I),
    re.compile(r"^(?:来源|出处|转载自|本文来源)\s*[:：]\s*(?P<p>[^\s,。,]+)\s*$"),
    re.compile(r"^(?:source|publisher)\s*:\s*(?P<p>[^\n]+?)\s*\.?$", re.I),
)
# A podcast the writer takes part in ("our", "I", "we") is their outlet's: the publisher.
_OWN_PODCAST = re.compile(
    r"(?:episode|edition) of (?P<p>[A-Z][\w&.\- ]{1,40}?)['’]s [A-Z][\w ]{0,30}? podcast"
)
_FIRST_PERSON = re.compile(r"\b(?:I|we|our|us)\b")
_SUMMARY_HEADINGS = frozenset(
    {
        "summary", "tl;dr", "tldr", "key takeaway", "key takeaways", "key points",
        "editorial summary", "摘要", "总结", "概要", "内容摘要", "要点", "核心要点",
    }
)  # fmt: skip
_COMMENT_MARKER = re.compile(
    r"\b\d+ (?:points?|upvotes?) by\b|\b\d+ (?:minutes?|hours?|days?) ago\b|\|\s*(?:reply|parent)\b"
    r"|^\s*(?:回复|楼主|\d+楼)",
    re.I | re.M,
)
_MIN_COMMENTS = 3


def source_url(paragraphs: list[str]) -> str | None:
    for paragraph in paragraphs:
        match = _URL_LINE.match(paragraph.strip())
        if match:
            return match["url"].rstrip(".,;)")
    return None


def publisher(paragraphs: list[str]) -> str | None:
    for paragraph in paragraphs:
        for pattern in _PUBLISHER_PATTERNS:
            match = pattern.search(paragraph.strip())
            if match:
                return match["p"].split("|")[-1].strip(" .")
    for paragraph in paragraphs:
        for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
            match = _OWN_PODCAST.search(sentence)
            if match and _FIRST_PERSON.search(sentence):
                return match["p"].strip()
    return None


def is_summary(paragraphs: list[str]) -> bool:
    """An editorial summary announces itself with a heading near the top."""
    head = paragraphs[:6]
    return any(p.strip().rstrip(":：").lower() in _SUMMARY_HEADINGS for p in head) or any(
        "editorial summary" in p.lower() for p in paragraphs[-3:]
    )


def is_discussion(paragraphs: list[str]) -> bool:
    """A comment thread: several "N points by", "3 hours ago | reply" style markers."""
    return sum(len(_COMMENT_MARKER.findall(p)) for p in paragraphs) >= _MIN_COMMENTS

"""Speakers named in the sentences of the notes rather than on a speaker line.

"メルカリの[morikuniさん](https://twitter.com/inukirom)による…", "1日目のまつもとさんによる
Keynote", "it was given by Bill Kennedy": only with clear evidence (a linked name with
an honorific, "Nameさんによる", "given by Jane Doe"), and only used by `speakers_in`
when no line under the title is a speaker line.
"""

from __future__ import annotations

import re

from notetui.core.models import Speaker
from notetui.core.parse.speaker_parts import _LATIN_WORD, clean_affiliation, social_handle

# Prose that names a speaker: "[morikuniさん](https://twitter.com/inukirom)による",
# "まつもとさんによるKeynote", "Google Cloudで…をされている[ymotongpooさん](…)の".
_PROSE_LINKED = re.compile(
    r"\[(?P<name>[^\[\]@＠]{1,30}?)(?P<hon>さん|氏|先生)?\]\((?P<url>https?://[^)\s]+)\)"
    r"(?P<hon2>さん|氏|先生)?"
)
_PROSE_PLAIN = re.compile(
    r"(?:[「『](?P<quoted>[^「」『』]{2,16})[」』]|(?P<name>[@＠]?[A-Za-z0-9_\u3040-\u30ff\u3400-\u9fff々ー]{2,16}))"
    r"\s?(?:さん|氏)"
    r"(?=による|が(?:発表|登壇|講演)"
    r"|の[^。、]{0,40}?(?:発表|講演|セッション|トーク|キーノート|基調講演|keynote|LT))",
    re.IGNORECASE,
)
_PARTICLES = re.compile(r".*(?:[はがを、。]|の(?!$)|で(?!$))")  # not と, も, に: まつもと
_PROSE_LATIN = re.compile(
    rf"\b(?:given|presented|delivered|talk|session|keynote|presentation)\s+by\s+"
    rf"(?P<name>{_LATIN_WORD}(?:\s{_LATIN_WORD}){{1,2}})"
)
_ORG_BEFORE = re.compile(
    r"(?:^|[、。\s「（(])(?P<org>[A-Za-z][\w.&\-]*(?:\s[A-Za-z][\w.&\-]*){0,3}"
    r"|[^\s、。「」（）()の]{2,30}?)"
    r"(?:の|で[^、。]{0,30}?(?:をされている|をしている|されている|として働く|に勤める|勤務の))$"
)


def speakers_in_prose(sentence: str) -> tuple[Speaker, ...]:
    """The speaker a sentence of the notes names (only one with clear evidence: a
    linked name with an honorific, "Nameさんによる", "given by Jane Doe")."""
    for match in _PROSE_LINKED.finditer(sentence):
        handle = social_handle(match.group("url"))
        honoured = match.group("hon") or match.group("hon2")
        if handle is None or not honoured:
            continue
        name = match.group("name").strip()
        return (Speaker(name, handle, _org_before(sentence[: match.start()])),)
    for match in _PROSE_PLAIN.finditer(sentence):
        if match.group("quoted"):  # "Matzこと「まつもとゆきひろ」さんの…": quoted as written
            return (Speaker(match.group("quoted").strip(), None, None),)
        name = _PARTICLES.sub("", match.group("name"))
        # "されているymotongpoo": a Latin name run into the kana before it.
        if (latin := re.search(r"[@＠]?[A-Za-z0-9_]{2,}$", name)) and latin.start() > 0:
            name = latin.group(0)
        if name and name[0] in "@＠":
            return (Speaker(name[1:], name[1:], None),)
        if len(name) >= 2:
            before = sentence[: match.start()] + match.group("name")[: -len(name)]
            return (Speaker(name, None, _org_before(before)),)
    latin = _PROSE_LATIN.search(sentence)
    return (Speaker(latin.group("name"), None, None),) if latin else ()


def _org_before(text: str) -> str | None:
    """ "メルカリの", "Google CloudでDeveloper Advocateをされている": the organisation
    just before a name in a sentence; not "1日目の" or "こちらは"."""
    match: re.Match[str] | None = _ORG_BEFORE.search(text.strip())
    if not match:
        text = text.strip()
        match = re.fullmatch(
            r"(?P<org>[A-Za-z][A-Za-z0-9 .&\-]{1,30}?)で[^、。]{0,30}?(?:されている|している)",
            text,
        )
        if not match:
            return None
    org = match.group("org").strip()
    if re.search(r"\d|目$|回$|日$", org) or org in ("こちら", "これ", "今回", "本日", "今日"):
        return None
    return clean_affiliation(org)

"""Recognising speaker lines and slide links in the text around a talk title.

Speaker lines come in many shapes; these are all real ones:
    高木 克彰(@tkgtransit) ◆ ヤフー株式会社
    鶴田 貴大(サイボウズ株式会社)
    太田 佳敬 @ota42y(Preferred Networks)
    [@deeet](https://twitter.com/deeeet)
    *Jane Doe (@jdoe), Example Inc.*
    登壇者: 山田さん (Example株式会社)
A line is only taken as a speaker line when it carries evidence beyond looking like
a name (a handle, an affiliation, a label, an honorific), unless the caller knows the
line sits right under a talk title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from notetui.core.models import Speaker
from notetui.core.text import collapse_spaces, nfkc

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶー"
_JA_NAME = re.compile(rf"^[{_CJK}]{{1,6}}(?:[ \u3000][{_CJK}]{{1,6}})?$")
_LATIN = "A-Za-z\u00c0-\u024f"
_LATIN_NAME = re.compile(
    rf"^[A-Z\u00c0-\u00de][{_LATIN}'’.\-]*(?:\s+[A-Z\u00c0-\u00de][{_LATIN}'’.\-]*){{0,3}}$"
)
_KANJI = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々ヶ"
# Shapes that pass for a person's name with little or no other evidence. Run-together
# kanji ("鶴田貴大") need an affiliation beside them: "開発環境" has the same shape.
_JA_SPACED = rf"[{_KANJI}]{{1,3}}[ \u3000][{_CJK}]{{1,4}}"
_LATIN_WORD = r"[A-Z\u00c0-\u00de][a-z\u00df-\u024f'’.\-]+"
_LATIN_FULL = rf"{_LATIN_WORD}(?:\s{_LATIN_WORD}){{1,2}}"
_BARE_NAME = re.compile(rf"^{_JA_SPACED}$")
_BARE_NAME_LATIN = re.compile(rf"^(?:{_JA_SPACED}|{_LATIN_FULL})$")
_WEAK_NAME = re.compile(rf"^(?:{_JA_SPACED}|[{_KANJI}]{{3,4}}|{_LATIN_FULL})$")
_NICKNAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{1,30}$")
_HANDLE = re.compile(r"(?<![\w@./])[@＠]([A-Za-z0-9_][A-Za-z0-9_\-]{0,38})(?![\w@])")
_SOCIAL_URL = re.compile(
    r"https?://(?:www\.|mobile\.)?(?:twitter\.com|x\.com|github\.com)/(?:#!/)?([A-Za-z0-9_\-]{1,39})/?(?:[?#]\S*)?$"
)
_NOT_HANDLES = frozenset({"hashtag", "intent", "search", "share", "home", "i", "explore", "login"})
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_LABEL = re.compile(
    r"^(?:登壇者|登壇|発表者|講演者|スピーカー|講師|speakers?|presenters?|presented by|talk by|by)"
    r"\s*[:：]?\s+|^(?:登壇者|登壇|発表者|講演者|スピーカー|講師|speakers?|presenters?)\s*[:：]\s*",
    re.IGNORECASE,
)
_HONORIFIC = re.compile(r"\s*(?:さん|氏|様|先生|くん|ちゃん)$")
_COMPANY = re.compile(
    r"株式会社|（株）|\(株\)|合同会社|有限会社|社団法人|財団法人|大学|研究所|研究室|高専"
    r"|\b(?:Inc|Corp|Corporation|Co|Ltd|LLC|GmbH|K\.K|Labs?|University|Foundation)\b\.?",
    re.IGNORECASE,
)
_PAREN = re.compile(r"[(（]([^()（）]{0,80})[)）]")
_SEPARATOR = re.compile(r"\s*(?:◆|◇|／|\||｜|\s/\s|\s[-–—]\s|,\s*|，\s*)\s*")
_MULTI = re.compile(r"\s*(?:&|＆|\band\b|、|と(?=\s*[" + _CJK + r"A-Z]))\s*")
_BULLETS = re.compile(r"^(?:[#>*\-+・•◆■●▶]+\s+|[・•◆■●▶#]+)+")
_WRAPPED = re.compile(r"^(\*\*|__|\*|_)(.+)\1$")
_SENTENCE_END = re.compile(r"[。．！？!?]$")

_SLIDE_HOSTS = re.compile(
    r"^https?://(?:[\w-]+\.)*(?:speakerdeck\.com|slideshare\.net|docswell\.com|slides\.com"
    r"|prezi\.com|pitch\.com|gitpitch\.com|slideshare\.jp)/"
    r"|^https?://docs\.google\.com/presentation/|^https?://(?:www\.)?canva\.com/design/"
    r"|\.pdf(?:[?#].*)?$",
    re.IGNORECASE,
)
_SLIDE_LABEL = re.compile(
    r"(?:^|[\s(（\[])(?:資料|スライド|発表資料|登壇資料|slides?|deck)\s*[:：]|^(?:資料|スライド|slides?)\b",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s<>\"'「」（）()\[\]]+")
_URL_TRAIL = ".,;:!?。、）)]>」』"


def parse_speaker_line(
    raw: str, *, under_title: bool = False, latin_ok: bool = True, loose: bool = False
) -> list[Speaker] | None:
    """The speakers a line names, or None if it is not a speaker line.

    `under_title`: the line sits right below a talk title, so a bare name is enough
    ("山田 拓也"; with `latin_ok` also "Jane Doe", which in plain text is too often
    a product name such as "Network Policies"; with `loose` also run-together kanji
    such as "鶴田貴大", for a line right under an unmistakable title).
    """
    line = collapse_spaces(raw)
    if not line or len(line) > 120 or _SENTENCE_END.search(line):
        return None
    link_handles: list[str] = []

    def unlink(match: re.Match[str]) -> str:
        text, url = match.group(1), match.group(2)
        if (social := _SOCIAL_URL.match(url)) and social.group(1).lower() not in _NOT_HANDLES:
            link_handles.append(social.group(1))
            return text if not text.startswith(("@", "＠")) else ""
        return text

    line = _MD_LINK.sub(unlink, line)
    line = undecorate(line)
    labelled = bool(_LABEL.match(line))
    if labelled:
        line = _LABEL.sub("", line, count=1).strip()
    if not line and not link_handles:
        return None
    if "http" in line or "://" in line:
        return None
    parts = _MULTI.split(line) if _MULTI.search(line) else [line]
    speakers = [_parse_one(part) for part in parts if part.strip()]
    if len(parts) > 1 and not all(speakers):
        speakers = [_parse_one(line)]
    found = [s for s in speakers if s is not None]
    if not found and link_handles:
        found = [(Speaker(link_handles[0], link_handles[0], None), _STRONG)]
    if not found:
        return None
    if link_handles and found[0][0].handle is None:
        first = found[0][0]
        found[0] = (Speaker(first.name, link_handles[0], first.affiliation), _STRONG)
    strong = labelled or bool(link_handles) or any(ev == _STRONG for _, ev in found)
    if not strong:
        if any(ev == _WEAK for _, ev in found) or (under_title and loose):
            shape = _WEAK_NAME
        elif under_title:
            shape = _BARE_NAME_LATIN if latin_ok else _BARE_NAME
        else:
            return None
        if not all(shape.match(sp.name) for sp, _ in found):
            return None
    return [speaker for speaker, _ in found]


_NONE, _WEAK, _STRONG = 0, 1, 2


def _parse_one(text: str) -> tuple[Speaker, int] | None:
    """(speaker, how much evidence beyond a name the text carried: _NONE/_WEAK/_STRONG)."""
    text = nfkc_light(text.strip())
    evidence = _NONE
    handle: str | None = None
    affiliation: str | None = None
    for content in _PAREN.findall(text):
        content = content.strip()
        if handle_match := _HANDLE.fullmatch(content):
            handle = handle or handle_match.group(1)
        elif content and affiliation is None:
            affiliation = content
        evidence = max(evidence, _WEAK)
    text = _PAREN.sub(" ", text)
    handles = _HANDLE.findall(text)
    if handles:
        handle = handle or handles[0]
    if handle:
        evidence = _STRONG
    text = _HANDLE.sub(" ", text)
    segments = [s for s in (seg.strip() for seg in _SEPARATOR.split(text)) if s]
    if "◆" in text or "◇" in text:
        evidence = _STRONG
    name: str | None = None
    for segment in segments:
        candidate = _HONORIFIC.sub("", segment).strip()
        if candidate != segment:
            evidence = _STRONG
        if name is None and _looks_like_name(candidate, evidence == _STRONG):
            name = candidate
        elif affiliation is None:
            affiliation = segment
        elif name is None and _COMPANY.search(affiliation):
            return None
    if name is None and segments:
        # "ヤフー株式会社 高木さん": affiliation first, then the name.
        company_first = re.match(rf"^(.*?(?:{_COMPANY.pattern}))\s+(.+)$", segments[0])
        if company_first:
            candidate = _HONORIFIC.sub("", company_first.group(2)).strip()
            if _looks_like_name(candidate, True):
                name, affiliation = candidate, company_first.group(1).strip()
                evidence = _STRONG
    if name is None:
        if handle is None or segments:
            return None
        name = handle
    if affiliation is not None:
        if _COMPANY.search(affiliation):
            evidence = _STRONG
        affiliation = affiliation.strip(" ()（）") or None
    if affiliation and len(affiliation) > 60:
        return None
    return Speaker(name, handle, affiliation), evidence


def _looks_like_name(text: str, evident: bool) -> bool:
    if not text or len(text) > 40 or _COMPANY.search(text):
        return False
    if _JA_NAME.match(text):
        return True
    if _LATIN_NAME.match(text):
        return True
    return evident and bool(_NICKNAME.match(text))


def undecorate(line: str) -> str:
    """A line without list bullets and the emphasis wrapped around all of it."""
    line = _BULLETS.sub("", line.strip()).strip()
    for _ in range(2):
        if match := _WRAPPED.match(line):
            line = match.group(2).strip()
    return collapse_spaces(line.replace("**", ""))


def nfkc_light(text: str) -> str:
    """Full-width ASCII to half-width, keeping kana and punctuation as written."""
    return re.sub(r"[！-～]", lambda m: nfkc(m.group(0)), text)


def handle_only(line: str) -> str | None:
    """`@dulltz` on a line of its own: a handle that belongs to the speaker above."""
    match = _HANDLE.fullmatch(undecorate(line))
    return match.group(1) if match else None


def merge_speakers(groups: Iterable[Sequence[Speaker]]) -> tuple[Speaker, ...]:
    """One speaker per person across notes: same handle, or same name ignoring spaces."""
    merged: list[Speaker] = []
    for group in groups:
        for speaker in group:
            for index, known in enumerate(merged):
                if _same_person(known, speaker):
                    merged[index] = Speaker(
                        _better_name(known.name, speaker.name, known.handle),
                        known.handle or speaker.handle,
                        known.affiliation or speaker.affiliation,
                    )
                    break
            else:
                merged.append(speaker)
    return tuple(merged)


def _person_key(name: str) -> str:
    return re.sub(r"\s+", "", nfkc(name)).casefold()


def _same_person(a: Speaker, b: Speaker) -> bool:
    if a.handle and b.handle and a.handle.casefold() == b.handle.casefold():
        return True
    if _person_key(a.name) == _person_key(b.name):
        return True
    # A name that is only a handle ("deeeet") matches the person with that handle.
    if (a.handle and _person_key(b.name) == a.handle.casefold()) or (
        b.handle and _person_key(a.name) == b.handle.casefold()
    ):
        return True
    if a.handle and b.handle:
        return False  # two different handles are two people, whatever the names say
    return _short_form(a.name, b.name) or _short_form(b.name, a.name)


def _short_form(short: str, full: str) -> bool:
    """ "山下" (from "山下さん") or "Doe" is one part of the spaced full name "山下 茜",
    "Jane Doe". Only used among the speakers of one talk, where that is enough."""
    parts = nfkc(full).casefold().split()
    key = nfkc(short).casefold().strip()
    return len(parts) >= 2 and bool(key) and " " not in key and key in (parts[0], parts[-1])


def _better_name(first: str, second: str, handle: str | None) -> str:
    """Prefer a real name over a handle, and the spaced form ("高木 克彰") over "高木克彰"."""
    if handle and first.casefold() == handle.casefold() and second.casefold() != handle.casefold():
        return second
    if " " not in first and " " in second and _person_key(first) == _person_key(second):
        return second
    if _short_form(first, second):
        return second
    return first


def slide_links(lines: Iterable[str]) -> list[str]:
    """Slide links in a section: known slide hosts anywhere, any URL labelled as slides."""
    found: list[str] = []
    for line in lines:
        if "http" not in line or len(line) > 2000:
            continue
        labelled = bool(_SLIDE_LABEL.search(line))
        for url in _urls(line):
            if (labelled or _SLIDE_HOSTS.search(url)) and url not in found:
                found.append(url)
    return found


def _urls(line: str) -> list[str]:
    urls = [m.group(2) for m in _MD_LINK.finditer(line)]
    bare = _MD_LINK.sub(" ", line)
    urls += [m.group(0) for m in _URL.finditer(bare)]
    return [url.rstrip(_URL_TRAIL) for url in urls if url.startswith("http")]


def is_slide_line(line: str) -> bool:
    """A line that gives a talk's slides (a labelled link or a slide-host URL alone)."""
    stripped = line.strip()
    if not stripped or "http" not in stripped:
        return False
    if _SLIDE_LABEL.search(stripped):
        return True
    urls = _urls(stripped)
    return len(urls) == 1 and bool(_SLIDE_HOSTS.search(urls[0])) and len(stripped) < 300


def social_handle(url: str) -> str | None:
    match = _SOCIAL_URL.match(url)
    if match and match.group(1).lower() not in _NOT_HANDLES:
        return match.group(1)
    return None

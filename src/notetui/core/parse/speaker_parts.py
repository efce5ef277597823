"""One speaker line read: who it names, with their handle and affiliation.

The low layer of the speaker stage (speakers.py holds the body-level functions and
re-exports these for older callers). A line is only taken as a speaker line when it
carries evidence beyond looking like a name (a handle, an affiliation, a label, an
honorific), unless the caller knows the line sits right under a talk title. Labels,
honorifics, company words, roles and service names are vocabularies
(vocab/speaker_labels.txt, honorifics.txt, org_suffixes.txt, speaker_roles.txt,
social_labels.txt, topic_kanji.txt, not_name_kanji.txt).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from notetui.core.models import Speaker
from notetui.core.parse import vocabulary
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
# "Hatfield-Dodds": a hyphenated family name is one word.
_LATIN_WORD = (
    r"[A-Z\u00c0-\u00de][a-z\u00df-\u024f'’.]+(?:-[A-Z\u00c0-\u00de]?[a-z\u00df-\u024f'’.]+)*"
)
_LATIN_FULL = rf"{_LATIN_WORD}(?:\s{_LATIN_WORD}){{1,2}}"
_BARE_NAME = re.compile(rf"^{_JA_SPACED}$")
_BARE_NAME_LATIN = re.compile(rf"^(?:{_JA_SPACED}|{_LATIN_FULL})$")
_WEAK_NAME = re.compile(rf"^(?:{_JA_SPACED}|[{_KANJI}]{{3,4}}|{_LATIN_FULL})$")
_NICKNAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{1,30}$")
# "@storybook/addon-a11y" is a package, not a handle.
_HANDLE = re.compile(r"(?<![\w@./])[@＠]([A-Za-z0-9_][A-Za-z0-9_\-]{0,38})(?![\w@/])")
_SOCIAL_URL = re.compile(
    r"https?://(?:www\.|mobile\.)?(?:twitter\.com|x\.com|github\.com)/(?:#!/)?([A-Za-z0-9_\-]{1,39})/?(?:[?#]\S*)?$"
)
_NOT_HANDLES = frozenset({"hashtag", "intent", "search", "share", "home", "i", "explore", "login"})
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def _alternation(name: str) -> str:
    return "|".join(re.escape(word) for word in vocabulary.words(name))


# "登壇者: X", "Speaker - X", "by X": a label (vocab/speaker_labels.txt) before a name.
_LABEL = re.compile(
    rf"^(?:{_alternation('speaker_labels')})\s*[:：]?\s+"
    rf"|^(?:{_alternation('speaker_labels')})\s*[:：]\s*",
    re.IGNORECASE,
)
_HONORIFIC = re.compile(rf"\s*(?:{_alternation('honorifics')})$")
_ANY_HONORIFIC = re.compile(_alternation("honorifics"))
# One group for the Japanese words, one for the Latin ones with one pair of word
# boundaries: a single alternation of many lookbehinds is slow on every line.
_COMPANY = re.compile(
    "(?:"
    + "|".join(re.escape(w) for w in vocabulary.words("org_suffixes") if not w[0].isascii())
    + r")|(?<![A-Za-z])(?:"
    + "|".join(re.escape(w) for w in vocabulary.words("org_suffixes") if w[0].isascii())
    + r")(?![A-Za-z])",
    re.IGNORECASE,
)
_COMPANY_FIRST = re.compile(
    rf"^(\S*?(?:{_COMPANY.pattern})\S*?)(?:\s+|の(?=\S))(.+)$", re.IGNORECASE
)
_HANDLE_FIRST = re.compile(r"\s*[@＠][A-Za-z0-9_]")
_YEAR = re.compile(r"\d{4}")
# Brackets beside a name: its handle or its company; "(株)" is part of a company's name.
_PAREN = re.compile(r"[(（](?![株有][)）])([^()（）]{0,80})[)）]")
_SEPARATOR = re.compile(r"\s*(?:◆|◇|／|\||｜|\s/\s|\s[-–—]\s|,\s*|，\s*)\s*")
# Several people on one line: "A & B", "A and B", "A、B", "山田さんと佐藤さん" (と only
# after an honorific: "目的とかをちゃんと考える" is a sentence).
_MULTI = re.compile(
    r"\s*(?:&|＆|\band\b|、|(?:(?<=さん)|(?<=氏)|(?<=様)|(?<=先生))と(?=\s*[" + _CJK + r"A-Z]))\s*"
)
_BULLETS = re.compile(r"^(?:[#>*\-+・•◆■●▶]+\s+|[・•◆■●▶#]+)+")
_WRAPPED = re.compile(r"^(\*\*|__|\*|_)(.+)\1$")
_SENTENCE_END = re.compile(r"[。．！？!?]$")


def parse_speaker_line(
    raw: str,
    *,
    under_title: bool = False,
    latin_ok: bool = True,
    loose: bool = False,
    strong_only: bool = False,
) -> list[Speaker] | None:
    """The speakers a line names, or None if it is not a speaker line.

    `under_title`: the line sits right below a talk title, so a bare name is enough
    ("山田 拓也"; with `latin_ok` also "Jane Doe", which in plain text is too often
    a product name such as "Network Policies"; with `loose` also run-together kanji
    such as "鶴田貴大", for a line right under an unmistakable title).
    `strong_only`: only a line with strong evidence (a handle, a label, an honorific,
    a company, "◆"): a list item "短期記憶（ワーキングメモリ）" has a name's shape.
    """
    found = _speakers_of_line(raw, under_title, latin_ok, loose, strong_only)
    return None if found is None else list(found)


@lru_cache(maxsize=8192)  # a line is asked about by the detectors, features and fields
def _speakers_of_line(
    raw: str, under_title: bool, latin_ok: bool, loose: bool, strong_only: bool
) -> tuple[Speaker, ...] | None:
    """`parse_speaker_line`'s answer, as a tuple that can be shared."""
    line = collapse_spaces(raw)
    if not line or len(line) > 120 or _SENTENCE_END.search(line) or _EMBED.search(line):
        return None
    if _YEAR.search(line) and _DATE.search(line):
        return None  # "— Name (@x) September 6, 2025": a tweet's signature
    link_handles: list[str] = []

    def unlink(match: re.Match[str]) -> str:
        text, url = match.group(1), match.group(2)
        if (social := _SOCIAL_URL.match(url)) and social.group(1).lower() not in _NOT_HANDLES:
            link_handles.append(social.group(1))  # the link's target, not its text
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
    if not (under_title or labelled or link_handles or _may_have_evidence(line)):
        return None  # nothing a speaker line shows beside a name: most lines of notes
    parts = _MULTI.split(line) if _MULTI.search(line) else [line]
    speakers = [_parse_one(part) for part in parts if part.strip()]
    if len(parts) > 1 and not all(speakers):
        speakers = [_parse_one(line)]
    found = [s for s in speakers if s is not None]
    if not found and link_handles:
        found = [(Speaker(link_handles[0], link_handles[0], None), _STRONG)]
    if not found or all(s.name == s.handle and _is_embed_name(s.name) for s, _ in found):
        return None
    if link_handles and found[0][0].handle is None:
        first = found[0][0]
        found[0] = (Speaker(first.name, link_handles[0], first.affiliation), _STRONG)
    strong = labelled or bool(link_handles) or any(ev == _STRONG for _, ev in found)
    if not strong and strong_only:
        return None
    if not strong:
        if any(ev == _WEAK for _, ev in found) or (under_title and loose):
            shape = _WEAK_NAME
        elif under_title:
            shape = _BARE_NAME_LATIN if latin_ok else _BARE_NAME
        else:
            return None
        if not all(shape.match(sp.name) and not looks_like_topic(sp.name) for sp, _ in found):
            return None
    return tuple(speaker for speaker, _ in found)


_NONE, _WEAK, _STRONG = 0, 1, 2
_EVIDENCE_MARK = re.compile(r"[@＠(（◆◇]")


def _may_have_evidence(line: str) -> bool:
    """A quick look for what `_parse_one` counts as evidence (a handle, brackets, ◆, an
    honorific, a company word), so a line with none is not read in full."""
    return bool(
        _EVIDENCE_MARK.search(line)
        or _ANY_HONORIFIC.search(line)
        or _COMPANY.search(line)
        or (("：" in line or ":" in line) and _social_label().search(line))
    )


_DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, \d{4}\b"
    r"|\b\d{4}[/.-]\d{1,2}[/.-]\d{1,2}\b|\d{4}年\d{1,2}月"
)
# Zenn's `@[speakerdeck](id)`, `@[youtube](id)`: an embed, not a handle.
_EMBED = re.compile(r"@\[\w+\]\(")


_KANJI_ONLY = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff々ヶ]+$")


_WORD_BREAK = re.compile(r"[\s\-]+")


def looks_like_topic(name: str) -> bool:
    """ "Identifying User Identity" has a name's shape but a title's words."""
    folded = nfkc(name).casefold()
    if folded in vocabulary.words("talk_labels"):  # "基調講演" is no one's name
        return True
    if " " not in folded and any(word in folded for word in vocabulary.words("topic_kanji")):
        return True  # "障害対応", "開発環境": a topic with a name's shape
    if _KANJI_ONLY.match(folded) and any(k in folded for k in vocabulary.words("not_name_kanji")):
        return True  # "最低限", "議事録"
    words = _WORD_BREAK.split(folded)
    common = (*vocabulary.words("title_words"), *vocabulary.words("title_parens"))
    return len(words) > 1 and any(word in common for word in words)


def _as_handle(match: re.Match[str]) -> str:
    return f" @{(match.group('h') or match.group('h2')).lstrip('@＠')} "


@cache
def _social_label() -> re.Pattern[str]:
    services = "|".join(re.escape(w) for w in vocabulary.words("social_labels"))
    return re.compile(
        # Without "@" the handle must end its part: "X: the platform" names no one.
        rf"(?<![\w@])(?i:{services})\s*[:：]\s*(?P<h>[@＠][A-Za-z0-9_][A-Za-z0-9_\-]*"
        rf"|[A-Za-z0-9_][A-Za-z0-9_\-]*(?=\s*(?:$|[,、)）/／|｜])))"
        rf"|(?<![\w@])(?i:{services})\s+(?P<h2>[@＠][A-Za-z0-9_][A-Za-z0-9_\-]*)"
    )


def _parse_one(text: str) -> tuple[Speaker, int] | None:
    """(speaker, how much evidence beyond a name the text carried: _NONE/_WEAK/_STRONG)."""
    text = nfkc_light(text.strip())
    evidence = _NONE
    handle: str | None = None
    affiliation: str | None = None
    # "Twitter: @yamada", "GitHub: yamada": a service's name labels the handle after it.
    if ":" in text or "：" in text or "@" in text or "＠" in text:
        text, labelled = _social_label().subn(_as_handle, text)
        if labelled:
            evidence = _STRONG
    for content in _PAREN.findall(text):
        content = content.strip()
        if handle_match := _HANDLE.fullmatch(content):
            handle = handle or handle_match.group(1)
        elif (several := _HANDLE.findall(content)) and not _HANDLE.sub("", content).strip(" ,、"):
            handle = handle or several[0]  # "(@jdoe, @jdoe_dev)"
        elif content and affiliation is None:
            affiliation = content
        evidence = max(evidence, _WEAK)
    text = _PAREN.sub(" ", text)
    # "@yamada / サンプル社": a handle first, then what it works for.
    handle_first = bool(_HANDLE_FIRST.match(text))
    handles = _HANDLE.findall(text)
    if handles:
        handle = handle or handles[0]
    if handle:
        evidence = _STRONG
    text = _HANDLE.sub(" ", text)
    # "加藤 遥 / @haruka_kt / ミドリテック": the handle's place leaves two separators.
    segments = [s for s in (seg.strip(_SEPARATOR_CHARS) for seg in _SEPARATOR.split(text)) if s]
    if any(_HONORIFIC.fullmatch(segment) for segment in segments):  # "@yamada_t さん"
        segments = [segment for segment in segments if not _HONORIFIC.fullmatch(segment)]
        evidence = _STRONG
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
    if (
        handle_first
        and handle
        and name is not None
        and affiliation is None
        and len(segments) == 1
        and not _HONORIFIC.search(segments[0])
    ):
        name, affiliation = handle, name
    if name is None and segments:
        # "ヤフー株式会社 高木さん": affiliation first, then the name.
        # "サンプル株式会社の山田さん" too.
        company_first = _COMPANY_FIRST.match(segments[0])
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
        if len(affiliation) > 60:
            return None
        affiliation = clean_affiliation(affiliation)
    return Speaker(name, handle, affiliation), evidence


_SEPARATOR_CHARS = " \u3000/／|｜,，-–—◆◇"
_LIST_SPLIT = re.compile(r"\s*[,，、;]\s*")


def _is_role(text: str) -> bool:
    folded = nfkc(text).casefold().strip()
    return folded in vocabulary.words("speaker_roles") or bool(_ROLE_OF.match(folded))


_ROLE_OF = re.compile(r"^(?:head|director|vp|vice president|lead|chief [a-z ]+ officer)\b")
_ROLE_AT = re.compile(r"^(?P<role>.+?)\s*(?:\s(?:at|of)\s|[@＠])\s*(?P<org>\S.*)$", re.IGNORECASE)
_DESCRIPTION = re.compile(r"^(?:a|an|the|one|who|working|works)\s", re.IGNORECASE)


def clean_affiliation(text: str) -> str | None:
    """The organisation in what is written beside a speaker's name.

    "Studio, カンファレンスロゴ作成" is "Studio"; "Cloudflare developer advocate" is
    "Cloudflare"; a description ("関東の大学生", "a co-author of …") is none."""
    text = text.strip()
    if text[:1] in "(（" and text[-1:] in ")）":
        text = text[1:-1].strip()
    parts = _LIST_SPLIT.split(text)
    # "Head of Platform, Example": a role first, the organisation after it.
    while len(parts) > 1 and _is_role(parts[0]):
        parts = parts[1:]
    text = parts[0].strip()
    # "Staff Engineer at Example", "エンジニア@サンプル社": the organisation after a role.
    if (at := _ROLE_AT.match(text)) and clean_affiliation(at.group("role")) is None:
        text = at.group("org").strip()
    # "Google." loses the full stop of its sentence; "Example Inc." keeps its own.
    if text.endswith((".", "。")) and not _COMPANY.search(text.rsplit(None, 1)[-1]):
        text = text.rstrip(".。")
    if not text or _DESCRIPTION.match(text):
        return None
    roles = vocabulary.words("speaker_roles")
    folded = nfkc(text).casefold()
    for role in roles:
        if folded == role:
            return None
        if folded.endswith(role) and len(folded) > len(role):
            head = text[: len(text) - len(role)].rstrip(" ・")
            # "メディア企業のウェブエンジニア": a role described, not an organisation.
            if not head or head.endswith("の") or "の" in head[-3:]:
                return None
            if nfkc(head).casefold() == folded[: len(folded) - len(role)].rstrip(" ・"):
                return head.strip() or None
    return text


def _looks_like_name(text: str, evident: bool) -> bool:
    if not text or len(text) > 40 or _COMPANY.search(text):
        return False
    if _JA_NAME.match(text):
        return True
    if _LATIN_NAME.match(text):
        return True
    if not evident:
        return False
    # With a handle, a label or an honorific beside it, a short free-form name goes
    # too: "南悠輝 kotori", "しょうた@なつみかん".
    return (
        bool(_NICKNAME.match(text))
        or (
            len(text) <= 24
            and len(text.split()) <= 3
            and not _NOT_NAME_CHARS.search(text)
            # Latin words must look like a name ("Pattern matching" does not).
            and (bool(_HAS_CJK.search(text)) or all(w[:1].isupper() for w in text.split()))
        )
    )


_HAS_CJK = re.compile(rf"[{_CJK}]")
_NOT_NAME_CHARS = re.compile(r"[。、！？!?:：「」『』()（）\[\]/]|https?|\d{3,}")


def undecorate(line: str) -> str:
    """A line without list bullets and the emphasis wrapped around all of it."""
    line = _BULLETS.sub("", line.strip()).strip()
    for _ in range(2):
        if match := _WRAPPED.match(line):
            line = match.group(2).strip()
    return collapse_spaces(line.replace("**", ""))


_FULL_WIDTH = re.compile(r"[！-＞［-～]")


def nfkc_light(text: str) -> str:
    """Full-width ASCII to half-width, keeping kana and punctuation as written."""
    # "＠" stays: inside a name ("しょうた＠なつみかん") it is part of how it is written.
    return _FULL_WIDTH.sub(lambda m: nfkc(m.group(0)), text) if _FULL_WIDTH.search(text) else text


@lru_cache(maxsize=8192)  # asked of each line under a title by the features and the fields
def handle_only(line: str) -> str | None:
    """`@dulltz` on a line of its own: a handle that belongs to the speaker above."""
    match = _HANDLE.fullmatch(undecorate(line))
    if not match or _EMBED.search(line) or _is_embed_name(match.group(1)):
        return None
    return match.group(1)


def _is_embed_name(handle: str) -> bool:
    """ "@speakerdeck" alone is a dumped embed (`@[speakerdeck](id)`), not a person."""
    return handle.casefold() in vocabulary.words("embed_names")


def social_handle(url: str) -> str | None:
    match = _SOCIAL_URL.match(url)
    if match and match.group(1).lower() not in _NOT_HANDLES:
        return match.group(1)
    return None

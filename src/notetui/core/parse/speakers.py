"""Recognising speaker lines in the text around a talk title.

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

The stage's entry points: `speakers_in(body)` (the speakers at the top of a talk's
body and which lines are speaker or slide lines), `speaker_of_line(line)` (evidence
for a candidate title), `parse_speaker_line(line)` (one line). Labels, honorifics,
company words and roles are vocabularies (vocab/speaker_labels.txt, honorifics.txt,
org_suffixes.txt, speaker_roles.txt). Slide links live in slides.py and merging people
in speaker_merge.py; both are re-exported here for older callers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from notetui.core.models import Speaker
from notetui.core.parse import slides as _slides
from notetui.core.parse import vocabulary
from notetui.core.parse.slides import is_slide_line as is_slide_line  # moved; kept for imports
from notetui.core.parse.speaker_merge import merge_speakers as merge_speakers  # moved; kept
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
_HANDLE = re.compile(r"(?<![\w@./])[@＠]([A-Za-z0-9_][A-Za-z0-9_\-]{0,38})(?![\w@])")
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
_COMPANY = re.compile(
    "|".join(
        rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])" if word[0].isascii() else re.escape(word)
        for word in vocabulary.words("org_suffixes")
    ),
    re.IGNORECASE,
)
# Brackets beside a name: its handle or its company; "(株)" is part of a company's name.
_PAREN = re.compile(r"[(（](?![株有][)）])([^()（）]{0,80})[)）]")
_SEPARATOR = re.compile(r"\s*(?:◆|◇|／|\||｜|\s/\s|\s[-–—]\s|,\s*|，\s*)\s*")
_MULTI = re.compile(r"\s*(?:&|＆|\band\b|、|と(?=\s*[" + _CJK + r"A-Z]))\s*")
_BULLETS = re.compile(r"^(?:[#>*\-+・•◆■●▶]+\s+|[・•◆■●▶#]+)+")
_WRAPPED = re.compile(r"^(\*\*|__|\*|_)(.+)\1$")
_SENTENCE_END = re.compile(r"[。．！？!?]$")


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
    if not line or len(line) > 120 or _SENTENCE_END.search(line) or _EMBED.search(line):
        return None
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
    if not strong:
        if any(ev == _WEAK for _, ev in found) or (under_title and loose):
            shape = _WEAK_NAME
        elif under_title:
            shape = _BARE_NAME_LATIN if latin_ok else _BARE_NAME
        else:
            return None
        if not all(shape.match(sp.name) and not _titleish(sp.name) for sp, _ in found):
            return None
    return [speaker for speaker, _ in found]


_NONE, _WEAK, _STRONG = 0, 1, 2
# Zenn's `@[speakerdeck](id)`, `@[youtube](id)`: an embed, not a handle.
_EMBED = re.compile(r"@\[\w+\]\(")


def _titleish(name: str) -> bool:
    """ "Identifying User Identity" has a name's shape but a title's words."""
    folded = nfkc(name).casefold()
    if folded in vocabulary.words("talk_labels"):  # "基調講演" is no one's name
        return True
    if " " not in folded and any(word in folded for word in vocabulary.words("topic_kanji")):
        return True  # "障害対応", "開発環境": a topic with a name's shape
    words = re.split(r"[\s\-]+", folded)
    common = (*vocabulary.words("title_words"), *vocabulary.words("title_parens"))
    return len(words) > 1 and any(word in common for word in words)


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
    # "@yamada / サンプル社": a handle first, then what it works for.
    handle_first = bool(re.match(r"\s*[@＠][A-Za-z0-9_]", text))
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
        company_first = re.match(rf"^(\S*?(?:{_COMPANY.pattern})\S*)\s+(.+)$", segments[0])
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
    return bool(_NICKNAME.match(text)) or (
        len(text) <= 24 and len(text.split()) <= 3 and not _NOT_NAME_CHARS.search(text)
    )


_NOT_NAME_CHARS = re.compile(r"[。、！？!?:：「」『』()（）\[\]/]|https?|\d{3,}")


def undecorate(line: str) -> str:
    """A line without list bullets and the emphasis wrapped around all of it."""
    line = _BULLETS.sub("", line.strip()).strip()
    for _ in range(2):
        if match := _WRAPPED.match(line):
            line = match.group(2).strip()
    return collapse_spaces(line.replace("**", ""))


def nfkc_light(text: str) -> str:
    """Full-width ASCII to half-width, keeping kana and punctuation as written."""
    # "＠" stays: inside a name ("しょうた＠なつみかん") it is part of how it is written.
    return re.sub(r"[！-＞［-～]", lambda m: nfkc(m.group(0)), text)


def handle_only(line: str) -> str | None:
    """`@dulltz` on a line of its own: a handle that belongs to the speaker above."""
    match = _HANDLE.fullmatch(undecorate(line))
    if not match or _EMBED.search(line) or _is_embed_name(match.group(1)):
        return None
    return match.group(1)


def _is_embed_name(handle: str) -> bool:
    """ "@speakerdeck" alone is a dumped embed (`@[speakerdeck](id)`), not a person."""
    return handle.casefold() in vocabulary.words("embed_names")


def slide_links(lines: Iterable[str]) -> list[str]:
    """The decks in a talk's lines: `slides.slide_links` (kept here for old callers)."""
    return list(_slides.slide_links("\n".join(lines)))


def social_handle(url: str) -> str | None:
    match = _SOCIAL_URL.match(url)
    if match and match.group(1).lower() not in _NOT_HANDLES:
        return match.group(1)
    return None


# ----------------------------------------------------------------------------------------
# The speakers of a talk, from the first lines of its body
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SpeakerLines:
    """The speakers named at the top of a talk's body, and which of its lines (0-based
    indexes into the lines given) are speaker or slide lines, not points."""

    speakers: tuple[Speaker, ...]
    line_indexes: frozenset[int]
    end: int = 0  # the first index after the speaker, slide and link lines at the top


# How far into a body its speaker lines may sit: after the title, a speaker line, a
# handle, a slide link, the talk's page; not after the notes have begun.
_HEAD_LINES = 8
_CONTENT_BEFORE_SPEAKER = 0  # the notes have begun: a later "@x" is talk content


def speakers_in(
    lines: Sequence[str], *, strong: bool = True, title: str | None = None
) -> SpeakerLines:
    """The speakers named in the first lines of a talk's body (the lines right under
    its title), and the indexes of the speaker and slide lines among them.

    Speaker lines: `### Name ◆ Company`, `登壇者: X (@x)`, `@handle さん`, `発表者：…`,
    `Speaker: Name, Org`, `名前 / @handle / 会社`, `By Jane Doe, Example.`; a handle on a
    line of its own goes to the speaker above. When no line is a speaker line, the first
    sentences may still name one: "メルカリの[morikuniさん](https://twitter.com/…)による…",
    "it was given by Bill Kennedy".

    `strong`: the title above is clearly one (a heading, quoted, timed, labelled), so a
    bare name in any script right under it is a speaker line ("Dana Moreau", "北条慎也");
    under a weaker title a bare Latin or run-together name is too often a point.
    `title`: the talk's clean title; a line that repeats it is a link card
    ("Title | Conference 2024"), not a speaker line."""
    found: list[Speaker] = []
    end = 0
    marked: set[int] = set()
    content = 0
    prose: list[str] = []
    seen = 0
    for index, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        seen += 1
        if seen > _HEAD_LINES:
            break
        if title and len(title) > 1 and text.startswith(title) and not content:
            end = index + 1
            continue
        if handle := handle_only(text):
            if found and found[-1].handle is None:
                last = found[-1]
                found[-1] = Speaker(last.name, handle, last.affiliation)
            elif not any(s.handle == handle for s in found):
                found.append(Speaker(handle, handle, None))
            marked.add(index)
            end = index + 1 if not content else end
            continue
        # A bare name right under the title is a speaker line; as a list item it is
        # more often the first point ("- Lint Style"), so a bullet needs evidence.
        bare_ok = seen == 1 and not _LIST_ITEM.match(text)
        # A heading of run-together kanji is a section ("## 障害対応"), not a name.
        loose = strong and not text.startswith("#")
        if content <= _CONTENT_BEFORE_SPEAKER and (
            speakers := parse_speaker_line(text, under_title=bare_ok, latin_ok=strong, loose=loose)
        ):
            found.extend(s for s in speakers if s not in found)
            marked.add(index)
            end = index + 1 if not content else end
            continue
        if handles := _handles_after_links(text):  # "https://… %} @alice, @bob"
            found.extend(Speaker(h, h, None) for h in handles if Speaker(h, h, None) not in found)
            marked.add(index)
            end = index + 1 if not content else end
            continue
        if is_slide_line(text) or _is_aside(text):
            if is_slide_line(text):
                marked.add(index)
            end = index + 1 if not content else end
            continue
        content += 1
        if len(prose) < 2:
            prose.append(text)
        if found and content > 0:
            break
        if content > _CONTENT_BEFORE_SPEAKER + 1:
            break
    if not found:
        for sentence in prose:
            if named := speakers_in_prose(sentence):
                found.extend(named)
                break
    return SpeakerLines(tuple(found), frozenset(marked | _slide_lines(lines)), end)


def _slide_lines(lines: Sequence[str]) -> set[int]:
    """Slide lines anywhere in the body, with a "資料" line that heads them."""
    marked = {i for i, line in enumerate(lines) if "http" in line or "@" in line}
    marked = {i for i in marked if is_slide_line(lines[i])}
    if marked:  # only the talk's own decks: not a deck under "### 参考" or "前回"
        decks = set(_slides.slide_links("\n".join(["", *lines])))
        marked = {
            i
            for i in marked
            if _slides.is_slide_embed(lines[i]) or decks.intersection(_slides.urls_in(lines[i]))
        }
    for index in sorted(marked):
        before = index - 1
        while before >= 0 and (not lines[before].strip() or _slides.is_slide_label(lines[before])):
            if lines[before].strip():
                marked.add(before)
            before -= 1
    return marked


_WHOLE_TAG = re.compile(r"\{%.*?%\}|\{\{[<%].*?[>%]\}\}")
_LINKISH = re.compile(
    r"!?\[[^\]]*\]\([^)]*\)|https?://\S+|\{%-?\s*[\w-]+|%\}|\{\{[<%][^}]*[>%]\}\}"
)


def _handles_after_links(text: str) -> list[str]:
    """The handles a line gives after its links: a title's tag wrapped onto this line
    ("…/edit %} @alice, @bob"), or "https://speakerdeck.com/… @alice"."""
    if "http" not in text and "%}" not in text:
        return []
    rest = _LINKISH.sub(" ", _WHOLE_TAG.sub(" ", text))
    rest = _BULLETS.sub("", rest.strip())
    if not re.fullmatch(r"(?:[@＠][A-Za-z0-9_][A-Za-z0-9_\-]*[\s,、&]*)+", rest.strip()):
        return []
    handles = [h for h in _HANDLE.findall(rest) if not _is_embed_name(h)]
    return handles


def speaker_of_line(line: str, *, strong: bool = True) -> Speaker | None:
    """The speaker a line right under a candidate title names, if it is a speaker line
    (evidence that the candidate is a talk). `strong` as in `speakers_in`; a list item
    needs evidence beyond a bare name ("- Lint Style" is a point)."""
    text = line.strip()
    if not text:
        return None
    if handle := handle_only(text):
        return Speaker(handle, handle, None)
    bare_ok = not _LIST_ITEM.match(text)
    loose = strong and not text.startswith("#")
    found = parse_speaker_line(text, under_title=bare_ok, latin_ok=strong, loose=loose)
    return found[0] if found else None


_LIST_ITEM = re.compile(r"^(?:[-*+・•]|\d{1,2}[.)])\s")
# A line that sits among speaker lines without being a point: a bare URL (the talk's
# page), an embed, an image, a template tag.
_ASIDE = re.compile(
    r"^(?:[-*+]\s+)?(?:https?://\S+|@\[\w+\]\([^)]*\)|!\[[^\]]*\]\([^)]*\)|\{[%{].*[%}]\}"
    r"|<(?:iframe|img|figure|script|blockquote|div|p)\b.*|:::.*)$",
    re.IGNORECASE,
)


def _is_aside(text: str) -> bool:
    return bool(_ASIDE.match(text))


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
_PARTICLES = re.compile(r".*(?:[はがをにでとも、。]|の(?!$))")
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

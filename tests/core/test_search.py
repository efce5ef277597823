"""The library search: what a reader typing into the `/` box finds, and what gets highlighted."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pytest

from notetui.core.search import index as search
from notetui.core.search.index import SearchDoc, SearchHit, SearchIndex
from notetui.core.search.matching import FRAGMENT_WIDTH
from support.paths import CORPUS


def well_formed(hits: Iterable[SearchHit]) -> list[SearchHit]:
    """Checks every hit is displayable as is; returns them for further asserts."""
    out = list(hits)
    for hit in out:
        assert "\n" not in hit.fragment
        assert not re.search(r"[\x00-\x1f\x7f]", hit.fragment)
        assert len(hit.fragment) <= FRAGMENT_WIDTH + 2  # plus the two "…"
        last = 0
        for start, end in hit.spans:
            assert last <= start < end <= len(hit.fragment)
            last = end
    assert [h.score for h in out] == sorted((h.score for h in out), reverse=True)
    return out


def highlighted(hit: SearchHit) -> list[str]:
    return [hit.fragment[a:b] for a, b in hit.spans]


# ----------------------------------------------------------------------------------------------
# Hand-written examples (our own words)
# ----------------------------------------------------------------------------------------------

BODY = "\n".join(
    [
        "* 画像の変換は非同期キューで処理",
        "* 運用はオンコール当番制",
        "  - ｴﾝﾎﾞｲ経由でＧＲＰＣのサービスを呼ぶ",
        "* NetworkPolicyで名前空間ごとに通信を絞った",
        "* 発表者: 山本 美月 (@mizuki_dev)",
    ]
)
DOCS = [
    SearchDoc("talk", "t1", "title", "Envoyで始めるgRPC負荷分散"),
    SearchDoc("talk", "t2", "title", "画像配信基盤の運用改善"),
    SearchDoc("talk", "t3", "title", "Rust入門"),
    SearchDoc("talk", "t4", "title", "Rustで書いた全文検索エンジンの設計と運用で学んだこと"),
    SearchDoc("talk", "t5", "speaker", "山本 美月"),
    SearchDoc("talk", "t5", "handle", "@mizuki_dev"),
    SearchDoc("talk", "t6", "title", "画像の話"),
    SearchDoc("event", "e1", "event", "Tokyo Backend Night #7"),
    SearchDoc("tag", "e1", "tag", "kubernetes"),
    SearchDoc("body", "t2", "body", BODY, note="notes/night7.md", line=40),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(iter(DOCS))  # any iterable will do


def ids(hits: Iterable[SearchHit]) -> list[tuple[str, str]]:
    return [(h.doc.target_id, h.doc.field) for h in hits]


def test_len_counts_every_doc(index: SearchIndex) -> None:
    assert len(index) == len(DOCS)
    assert len(SearchIndex([])) == 0
    assert SearchIndex([]).search("anything") == []


@pytest.mark.parametrize("query", ["", "   ", "\u3000", "\t\n"])
def test_blank_query_finds_nothing(index: SearchIndex, query: str) -> None:
    assert index.search(query) == []


def test_latin_terms_match_word_prefixes(index: SearchIndex) -> None:
    assert ("t1", "title") in ids(index.search("envo"))
    hits = well_formed(index.search("grp"))
    assert ("t1", "title") in ids(hits)
    t1 = next(h for h in hits if h.doc.target_id == "t1")
    assert highlighted(t1) == ["gRP"]
    # Inside a word is not a match: "nvoy" is not the start of any word.
    assert index.search("nvoy") == []


def test_camel_case_parts_are_words(index: SearchIndex) -> None:
    hits = well_formed(index.search("policy"))
    assert ids(hits) == [("t2", "body")]
    assert highlighted(hits[0]) == ["Policy"]
    assert hits[0].line == 43


def test_cjk_terms_match_anywhere(index: SearchIndex) -> None:
    assert ("t2", "title") in ids(index.search("配信"))  # inside "画像配信基盤"
    assert ("t2", "title") in ids(index.search("基"))  # one character
    assert ("t2", "title") in ids(index.search("盤"))  # one character, at the end of a run
    assert index.search("配像") == []


def test_terms_are_anded_across_lines(index: SearchIndex) -> None:
    hits = well_formed(index.search("画像 運用"))
    # t6 has 画像 but not 運用; the body has them on different lines and still matches.
    assert ids(hits) == [("t2", "title"), ("t2", "body")]
    assert index.search("画像 kubernetes") == []


def test_mixed_script_query(index: SearchIndex) -> None:
    hits = well_formed(index.search("rust 運用"))
    assert ids(hits) == [("t4", "title")]
    assert highlighted(hits[0]) == ["Rust", "運用"]


def test_title_ranks_above_body_and_short_above_long(index: SearchIndex) -> None:
    hits = well_formed(index.search("運用"))
    fields = [h.doc.field for h in hits]
    assert fields.index("body") > fields.index("title")
    assert fields[-1] == "body"
    rust = ids(index.search("rust"))
    assert rust == [("t3", "title"), ("t4", "title")]


def test_handle_found_with_or_without_at(index: SearchIndex) -> None:
    for query in ("mizuki", "@mizuki", "mizuki_dev", "＠ｍｉｚｕｋｉ"):
        hits = well_formed(index.search(query))
        assert ("t5", "handle") in ids(hits), query
        assert ("t2", "body") in ids(hits), query
        body = next(h for h in hits if h.doc.field == "body")
        assert body.line == 44
    # Punctuation around a term is dropped, punctuation inside it is kept.
    assert highlighted(index.search("(@mizuki_dev)")[0]) == ["mizuki_dev"]
    assert index.search("mizuki-dev") == []


def test_punctuation_around_a_term_is_ignored(index: SearchIndex) -> None:
    assert ids(index.search("envoy.")) == ids(index.search("envoy")) == [("t1", "title")]
    assert ids(index.search("「画像」")) == ids(index.search("画像"))


def test_speaker_ranks_above_the_body_that_names_them(index: SearchIndex) -> None:
    hits = well_formed(index.search("山本 美月"))
    assert ids(hits) == [("t5", "speaker"), ("t2", "body")]
    assert highlighted(hits[0]) == ["山本", "美月"]


def test_spans_point_at_original_characters_despite_width(index: SearchIndex) -> None:
    # The body writes ｴﾝﾎﾞｲ (5 half-width characters) and ＧＲＰＣ (full-width); the query is
    # written the other way round. The highlight must cover the characters as written.
    hits = well_formed(index.search("エンボイ grpc"))
    body = next(h for h in hits if h.doc.field == "body")
    assert body.line == 42  # the body starts at line 40; this is its third line
    assert body.fragment == "- ｴﾝﾎﾞｲ経由でＧＲＰＣのサービスを呼ぶ"
    assert highlighted(body) == ["ｴﾝﾎﾞｲ", "ＧＲＰＣ"]
    # And the other way: a full-width query finds half-width text.
    title = next(h for h in index.search("ＥＮＶＯＹ") if h.doc.target_id == "t1")
    assert highlighted(title) == ["Envoy"]


def test_non_body_hits_carry_the_doc_line(index: SearchIndex) -> None:
    hit = index.search("tokyo")[0]
    assert hit.doc.field == "event"
    assert hit.line is None
    assert hit.fragment == "Tokyo Backend Night #7"


def test_limit(index: SearchIndex) -> None:
    assert len(index.search("運用", limit=1)) == 1
    assert index.search("運用", limit=0) == []


ODD_QUERIES = [
    "[/]",
    "\x1b]52;c;aGVsbG8=\x07",
    "a" * 5000,
    "画" * 5000,
    " ".join(["運用"] * 2000),
    ".*(?:[",
    "\\d+$^|",
    "((((",
    "\udcff",
    "\x00",
    "\u0301\u3099",
    "\u202e運用",
    "🎉 emoji",
    "ｶﾞｷﾞｸﾞ",
    "İstanbul",
    "ß",
    "k8s-",
    "@",
    "#",
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_input_never_raises(index: SearchIndex, query: str) -> None:
    well_formed(index.search(query))


def test_odd_docs_never_raise() -> None:
    docs = [
        SearchDoc("body", "x", "body", "", line=1),
        SearchDoc("body", "x", "body", "\n\n\n", line=1),
        SearchDoc("body", "x", "body", "\x1b[31m赤い運用\x1b[0m\tタブ\r\n次の行", line=1),
        SearchDoc("title", "x", "title", "\udcff壊れた運用"),
        SearchDoc("title", "x", "title", "㍿の運用 ﬁle"),
        SearchDoc("title", "x", "title", "İSTANBUL運用"),
        SearchDoc("body", "x", "body", "運用" + "あ" * 1000 + "運用\n" * 3, line=None),
    ]
    index = SearchIndex(docs)
    hits = well_formed(index.search("運用"))
    assert len(hits) == 5
    for hit in hits:
        for text in highlighted(hit):
            assert text == "運用"
    assert well_formed(index.search("file"))[0].fragment == "㍿の運用 ﬁle"
    assert highlighted(index.search("file")[0]) == ["ﬁle"]
    assert highlighted(index.search("株式会社")[0]) == ["㍿"]


def test_long_line_is_cut_around_the_match() -> None:
    line = "前置き" * 40 + "ここに運用の話" + "後書き" * 40
    index = SearchIndex([SearchDoc("body", "x", "body", "一行目\n" + line, line=10)])
    (hit,) = well_formed(index.search("運用"))
    assert hit.line == 11
    assert hit.fragment.startswith("…") and hit.fragment.endswith("…")
    assert highlighted(hit) == ["運用"]


def test_partial_match_for_long_katakana_terms() -> None:
    docs = [
        SearchDoc("body", "near", "body", "* 概要\n* ネットワーク層とアクセスのポリシー", line=1),
        SearchDoc("body", "far", "body", "* ネットワークの話\n* ポリシーの話", line=1),
        SearchDoc("title", "exact", "title", "ネットワークポリシー入門"),
    ]
    index = SearchIndex(docs)
    hits = well_formed(index.search("ネットワークポリシー"))
    # The exact match first; the partial one after it; words on different lines are no match.
    assert [h.doc.target_id for h in hits] == ["exact", "near"]
    near = hits[1]
    assert near.line == 2
    assert highlighted(near) == ["ネットワーク", "ポリシー"]
    assert hits[0].score > near.score
    # Partial matching is for longer katakana/kanji terms only, and needs most of their bigrams.
    assert index.search("ネポリ") == []
    assert [h.doc.target_id for h in index.search("ネットワークのポリシー")] == ["exact", "near"]
    # "ネット…ポリ" spreads over more than twice the term's length in "near": not close enough.
    assert [h.doc.target_id for h in index.search("ネットポリ")] == ["exact"]


def test_exact_hits_rank_above_partial_ones_whatever_the_field() -> None:
    docs = [
        SearchDoc("title", "title", "title", "画像変換と運用"),
        SearchDoc("body", "body", "body", "画像運用の記録", line=1),
    ]
    hits = well_formed(SearchIndex(docs).search("画像運用"))
    assert [h.doc.target_id for h in hits] == ["body", "title"]


# ----------------------------------------------------------------------------------------------
# The index agrees with a plain scan of every doc, across many segments
# ----------------------------------------------------------------------------------------------

LATIN = ["kube", "kubectl", "kubernetes", "envoy", "grpc", "go", "gopher", "rust", "k8s", "v1"]
JAPANESE = ["運用", "監視", "画像", "配信", "の", "を", "ログ", "基盤", "障害", "対応", "設計"]


def plain_match(text: str, term: str) -> bool:
    folded = unicodedata.normalize("NFKC", text).casefold()
    if term.isascii():
        return re.search(r"(?<![0-9a-z])" + re.escape(term), folded) is not None
    return term in folded


def test_index_agrees_with_a_plain_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "_SEGMENT_SIZE", 7)  # many segments, many boundaries
    rng = random.Random(7)
    docs = []
    for i in range(400):
        words = rng.choices(LATIN + JAPANESE, k=rng.randint(1, 12))
        glue = rng.choice([" ", "", "、", "\n"])
        text = glue.join(words)
        if rng.random() < 0.1:
            text = text.upper()  # not per word: "k8sKUBE" would make a camelCase part
        field = rng.choice(["title", "speaker", "tag", "body"])
        docs.append(SearchDoc("talk", f"d{i}", field, text, line=1 if field == "body" else None))
    index = SearchIndex(docs)
    assert len(index._segments) > 50
    queries = ["k", "ku", "kub", "kube", "go", "v", "運", "運用", "用", "の", "ログ 運用", "g 監視"]
    # CJK terms of up to three characters: longer ones may also match partially.
    queries += ["k8s 画像 の", "rust go", "配信基", "監視対", "zz", "を運"]
    for query in queries:
        expected = {d.target_id for d in docs if all(plain_match(d.text, t) for t in query.split())}
        found = [h.doc.target_id for h in well_formed(index.search(query, limit=10_000))]
        assert len(found) == len(set(found))
        assert set(found) == expected, query


def test_limit_keeps_the_best(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "_SEGMENT_SIZE", 16)
    docs = [SearchDoc("body", f"b{i}", "body", f"行{i}\n運用の話", line=1) for i in range(200)]
    docs += [SearchDoc("talk", f"t{i}", "title", "運用" + "あ" * i) for i in range(60)]
    index = SearchIndex(docs)
    everything = index.search("運用", limit=1000)
    assert len(everything) == 260
    top = index.search("運用", limit=10)
    assert [h.doc.target_id for h in top] == [f"t{i}" for i in range(10)]


# ----------------------------------------------------------------------------------------------
# The real corpus
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(corpus_dir: Path) -> dict[str, list[str]]:
    return {
        p.name: p.read_text(encoding="utf-8").split("\n") for p in sorted(corpus_dir.glob("*.txt"))
    }


@pytest.fixture(scope="module")
def corpus_index(corpus: dict[str, list[str]]) -> SearchIndex:
    """One body doc per file, and a crude title doc per heading or 「quoted」 line."""
    docs = []
    for name, lines in corpus.items():
        docs.append(SearchDoc("body", name, "body", "\n".join(lines), note=name, line=1))
        for number, line in enumerate(lines, start=1):
            text = line.strip()
            if text.startswith("#"):
                title = text.lstrip("#").strip()
            elif text.startswith("「") and text.endswith("」"):
                title = text[1:-1]
            else:
                continue
            docs.append(SearchDoc("talk", f"{name}:{number}", "title", title))
    return SearchIndex(docs)


def expected_titles(cluster: str) -> set[str]:
    truth = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    return {
        talk["title"]
        for entry in truth["files"].values()
        for talk in entry["talks"]
        if talk["cluster"] == cluster
    }


def lines_with(lines: list[str], *needles: str) -> list[int]:
    return [n for n, line in enumerate(lines, start=1) if all(s in line for s in needles)]


@pytest.mark.parametrize(("query", "cluster"), [("画像 運用", "bb4-4"), ("gRPC envoy", "bb4-5")])
def test_corpus_talk_titles(corpus_index: SearchIndex, query: str, cluster: str) -> None:
    hits = well_formed(corpus_index.search(query))
    titles = [h.doc.text for h in hits if h.doc.field == "title"]
    wanted = expected_titles(cluster)
    assert len(wanted) == 3
    for title in wanted:
        assert any(title in found for found in titles), title
    assert hits[0].doc.field == "title"
    # Every hit has both terms highlighted.
    for hit in hits[: len(titles)]:
        folded = [unicodedata.normalize("NFKC", s).casefold() for s in highlighted(hit)]
        assert set(folded) == set(query.casefold().split())


def test_corpus_partial_katakana_match(
    corpus: dict[str, list[str]], corpus_index: SearchIndex
) -> None:
    name = next(n for n in corpus if n.startswith("002_"))
    (line,) = lines_with(corpus[name], "ネットワーク", "ポリシー")
    hits = well_formed(corpus_index.search("ネットワークポリシー"))
    body = next(h for h in hits if h.doc.field == "body")
    assert body.doc.target_id == name
    assert body.line == line
    assert highlighted(body) == ["ネットワーク", "ポリシー"]


def test_corpus_handle(corpus: dict[str, list[str]], corpus_index: SearchIndex) -> None:
    hits = well_formed(corpus_index.search("tkgtransit"))
    bodies = {h.doc.target_id: h for h in hits if h.doc.field == "body"}
    for prefix in ("001_", "002_"):
        name = next(n for n in corpus if n.startswith(prefix))
        (line,) = lines_with(corpus[name], "@tkgtransit")
        assert bodies[name].line == line
        assert highlighted(bodies[name]) == ["tkgtransit"]


def test_corpus_every_hit_is_well_formed(corpus_index: SearchIndex) -> None:
    for query in ["k", "k8s", "ｋ８ｓ", "クラスタ", "監視 prometheus", "envoy grpc 導入", "ヤフー"]:
        assert well_formed(corpus_index.search(query)), query


def test_long_unnormalised_line_maps_spans_back() -> None:
    line = "（全角）ＡＢＣとｶﾀｶﾅ" * 300 + "ここでｴﾝﾎﾞｲを運用" + "ﾃｽﾄ" * 300
    index = SearchIndex([SearchDoc("body", "x", "body", line, line=1)])
    (hit,) = well_formed(index.search("エンボイ"))
    assert highlighted(hit) == ["ｴﾝﾎﾞｲ"]
    assert hit.line == 1

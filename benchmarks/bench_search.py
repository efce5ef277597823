"""How fast is the library search, from a keystroke to results, on a big library?

    .venv/bin/python benchmarks/bench_search.py [--talks N] [--seed S] [--repeat R]

Generates a synthetic library of N talks (about three in four Japanese), with titles, aliases,
speakers, handles, affiliations, events, tags and a 1-3 KB body per talk, all built from the
vocabulary below (our own words). Builds a `SearchIndex` over it, printing the build time and
the process's peak RSS, then types a mix of queries one keystroke at a time ("k", "ku", "kub",
...; Japanese prefixes; two-term queries; misses) and prints p50 / p95 / max latency.
It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from notetui.core.search.index import SearchDoc, SearchIndex

# ----------------------------------------------------------------------------------------------
# Vocabulary (invented for this benchmark)
# ----------------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


TECH = _words(
    "Kubernetes k8s gRPC Envoy Istio Prometheus Grafana Terraform Rust Go Python TypeScript "
    "React Vue.js Kafka BigQuery PostgreSQL MySQL Redis AWS GCP Azure EKS GKE Docker Helm "
    "ArgoCD GitOps OpenTelemetry eBPF WebAssembly GraphQL Flutter Swift Kotlin LLM RAG "
    "Datadog Cilium Spinnaker Jenkins CircleCI Airflow Spark DuckDB Snowflake FastAPI Django "
    "Next.js Tokio Linkerd Vault Falco SLO SRE CI/CD NetworkPolicy PodDisruptionBudget"
)
KATAKANA = _words(
    "コンテナ ネットワーク ポリシー セキュリティ マイクロサービス プラットフォーム "
    "オブザーバビリティ デプロイ パイプライン モニタリング アラート ログ メトリクス トレース "
    "キャッシュ データベース クラスタ ノード スケーリング ロードバランサ ゲートウェイ "
    "サービスメッシュ インフラ アーキテクチャ リファクタリング テスト レビュー チーム "
    "プロダクト ユーザー リリース ロールバック カナリア ストレージ バックアップ "
    "マイグレーション フロントエンド バックエンド コンポーネント ワークフロー ダッシュボード "
    "オンコール ポストモーテム スキーマ クエリ インデックス レイテンシ スループット "
    "エラーバジェット ランブック サイドカー オペレーター コントローラ シャーディング"
)
KANJI_WORDS = _words(
    "運用 監視 障害 対応 設計 開発 導入 移行 改善 自動化 検証 構築 基盤 画像 配信 検索 決済 "
    "認証 権限 設定 管理 負荷 性能 分散 非同期 可視化 品質 組織 採用 教育 振り返り 課題 解決 "
    "事例 知見 実践 入門 技術 負債 社内 本番 環境 開発者 体験 費用 削減 安定 稼働 冗長化 "
    "分析 集計 通知 規約 標準 手順 属人化 内製 刷新 統合 分離 調査 原因 対策 再発 防止"
)
KANJI = (
    "日本語文字列探索速度計測結果報告会場参加者発表資料質問回答時間終了開始予定変更追加削除"
    "更新確認共有共通機能仕組理由目的効果方法以上以下全体部分個別複数単一同時並列直列前後内外"
    "上下左右東西南北春夏秋冬朝昼夜新旧大小長短高低強弱早遅多少軽重明暗正誤真偽善悪好嫌"
)
ENDINGS = _words(
    "した話 してみた について における 入門 の実践 を支える技術 の振り返り との付き合い方 "
    "をやめた話 で学んだこと の現在地 はじめました 完全に理解した"
)
FAMILY = _words(
    "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 "
    "林 斎藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田"
)
GIVEN = _words(
    "太郎 花子 健太 翔 大輔 美咲 直樹 亮 拓也 智子 由美 誠 学 聡 愛 彩 陽菜 蓮 悠真 結衣 "
    "湊 颯太 葵 優斗 美月 健一 和也 恵 剛 綾"
)
SYLLABLES = _words(
    "ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho ma mi mu me mo "
    "ya yu yo ra ri ru re ro wa n"
)
COMPANY_KANA = _words("テック ソフト ラボ ワークス システムズ クラウド データ ネット デザイン")
CITIES = _words("東京 大阪 福岡 札幌 名古屋 京都 仙台 Shibuya Kansai Fukuoka Sapporo")
SERIES = _words("Meetup 勉強会 Night Conference LT会 もくもく会 Study ハンズオン")
EN_WORDS = _words(
    "scaling running migrating observing securing testing building shipping debugging "
    "production cluster platform latency budget lessons pipeline rollout incident outage "
    "review design team service mesh traffic storage query index cache edge network policy "
    "cost reliability developer experience practice journey mistakes patterns internals"
)
EN_TEMPLATES = (
    "{V} {T} at {C}",
    "{T} in production: {n} lessons",
    "What we learned {v} {T}",
    "{T} and {T2}: a {w} story",
    "Beyond {T}: {w} {w2}",
)
JA_TEMPLATES = (
    "{T}で{K}を{J}{E}",
    "{K}における{T}の{J}",
    "{T}{E}",
    "{K}の{J}を{T}で{J2}{E}",
    "{T}と{T2}で始める{K}{J}",
)
SENTENCES_JA = (
    "{K}の{J}を{T}で{J2}した",
    "{T}を使って{K}を{J}",
    "{J}が{J2}の課題だった",
    "{K}や{K2}の{J}は{T}に任せた",
    "{n}年かけて{J}を進めた",
    "Q: {T}の{J}はどうしていますか？",
    "A: {K}は{T}で{J}しています",
    "{w}な{K}を{J}",
    "資料: https://speakerdeck.com/{h}/{slug}",
    "{name} (@{h}) の{J}について",
    "{k1}{k2}と{k3}{k4}の{J}",
    "ＣＰＵ使用率が{n}０％を超えると{J}",
    "ｺﾝﾃﾅの{J}が遅い",
)
SENTENCES_EN = (
    "We moved {w} {T} to {T2} in {n} weeks",
    "The {w} {w2} was the hard part",
    "Q: how do you handle {w} with {T}?",
    "Slides: https://speakerdeck.com/{h}/{slug}",
    "{name} (@{h}) explained {w} {w2}",
    "Use {T} for {w}, not {T2}",
)


class Slots(dict[str, str]):
    """Template slots, each drawn when a template first asks for it."""

    def __init__(self, lib: Library) -> None:
        super().__init__()
        self.lib = lib

    def __missing__(self, key: str) -> str:
        lib = self.lib
        rng = lib.rng
        if key == "name" or key == "h":
            name, handle = rng.choice(lib.people)
            self["name"], self["h"] = name, handle
            return self[key]
        if key in lib.pools:
            value = rng.choice(lib.pools[key])
        elif key == "V":
            value = rng.choice(EN_WORDS).title()
        elif key == "n":
            value = str(rng.randint(1, 9))
        elif key == "slug":
            value = lib.handle() + "-" + lib.handle()
        else:
            raise KeyError(key)
        self[key] = value
        return value


class Library:
    """A reproducible synthetic library; `docs()` yields the search docs of N talks."""

    def __init__(self, talks: int, seed: int) -> None:
        self.talks = talks
        self.rng = random.Random(seed)
        rng = self.rng
        self.handles = [self.handle() for _ in range(max(50, talks // 3))]
        self.people = [
            (rng.choice(FAMILY) + " " + rng.choice(GIVEN), rng.choice(self.handles))
            for _ in range(max(50, talks // 3))
        ]
        self.companies = [
            "株式会社" + rng.choice(KATAKANA)[:3] + rng.choice(COMPANY_KANA) for _ in range(300)
        ] + [rng.choice(EN_WORDS).title() + " Inc." for _ in range(60)]

        self.pools: dict[str, Sequence[str]] = {
            "T": TECH,
            "T2": TECH,
            "K": KATAKANA,
            "K2": KATAKANA,
            "J": KANJI_WORDS,
            "J2": KANJI_WORDS,
            "E": ENDINGS,
            "v": EN_WORDS,
            "w": EN_WORDS,
            "w2": EN_WORDS,
            "C": self.companies,
            # Random kanji pairs: real notes use far more distinct bigrams than a word list.
            "k1": KANJI,
            "k2": KANJI,
            "k3": KANJI,
            "k4": KANJI,
        }

    def handle(self) -> str:
        rng = self.rng
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        return word + (str(rng.randint(1, 99)) if rng.random() < 0.4 else "")

    def _slots(self) -> Slots:
        return Slots(self)

    def _body(self, english: bool) -> str:
        rng = self.rng
        target = rng.randint(1000, 3000)  # bytes of UTF-8, as on disk
        lines: list[str] = []
        size = 0
        pool = SENTENCES_EN if english else SENTENCES_JA
        while size < target:
            bullet = "  - " if rng.random() < 0.4 else "* "
            line = bullet + rng.choice(pool).format_map(self._slots())
            lines.append(line)
            size += len(line.encode()) + 1
        return "\n".join(lines)

    def docs(self) -> Iterator[SearchDoc]:
        rng = self.rng
        event_no = 0
        talk_no = 0
        while talk_no < self.talks:
            event_no += 1
            event_id = f"e{event_no}"
            tech = rng.choice(TECH)
            event_title = f"{rng.choice(CITIES)} {tech} {rng.choice(SERIES)} #{rng.randint(1, 120)}"
            yield SearchDoc("event", event_id, "event", event_title)
            for tag in rng.sample(TECH, 3):
                yield SearchDoc("tag", event_id, "tag", tag.lower())
            for _ in range(rng.randint(3, 7)):
                if talk_no == self.talks:
                    break
                talk_no += 1
                talk_id = f"{event_id}/t{talk_no}"
                english = rng.random() < 0.25
                slots = self._slots()
                pool = EN_TEMPLATES if english else JA_TEMPLATES
                title = rng.choice(pool).format_map(slots)
                yield SearchDoc("talk", talk_id, "title", title)
                if rng.random() < 0.2:
                    yield SearchDoc("talk", talk_id, "alias", rng.choice(pool).format_map(slots))
                for _ in range(rng.choice((1, 1, 1, 2))):
                    name, handle = rng.choice(self.people)
                    yield SearchDoc("talk", talk_id, "speaker", name)
                    if rng.random() < 0.6:
                        yield SearchDoc("talk", talk_id, "handle", "@" + handle)
                    yield SearchDoc("talk", talk_id, "affiliation", rng.choice(self.companies))
                yield SearchDoc(
                    "body",
                    talk_id,
                    "body",
                    self._body(english),
                    note=f"notes/{event_id}.md",
                    line=rng.randint(5, 200),
                )


def keystrokes(text: str) -> list[str]:
    """What the search box holds after each key: "kub" -> "k", "ku", "kub"."""
    return [text[:i] for i in range(1, len(text) + 1)]


def query_mix(lib: Library) -> list[str]:
    typed = [
        "kubernetes",
        "prometheus alert",
        "grpc envoy",
        "terraform",
        "opentelemetry",
        "argocd",
        "policy",
        "ネットワークポリシー",
        "画像 運用",
        "監視",
        "障害対応",
        "マイクロサービス",
        "オブザーバビリティ",
        "可視化",
        "山田",
        "k8s 移行",
        "rust 非同期",
        "ｺﾝﾃﾅ",
        "ＣＰＵ",
        lib.people[7][1],  # handles
        "@" + lib.people[3][1],
        lib.people[5][0],
        "k8s.io",
        "next.js",
        "zqxjv",  # misses
        "量子暗号",
        "blockchain nft",
    ]
    out: list[str] = []
    for text in typed:
        out.extend(keystrokes(text))
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--talks", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="passes over the query mix")
    parser.add_argument("--limit", type=int, default=50)
    args = parser.parse_args()

    t0 = time.perf_counter()
    lib = Library(args.talks, args.seed)
    docs = list(lib.docs())
    gen_s = time.perf_counter() - t0
    bodies = [d for d in docs if d.field == "body"]
    body_kb = sum(len(d.text.encode()) for d in bodies) / 1024
    print(
        f"library: {args.talks:,} talks, {len(docs):,} docs ({len(bodies):,} bodies, "
        f"{body_kb / 1024:.0f} MiB of body text), generated in {gen_s:.1f} s"
    )
    print(f"peak RSS before the index: {peak_rss_mb():.0f} MiB")

    t0 = time.perf_counter()
    index = SearchIndex(docs)
    build_s = time.perf_counter() - t0
    print(f"build: {build_s:.2f} s for {len(index):,} docs")
    print(f"peak RSS after the build:  {peak_rss_mb():.0f} MiB")

    # Collect the build's garbage now: a full collection of a heap this size takes ~80 ms,
    # which would otherwise land on whichever query happens to trigger it.
    gc.collect()
    queries = query_mix(lib)
    timings: list[tuple[float, str, int]] = []
    for _ in range(args.repeat):
        for q in queries:
            t = time.perf_counter()
            hits = index.search(q, args.limit)
            timings.append(((time.perf_counter() - t) * 1000, q, len(hits)))
    ms = sorted(t for t, _, _ in timings)
    p50 = statistics.median(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(
        f"queries: {len(queries)} keystrokes x {args.repeat} passes, limit={args.limit}: "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms"
    )
    print("slowest:")
    slowest: dict[str, tuple[float, int]] = {}
    for t, q, n in sorted(timings, reverse=True):
        if q not in slowest:
            slowest[q] = (t, n)
        if len(slowest) == 8:
            break
    for q, (t, n) in slowest.items():
        print(f"  {t:7.1f} ms  {n:3d} hits  {q!r}")
    print(f"peak RSS at the end:       {peak_rss_mb():.0f} MiB")


if __name__ == "__main__":
    main()

"""Synthetic notes library for benchmarks and scale tests.

Writes N meetup notes in the five shapes real attendees use, plus an ``expected.json`` ground
truth in the same schema as ``/work/shared/corpus/expected.json``, so the scorer
(``/work/shared/tools/score.py``) can grade the parser on thousands of notes, not four.

    python benchmarks/generate.py OUT_DIR --notes N [--seed S] [--force]

Notes go to ``OUT_DIR/notes/`` (nested by year or author); the truth goes to
``OUT_DIR/expected.json``, outside the notes folder so the parser never reads it.
All text comes from the vocabulary below (invented people, companies and series), never from
the real corpus. Same seed, same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Final, Generic, Literal, TypeVar

Shape = Literal["yaml-md", "toml-md", "plain-md", "blog-txt", "json-md"]
SHAPES: Final[tuple[Shape, ...]] = ("yaml-md", "toml-md", "plain-md", "blog-txt", "json-md")
ENCODINGS: Final[tuple[str, ...]] = ("utf-8", "utf-8-sig", "utf-16", "cp932", "euc-jp")
ABOUT_PREFIX: Final = "Synthetic ground truth written by benchmarks/generate.py"

# ----------------------------------------------------------------------------------------------
# Vocabulary. Everything here is invented for this generator.
# ----------------------------------------------------------------------------------------------
# fmt: off

TECH: Final[dict[str, tuple[str, ...]]] = {
    "cloud": ("Kubernetes", "k8s", "Envoy", "Istio", "gRPC", "Argo CD", "Helm", "Terraform",
              "Cilium", "GKE", "EKS", "Docker", "eBPF", "OpenTelemetry"),
    "rust": ("Rust", "Tokio", "axum", "WebAssembly", "serde", "Bevy", "async Rust"),
    "go": ("Go", "gRPC", "Go Modules", "pprof", "sqlc", "Wire", "Echo"),
    "frontend": ("React", "Vue.js", "TypeScript", "Next.js", "Nuxt", "Svelte", "Vite",
                 "Storybook", "Playwright", "GraphQL", "Tailwind CSS", "JavaScript"),
    "data": ("BigQuery", "Snowflake", "dbt", "Airflow", "Spark", "Kafka", "Flink", "DuckDB",
             "PostgreSQL", "Trino"),
    "mobile": ("Flutter", "Swift", "Kotlin", "SwiftUI", "Jetpack Compose", "React Native"),
    "python": ("Python", "Django", "FastAPI", "pandas", "Polars", "PyTorch", "mypy", "uv"),
    "sre": ("Terraform", "Prometheus", "Grafana", "Datadog", "Ansible", "OpenTelemetry", "SLO",
            "Chaos Engineering", "PagerDuty", "Loki"),
    "ml": ("LLM", "RAG", "PyTorch", "ベクトル検索", "MLflow", "ONNX", "Whisper"),
    "security": ("ゼロトラスト", "WAF", "SBOM", "OAuth 2.0", "OIDC", "Vault", "Falco"),
}
ALL_TECH: Final = tuple(dict.fromkeys(t for pool in TECH.values() for t in pool))

THINGS_JA: Final = ("画像配信プラットフォーム", "決済基盤", "検索システム", "ログ基盤",
                    "広告配信サーバー", "社内認証基盤", "レコメンドエンジン",
                    "動画変換パイプライン", "モバイルアプリのバックエンド", "在庫管理システム",
                    "地図データ配信", "通知基盤", "データ分析基盤", "CI/CDパイプライン",
                    "予約システム", "チャットサービス", "社内ポータル", "会員データベース",
                    "配送管理アプリケーション", "ECサイトのフロントエンド")
THINGS_EN: Final = ("image delivery platform", "payments backend", "search cluster",
                    "logging pipeline", "ad server", "identity platform", "recommendation engine",
                    "video pipeline", "mobile backend", "inventory service", "map tile service",
                    "notification system", "analytics platform", "CI pipeline",
                    "booking system", "chat service", "design system", "billing database")
PERIODS_JA: Final = ("半年", "一年", "一年半", "二年", "三年", "五年")
PERIODS_EN: Final = ("Six months", "One year", "18 months", "Two years", "Three years")
COUNTS_JA: Final = ("二", "三", "四", "五")

# Title templates; extra entries in a tuple are paraphrases of the same talk.
TITLES_JA: Final[tuple[tuple[str, ...], ...]] = (
    ("{tech}で{thing}を{period}運用してみた振り返り", "{tech}で{thing}を運用したお話"),
    ("{company}における{count}種類の{tech}クラスタ",),
    ("{tech}初心者が{tech2}と{tech3}を導入したら色々苦労した話",
     "{tech}初心者が{tech2}と{tech3}を入れたら大変だったおはなし"),
    ("{thing}を{tech}に移行した話",),
    ("{tech}で{thing}の課題を解決した話",),
    ("{thing}刷新中に感じている{tech}エコシステムの良さ", "{thing}を{tech}で刷新して良かった話"),
    ("{tech}と{tech2}で作る{thing}",),
    ("{company}の{thing}を支える{tech}",),
    ("{tech}入門 〜{thing}を題材に〜",),
    ("{period}かけて{thing}を{tech}化した話",),
    ("{company}における{tech}のテスト戦略",),
    ("{tech}でつくる社内プラットフォーム",),
    ("レガシーな{thing}に{tech}を導入した話",),
    ("{tech}の監視を{tech2}で自動化する",),
    ("{thing}におけるデータベース移行の失敗と教訓",),
    ("フロントエンドを{tech}で書き直した{period}",),
    ("{tech}×{tech2}で実現するマイクロサービス",),
    ("小さく始める{tech}",),
    ("{company}のSREチームが{tech}で取り組んだ信頼性改善",),
    ("{tech}パフォーマンスチューニング実践",),
    ("パネルディスカッション: {tech}の今とこれから",),
    ("{thing}のアーキテクチャ変遷と{tech}",),
    ("{tech}のアプリケーションを{count}つのリージョンに展開した話",),
    ("{tech}で{thing}のレイテンシを半分にした話",),
    ("{tech}を使ったインフラストラクチャのコード化",),
    ("{company}で{tech}を全社導入するまで",),
    ("{tech}で始める機械学習基盤",),
    ("サーバーレスな{thing}を{tech}で作ってみた",),
)
TITLES_EN: Final[tuple[tuple[str, ...], ...]] = (
    ("Scaling the {thing_en} with {tech}",),
    ("Microservices on {tech} at {company_en}",),
    ("{period_en} of {tech} in production",),
    ("How we migrated our {thing_en} from {tech} to {tech2}",
     "Moving our {thing_en} from {tech} to {tech2}"),
    ("Lessons learned building our {thing_en} with {tech}",),
    ("Observability for {tech} with {tech2}",),
    ("Zero-downtime deployments with {tech}",),
    ("A gentle introduction to {tech}",),
    ("Testing {tech} applications the hard way",),
    ("Building a platform team at {company_en}",),
    ("{tech} and {tech2}: a love story",),
    ("Debugging {tech} in production",),
    ("Why we chose {tech} for our {thing_en}",),
    ("Panel: the future of {tech}",),
    ("Cutting cloud costs on the {thing_en} with {tech}",),
)

FAMILY: Final = (("佐伯", "Saeki"), ("三輪", "Miwa"), ("長谷川", "Hasegawa"),
                 ("小野寺", "Onodera"), ("柴田", "Shibata"), ("宮坂", "Miyasaka"),
                 ("土屋", "Tsuchiya"), ("桐生", "Kiryu"), ("相沢", "Aizawa"), ("早瀬", "Hayase"),
                 ("北条", "Hojo"), ("真鍋", "Manabe"), ("浅野", "Asano"), ("片岡", "Kataoka"),
                 ("森永", "Morinaga"), ("日向", "Hyuga"), ("椎名", "Shiina"),
                 ("篠原", "Shinohara"), ("湯川", "Yukawa"), ("仲村", "Nakamura"),
                 ("藤代", "Fujishiro"), ("安達", "Adachi"), ("杉浦", "Sugiura"),
                 ("大峰", "Omine"), ("水野", "Mizuno"), ("辻本", "Tsujimoto"),
                 ("久保田", "Kubota"), ("望月", "Mochizuki"), ("西園", "Nishizono"),
                 ("芦田", "Ashida"), ("江口", "Eguchi"), ("鳴海", "Narumi"))
GIVEN: Final = (("湊", "Minato"), ("陽菜", "Hina"), ("悠真", "Yuma"), ("結衣", "Yui"),
                ("颯太", "Sota"), ("美咲", "Misaki"), ("拓海", "Takumi"), ("彩花", "Ayaka"),
                ("蓮", "Ren"), ("葵", "Aoi"), ("大和", "Yamato"), ("紗希", "Saki"),
                ("航", "Wataru"), ("千尋", "Chihiro"), ("直樹", "Naoki"), ("由紀", "Yuki"),
                ("健太", "Kenta"), ("真央", "Mao"), ("翔", "Sho"), ("遥", "Haruka"),
                ("亮介", "Ryosuke"), ("詩織", "Shiori"), ("慎也", "Shinya"), ("奈々", "Nana"),
                ("崇", "Takashi"), ("智子", "Tomoko"), ("圭", "Kei"), ("若菜", "Wakana"))
WESTERN_FIRST: Final = ("Dana", "Priya", "Marco", "Lena", "Tomasz", "Aisha", "Felix", "Ines",
                        "Owen", "Mei", "Rafael", "Sofia", "Jonas", "Nadia", "Victor", "Elif")
WESTERN_LAST: Final = ("Whitlock", "Raman", "Bellini", "Kowalczyk", "Haddad", "Brandt",
                       "Okafor", "Lindqvist", "Moreau", "Castillo", "Novak", "Petrova",
                       "Alvarez", "Hughes")

# (full Japanese name, short name for titles, English name)
COMPANIES: Final = (
    ("株式会社ミナトラボ", "ミナトラボ", "Minato Lab"),
    ("株式会社ハヤブサ技研", "ハヤブサ技研", "Hayabusa Giken"),
    ("くもりぞら株式会社", "くもりぞら", "Kumorizora Inc."),
    ("株式会社ツミキ", "ツミキ", "Tsumiki Inc."),
    ("アオバシステムズ株式会社", "アオバシステムズ", "Aoba Systems"),
    ("株式会社ノキシタ", "ノキシタ", "Nokishita Inc."),
    ("株式会社サクラダ電算", "サクラダ電算", "Sakurada Densan"),
    ("株式会社ほしぞらテック", "ほしぞらテック", "Hoshizora Tech"),
    ("株式会社カワセミ", "カワセミ", "Kawasemi Inc."),
    ("株式会社ヨツバ工房", "ヨツバ工房", "Yotsuba Kobo"),
    ("オービットフォールド株式会社", "オービットフォールド", "Orbitfold"),
    ("株式会社ミチクサ", "ミチクサ", "Michikusa Inc."),
    ("株式会社トモシビ", "トモシビ", "Tomoshibi Inc."),
    ("合同会社ウミネコ", "ウミネコ", "Umineko LLC"),
    ("株式会社イロハデータ", "イロハデータ", "Iroha Data"),
    ("株式会社コモレビ", "コモレビ", "Komorebi Inc."),
    ("株式会社アマツバメ", "アマツバメ", "Amatsubame Inc."),
    ("株式会社ナギサ", "ナギサ", "Nagisa Inc."),
    ("ルーメングローブ株式会社", "ルーメングローブ", "Lumen Grove"),
    ("株式会社シオサイ", "シオサイ", "Shiosai Inc."),
)


@dataclass(frozen=True)
class Series:
    name: str  # "{n}" is the episode number
    slug: str
    hashtag: str
    topic: str
    ja_label: str  # used in Japanese file names
    conference: bool = False


SERIES: Final = (
    Series("Tokyo Rust Night #{n}", "tokyo-rust-night", "rustnight", "rust", "RustNight"),
    Series("Kubernetes Meetup Osaka vol.{n}", "k8s-osaka", "k8sosaka", "cloud", "k8s大阪"),
    Series("フロントエンド勉強会 第{n}回", "frontend-benkyokai", "fe_benkyo", "frontend",
           "フロントエンド勉強会"),
    Series("SRE Lounge #{n}", "sre-lounge", "srelounge", "sre", "SREラウンジ"),
    Series("Shibuya Go Bar #{n}", "shibuya-go-bar", "shibuyagobar", "go", "渋谷GoBar"),
    Series("Kyoto Infra Cafe vol.{n}", "kyoto-infra-cafe", "kyotoinfra", "cloud", "京都インフラ"),
    Series("データ基盤もくもく会 #{n}", "data-mokumoku", "datamoku", "data", "データ基盤"),
    Series("Nagoya Cloud Native Night #{n}", "nagoya-cn-night", "ngycn", "cloud", "名古屋CN"),
    Series("モバイルアプリ開発者の集い 第{n}回", "mobile-tsudoi", "mobiletsudoi", "mobile",
           "モバイル開発"),
    Series("Sapporo Python Hour #{n}", "sapporo-python", "sappy", "python", "札幌Python"),
    Series("Yokohama Observability Meetup #{n}", "yokohama-o11y", "yokoo11y", "sre", "横浜o11y"),
    Series("機械学習実装勉強会 #{n}", "ml-jisso", "mljisso", "ml", "機械学習実装"),
    Series("インフラ夜話 第{n}夜", "infra-yawa", "infrayawa", "cloud", "インフラ夜話"),
    Series("Fukuoka Frontend Pub vol.{n}", "fukuoka-fe-pub", "fukuokafe", "frontend", "福岡FE"),
    Series("Sendai DevOps Gathering #{n}", "sendai-devops", "sendaidevops", "sre", "仙台DevOps"),
    Series("セキュリティ輪読会 #{n}", "sec-rindoku", "secrindoku", "security", "セキュリティ"),
    Series("Cloud Native Day {month} {year}", "cloud-native-day", "cnday", "cloud", "CNDay",
           conference=True),
    Series("Frontend Conference Kansai {year}", "fe-conf-kansai", "feconfkansai", "frontend",
           "FEカンファレンス関西", conference=True),
    Series("Data Platform Summit {year}", "data-platform-summit", "dpsummit", "data",
           "データ基盤サミット", conference=True),
    Series("Mobile Dev Festa {year}", "mobile-dev-festa", "mobilefesta", "mobile",
           "モバイルフェスタ", conference=True),
)
RELAY_SERIES: Final = ("Hybrid Study Lab", "リモート勉強会リレー", "Satellite Tech Cafe",
                       "オンライン輪講会")
THEMES_JA: Final = ("{tech}で課題解決", "{tech}特集", "LT大会", "新春スペシャル", "{tech}入門",
                    "事例祭り", "{tech}運用の現場")
CITIES: Final = (("東京", "Tokyo"), ("大阪", "Osaka"), ("福岡", "Fukuoka"), ("名古屋", "Nagoya"),
                 ("札幌", "Sapporo"), ("京都", "Kyoto"), ("仙台", "Sendai"), ("横浜", "Yokohama"))
ROOMS: Final = ("セミナールーム", "イベントスペース", "カフェスペース", "大会議室")
MONTHS_EN: Final = ("January", "February", "March", "April", "May", "June", "July", "August",
                    "September", "October", "November", "December")
WEEKDAYS_JA: Final = "月火水木金土日"

TOPICS_JA: Final = ("背景", "従来の構成", "抱えていた課題", "改善後の構成", "移行の進め方",
                    "運用してみて", "ハマったところ", "監視まわり", "デプロイ", "チーム体制",
                    "今後の展望", "{tech}を選んだ理由", "{tech}の良かった点", "性能", "コスト",
                    "{thing}の概要", "アーキテクチャ", "障害対応", "テスト", "開発環境")
DETAILS_JA: Final = (
    "{thing}は{n}年前から稼働", "サーバーは全部VMで手作業の運用",
    "{tech}のバージョンアップに{n}ヶ月かかっていた", "障害時の切り戻しが手動",
    "{tech2}でメトリクスを収集している", "p99レイテンシが{m}0msから{n}0msに改善",
    "{n}チームが同じ基盤に相乗り", "設定ファイルが肥大化して誰も全体を読めない",
    "{tech}はまだ枯れていない印象", "本番投入まで{n}週間", "リリース頻度が週{n}回から毎日に",
    "ログは{tech2}に集約", "オンコールの呼び出しが半分くらいに減った", "コストは{n}割削減",
    "段階的に移行してビッグバンリリースを避けた", "ステージングで{n}日寝かせてから本番へ",
    "{tech}の学習コストは高め", "ドキュメントを先に書くようにした", "社内勉強会を月{n}回",
    "ベンチマークでは{n}倍速くなった", "{tech}と{tech2}の組み合わせが鉄板らしい",
    "権限管理は{tech2}に寄せた", "ピーク時は毎秒{n}千リクエスト", "データ移行は夜間バッチで実施",
    "自動テストのカバレッジは{n}0%くらい", "トイルの削減が一番の成果", "まだ検証中とのこと",
    "上流のOSSにもパッチを送っている", "{company}では{tech}が標準", "アラートの閾値調整が大変",
    "キャッシュ戦略を見直した", "ロールバックは{tech2}で一発", "スキーマ変更はexpand/contractで",
    "カナリアリリースで{n}%ずつ流す", "ノード数は{n}0台ほど", "構成管理は全部Gitに載せた",
)
ASIDES_JA: Final = ("→ 気になる", "（ここ聞き取れず）", "ここ詳しく聞きたかった", "なるほど",
                    "資料公開待ち", "うちでも真似したい", "→ 後で調べる")
QA_JA: Final = (("{tech}のバージョンはどう追従している？", "四半期ごとにまとめて上げている"),
                ("チームは何人？", "{n}人で回している"),
                ("{tech2}ではダメだった？", "検証はしたが運用コストで{tech}にした"),
                ("移行中の障害は？", "{n}回ほど。いずれも軽微"),
                ("なぜ内製したのか？", "要件に合うものがなかった"),
                ("本番のデータ量は？", "だいたい{n}TB"))
TOPICS_EN: Final = ("Background", "The old setup", "Pain points", "New architecture",
                    "Migration plan", "Running it", "Gotchas", "Monitoring", "Deploys",
                    "Team", "What's next", "Why {tech}", "Performance", "Costs")
DETAILS_EN: Final = (
    "The {thing_en} has been running for {n} years", "Everything used to be hand-managed VMs",
    "Upgrading {tech} took {n} months", "Rollbacks were manual",
    "Metrics go to {tech2}", "p99 latency went from {m}0ms to {n}0ms",
    "{n} teams share the same cluster", "Config sprawl was the main pain point",
    "{tech} still feels young", "{n} weeks from prototype to production",
    "Deploys went from weekly to daily", "Logs are shipped to {tech2}",
    "Pages dropped by about half", "Costs down {n}0 percent",
    "Migrated piece by piece, no big-bang release", "Staging soaks for {n} days",
    "The learning curve for {tech} is steep", "Docs first, then code",
    "Benchmarks showed a {n}x speedup", "Access control moved to {tech2}",
    "Peak is around {n}k requests per second", "Test coverage is around {n}0 percent",
    "Canary releases at {n} percent steps", "They upstream patches when they can",
)
ASIDES_EN: Final = ("(missed this part)", "want to try this at work", "slides not up yet",
                    "good point", "-> look into this later")
QA_EN: Final = (("How do you keep up with {tech} releases?", "Quarterly upgrade days"),
                ("How big is the team?", "{n} engineers"),
                ("Did you consider {tech2}?", "Yes, but it was harder to run"))
IMPRESSIONS_JA: Final = ("{tech}の運用事例がまとめて聞けて良かった。", "次回も参加したい。",
                         "自分のチームでも{tech}を試してみたい。",
                         "どの発表も地に足のついた話で参考になった。",
                         "懇親会で{tech2}の話をたくさん聞けた。",
                         "運営のみなさんありがとうございました。")
IMPRESSIONS_EN: Final = ("Great evening overall.", "I want to try {tech} at work.",
                         "Thanks to the organisers and the host.",
                         "Every talk had something practical to take home.")
BLOG_NAMES: Final = (("週末エンジニアの備忘録", "平日にできなかったことを週末にやるブログです"),
                     ("ゆるふわインフラ日記", "サーバーと猫とコーヒーの話"),
                     ("コードと珈琲", "毎日すこしずつ書いています"),
                     ("夜更かしエンジニアリング", "寝る前に調べたことのメモ"),
                     ("Tech Memo Garage", "勉強会の参加メモと技術メモ"))

# Variant tables: a talk is written differently by different attendees.
SYNONYMS: Final = (("プラットフォーム", "PF"), ("プラットフォーム", "Platform"),
                   ("Kubernetes", "k8s"), ("データベース", "DB"),
                   ("マイクロサービス", "Microservices"), ("アプリケーション", "アプリ"),
                   ("サーバー", "サーバ"), ("機械学習", "ML"), ("インフラストラクチャ", "インフラ"),
                   ("フロントエンド", "Frontend"), ("監視", "モニタリング"),
                   ("パフォーマンス", "性能"), ("導入", "採用"), ("色々", "いろいろ"),
                   ("JavaScript", "JS"), ("TypeScript", "TS"), ("WebAssembly", "Wasm"),
                   ("テスト", "Test"), ("レイテンシ", "latency"))
ALIASES: Final = {"Kubernetes": "k8s", "JavaScript": "JS", "TypeScript": "TS",
                   "WebAssembly": "Wasm", "PostgreSQL": "Postgres", "OpenTelemetry": "OTel",
                   "Chaos Engineering": "カオスエンジニアリング", "Argo CD": "ArgoCD"}
KANJI_NUM: Final = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7",
                    "八": "8", "九": "9", "十": "10"}
_NUM_SUFFIX: Final = "(?=年|種類|つ|ヶ月|か月|人|チーム|週間|日|倍)"
_RE_KANJI: Final = re.compile("([一二三四五六七八九十])" + _NUM_SUFFIX)
_RE_DIGIT: Final = re.compile("(?<![0-9０-９])(10|[1-9])" + _NUM_SUFFIX)
_RE_ASCII_WORD: Final = re.compile(r"[A-Za-z][A-Za-z0-9.+#-]*")
_JA: Final = r"[\u3040-\u30ff\u4e00-\u9fff]"
_RE_JA_ASCII_GAP: Final = re.compile(rf"(?<=[A-Za-z0-9])(?={_JA})|(?<={_JA})(?=[A-Za-z0-9])")
_RE_SPACE_NEAR_JA: Final = re.compile(rf"(?<={_JA}) (?=[A-Za-z0-9])|(?<=[A-Za-z0-9]) (?={_JA})")
SHORTEN: Final = ((r"^.{2,12}?における", ""), (r"^.{2,12}?での", ""), (r"の?振り返り$", ""),
                  (r"\s*〜[^〜]+〜$", ""), (r"^(パネルディスカッション|Panel):\s*", ""),
                  (r"色々|いろいろ", ""), (r"してみた", "した"), (r" at [A-Z][\w. ]*$", ""),
                  (r" in production$", ""), (r"^How we migrated", "Migrating"),
                  (r"^A gentle introduction to", "Intro to"), (r" the hard way$", ""))
# fmt: on


# ----------------------------------------------------------------------------------------------
# Model of what happened (the truth) and of who wrote it up.
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Company:
    ja: str
    short: str
    en: str


@dataclass(frozen=True)
class Person:
    family_ja: str
    given_ja: str
    en_name: str
    handle: str | None
    company: Company | None
    japanese: bool


@dataclass(frozen=True)
class Talk:
    cluster: str
    forms: tuple[str, ...]  # canonical title first, then paraphrases
    english: bool
    speaker: Person | None  # None: a panel, nobody named
    slides: str | None
    start: int  # minutes after midnight
    slots: dict[str, str] = field(hash=False, compare=False)


@dataclass(frozen=True)
class Event:
    key: str
    name: str
    slug: str
    series: Series
    day: date
    start: int
    end: int
    venue_ja: str
    venue_en: str
    url: str
    theme: str
    hashtag: str
    talks: tuple[Talk, ...]
    schedule: tuple[tuple[int, str], ...]  # (minute, kind) for open/intro/break/party/end


@dataclass(frozen=True)
class Author:
    slug: str
    display: str
    shape: Shape
    bullet: str
    sub_bullet: str
    indent: int
    crlf: bool
    folder: str
    naming: str
    variant_rate: float
    speaker_rate: float
    slides_rate: float
    subset_rate: float
    name_space: bool
    english_affiliation: bool
    emoji: bool
    intro: str


@dataclass(frozen=True)
class GeneratedFile:
    """One note as written: path relative to the notes folder, and how it was encoded."""

    path: str
    shape: Shape
    encoding: str
    newline: str  # "lf" or "crlf"
    size: int


@dataclass(frozen=True)
class GeneratedLibrary:
    out_dir: Path
    notes_dir: Path
    expected_path: Path
    seed: int
    files: tuple[GeneratedFile, ...]
    events: int
    talks: int
    mentions: int
    relays: int

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    def summary(self) -> str:
        def counts(values: Sequence[str]) -> str:
            return " ".join(f"{k}={v}" for k, v in sorted(Counter(values).items()))

        n = len(self.files)
        return "\n".join(
            [
                f"notes={n} events={self.events} talks={self.talks} "
                f"(noted {self.mentions} times) relays={self.relays} seed={self.seed}",
                f"bytes={self.total_bytes} ({self.total_bytes / 1e6:.1f} MB, "
                f"avg {self.total_bytes // max(n, 1)} B/note)",
                "shapes: " + counts([f.shape for f in self.files]),
                "encodings: " + counts([f.encoding for f in self.files]),
                "newlines: " + counts([f.newline for f in self.files]),
                "extensions: " + counts([Path(f.path).suffix or "(none)" for f in self.files]),
                f"notes in {self.notes_dir}, truth in {self.expected_path}",
            ]
        )


# ----------------------------------------------------------------------------------------------
# Building the world: people, authors, events.
# ----------------------------------------------------------------------------------------------


def _people(rng: random.Random, count: int) -> list[Person]:
    companies = [Company(*c) for c in COMPANIES]
    handles: set[str] = set()
    people: list[Person] = []
    for _ in range(count):
        company = rng.choice(companies) if rng.random() < 0.85 else None
        if rng.random() < 0.12:
            first, last = rng.choice(WESTERN_FIRST), rng.choice(WESTERN_LAST)
            fam_ja, giv_ja, en = last, first, f"{first} {last}"
            base = rng.choice([first.lower(), f"{first[0]}{last}".lower(), f"{first}_{last[:3]}"])
            japanese = False
        else:
            (fam_ja, fam), (giv_ja, giv) = rng.choice(FAMILY), rng.choice(GIVEN)
            en = f"{giv} {fam}"
            f, g = fam.lower(), giv.lower()
            base = rng.choice(
                [
                    f"{g}{f[0]}",
                    f"{f}_{g[:3]}",
                    f"{g}{f[:2]}",
                    f"{f[:4]}{g[:4]}",
                    f"{g}_dev",
                    f"{f}{g[0]}",
                ]
            ).lower()
            japanese = True
        handle: str | None = None
        if rng.random() < 0.72:
            handle = base
            while handle in handles:
                handle = f"{base}{rng.randint(2, 999)}"
            handles.add(handle)
        people.append(Person(fam_ja, giv_ja, en, handle, company, japanese))
    return people


def _authors(rng: random.Random, per_shape: int) -> dict[Shape, list[Author]]:
    used: set[str] = set()
    authors: dict[Shape, list[Author]] = {s: [] for s in SHAPES}
    intros_ja = (
        "初参加です。",
        "会社の同僚に誘われて参加しました。",
        "メモ書きなので雑です。",
        "",
        "",
        "聞きながら取ったメモをそのまま載せます。",
    )
    intros_en = (
        "Quick notes, typos are mine.",
        "My notes from the evening.",
        "",
        "Rough notes, written during the talks.",
    )
    for shape in SHAPES:
        for _ in range(per_shape):
            fam, giv = rng.choice(FAMILY)[1], rng.choice(GIVEN)[1]
            slug = rng.choice(
                [
                    giv.lower(),
                    f"{giv[0]}{fam}".lower(),
                    f"{fam.lower()}-notes",
                    f"{giv.lower()}{rng.randint(1, 99)}",
                ]
            )
            while slug in used:
                slug = f"{slug}{rng.randint(0, 9)}"
            used.add(slug)
            bullet = rng.choice("*-")
            authors[shape].append(
                Author(
                    slug=slug,
                    display=rng.choice([slug, f"{giv} {fam}"]),
                    shape=shape,
                    bullet=bullet,
                    sub_bullet=rng.choice([bullet, "-" if bullet == "*" else "*"]),
                    indent=rng.choice([2, 2, 4]),
                    crlf=rng.random() < 0.15,
                    folder=rng.choice(
                        ["flat", "year", "year", "author", "author-year", "year-month"]
                    ),
                    naming=rng.choice(["date-slug", "date-slug", "hex", "ja", "slug", "memo"]),
                    variant_rate=rng.uniform(0.35, 0.8),
                    speaker_rate=rng.uniform(0.6, 1.0),
                    slides_rate=rng.uniform(0.3, 0.95),
                    subset_rate=rng.uniform(0.0, 0.5),
                    name_space=rng.random() < 0.6,
                    english_affiliation=rng.random() < 0.2,
                    emoji=rng.random() < 0.15,
                    intro=rng.choice(intros_en if shape == "json-md" else intros_ja),
                )
            )
    return authors


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).casefold()
    return "".join(ch for ch in s if not ch.isspace())


def _too_close(a: str, b: str) -> bool:
    return SequenceMatcher(None, _norm(a), _norm(b)).ratio() >= 0.7


def _slide_slug(rng: random.Random, slots: dict[str, str]) -> str:
    syll = ("ka", "shi", "tsu", "na", "ha", "mi", "yu", "ro", "wa", "un", "you", "sai", "ten")
    tech = re.sub(r"[^a-z0-9]+", "-", slots["tech"].lower()).strip("-") or "talk"
    return f"{tech}-" + "".join(rng.choice(syll) for _ in range(rng.randint(3, 7)))


def _make_talks(
    rng: random.Random,
    key: str,
    series: Series,
    english: bool,
    people: Sequence[Person],
    count: int,
    first_start: int,
    minutes: tuple[int, ...],
) -> tuple[list[Talk], int, int | None]:
    """Talks in time order; returns them, the end minute, and the minute of a mid break."""
    pool = TECH[series.topic]
    speakers = rng.sample(people, count)
    templates = rng.sample(TITLES_EN if english else TITLES_JA, count)
    talks: list[Talk] = []
    t = first_start
    brk: int | None = None
    for i, (tpl, person) in enumerate(zip(templates, speakers, strict=True)):
        for _attempt in range(20):
            techs = rng.sample(pool if rng.random() < 0.75 else ALL_TECH, 3)
            company = person.company or Company(*rng.choice(COMPANIES))
            slots = {
                "tech": techs[0],
                "tech2": techs[1],
                "tech3": techs[2],
                "thing": rng.choice(THINGS_JA),
                "thing_en": rng.choice(THINGS_EN),
                "period": rng.choice(PERIODS_JA),
                "period_en": rng.choice(PERIODS_EN),
                "count": rng.choice(COUNTS_JA),
                "company": company.short,
                "company_en": company.en,
            }
            forms = tuple(f.format_map(slots) for f in tpl)
            if not any(_too_close(forms[0], o.forms[0]) for o in talks):
                break
        panel = forms[0].startswith(("パネルディスカッション", "Panel"))
        speaker = None if panel else person
        slides = None
        if speaker is not None and rng.random() < 0.65:
            owner = speaker.handle or f"{(speaker.company or company).en.split()[0].lower()}-tech"
            host = rng.choice(
                ["https://speakerdeck.com", "https://speakerdeck.com", "https://www.slideshare.net"]
            )
            slides = f"{host}/{owner}/{_slide_slug(rng, slots)}"
        talks.append(Talk(f"{key}-{i + 1}", forms, english, speaker, slides, t, slots))
        t += rng.choice(minutes) + 5
        if brk is None and count >= 4 and i + 1 == count // 2:
            brk = t
            t += 10
    return talks, t, brk


def _make_events(rng: random.Random, count: int, people: Sequence[Person]) -> list[Event]:
    first, last = date(2016, 1, 1), date(2026, 12, 31)
    days = sorted(
        first + timedelta(days=rng.randrange((last - first).days + 1)) for _ in range(count)
    )
    episode: dict[str, int] = {}
    names: set[str] = set()
    events: list[Event] = []
    event_id = 20000 + rng.randint(0, 5000)
    for idx, day in enumerate(days):
        weekend = day.weekday() >= 5
        candidates = [s for s in SERIES if s.conference == weekend]
        series = rng.choice(candidates)
        if series.conference:
            name = series.name.format(month=MONTHS_EN[day.month - 1], year=day.year)
            if name in names:  # one conference per name; fall back to a meetup series
                series = rng.choice([s for s in SERIES if not s.conference])
        if not series.conference:
            episode[series.slug] = episode.get(series.slug, rng.randint(1, 30)) + rng.choice(
                [1, 1, 1, 2]
            )
            name = series.name.format(n=episode[series.slug])
            slug = f"{series.slug}-{episode[series.slug]}"
        else:
            slug = f"{series.slug}-{day.year}-{day.month:02d}"
        names.add(name)
        english = rng.random() < 0.2 and not re.search(r"[\u3040-\u9fff]", name)
        key = f"ev{idx + 1:05d}"
        n_talks = rng.randint(5, 8) if series.conference else rng.randint(2, 6)
        start = 13 * 60 if series.conference else 19 * 60
        talks, end, brk = _make_talks(
            rng,
            key,
            series,
            english,
            people,
            n_talks,
            start + 35,
            (30, 35, 40) if series.conference else (15, 20, 25),
        )
        schedule = [(start, "open"), (start + 30, "intro")]
        if brk is not None:
            schedule.append((brk, "break"))
        close = -(-(end + 90) // 30) * 30  # events end on the half hour
        schedule += [(end, "party" if not series.conference else "closing"), (close, "end")]
        company = Company(*rng.choice(COMPANIES))
        city_ja, city_en = rng.choice(CITIES)
        floor = rng.randint(2, 40)
        event_id += rng.randint(3, 60)
        host = rng.choice(
            [f"{series.slug}.example.jp", "connpass.example.com", "events.example.jp"]
        )
        techs = TECH[series.topic]
        events.append(
            Event(
                key=key,
                name=name,
                slug=slug,
                series=series,
                day=day,
                start=start,
                end=close,
                venue_ja=f"{company.short} {city_ja}オフィス {floor}F {rng.choice(ROOMS)}",
                venue_en=f"{company.en}, {city_en} office, {floor}F",
                url=f"https://{host}/event/{event_id}/",
                theme=rng.choice(THEMES_JA).format(tech=rng.choice(techs)),
                hashtag=series.hashtag,
                talks=tuple(talks),
                schedule=tuple(schedule),
            )
        )
    return events


# ----------------------------------------------------------------------------------------------
# Title variants: how one attendee's title for a talk differs from another's.
# ----------------------------------------------------------------------------------------------


def _v_case(rng: random.Random, t: str, english: bool) -> str:
    if english:
        if rng.random() < 0.6:
            return " ".join(w[:1].upper() + w[1:] for w in t.split(" "))
        return t.lower()
    words = list(_RE_ASCII_WORD.finditer(t))
    if not words:
        return t
    m = rng.choice(words)
    w = m.group()
    if w.islower():  # k8s -> K8S / K8s
        new = w.upper() if rng.random() < 0.5 else w[0].upper() + w[1:]
    elif w.isupper():
        new = w.lower()
    else:  # gRPC, Kubernetes
        new = w.lower() if rng.random() < 0.7 else w.upper()
    return t[: m.start()] + new + t[m.end() :]


def _v_fullwidth(rng: random.Random, t: str, english: bool) -> str:
    if english:
        return t
    digits_only = rng.random() < 0.5
    return "".join(
        chr(ord(c) + 0xFEE0) if c.isascii() and (c.isdigit() if digits_only else c.isalnum()) else c
        for c in t
    )


def _v_kanji(rng: random.Random, t: str, english: bool) -> str:
    if _RE_KANJI.search(t):
        return _RE_KANJI.sub(lambda m: KANJI_NUM[m.group(1)], t)
    inverse = {v: k for k, v in KANJI_NUM.items()}
    return _RE_DIGIT.sub(lambda m: inverse[m.group(1)], t)


def _v_ohanashi(rng: random.Random, t: str, english: bool) -> str:
    if t.endswith("お話"):
        return t[:-2] + "話"
    if t.endswith("おはなし"):
        return t[:-4] + "話"
    if t.endswith("話"):
        return t[:-1] + rng.choice(["お話", "お話", "おはなし"])
    return t


def _v_shorten(rng: random.Random, t: str, english: bool) -> str:
    for pattern, repl in rng.sample(list(SHORTEN), len(SHORTEN)):
        new = re.sub(pattern, repl, t).strip()
        if new != t and len(_norm(new)) >= 8:
            return new
    return t


def _v_synonym(rng: random.Random, t: str, english: bool) -> str:
    # Skip a swap whose result is already there: "アプリ" inside "アプリケーション" must not grow.
    pairs = [(x, y) for a, b in SYNONYMS for x, y in ((a, b), (b, a)) if x in t and y not in t]
    if not pairs:
        return t
    a, b = rng.choice(pairs)
    return t.replace(a, b, 1)


def _v_spacing(rng: random.Random, t: str, english: bool) -> str:
    if english:
        return t
    spaced = _RE_SPACE_NEAR_JA.sub("", t)
    return spaced if spaced != t else _RE_JA_ASCII_GAP.sub(" ", t)


def _v_cross(rng: random.Random, t: str, english: bool) -> str:
    if "×" in t:
        return re.sub(r"\s*×\s*", "と", t, count=1)
    return re.sub(r"(?<=[A-Za-z0-9.])と(?=[A-Za-z])", " × ", t, count=1)


VARIANTS: Final = (
    _v_case,
    _v_case,
    _v_fullwidth,
    _v_kanji,
    _v_kanji,
    _v_ohanashi,
    _v_ohanashi,
    _v_shorten,
    _v_shorten,
    _v_synonym,
    _v_synonym,
    _v_spacing,
    _v_cross,
)


def _title_for(rng: random.Random, talk: Talk, author: Author, siblings: Sequence[Talk]) -> str:
    if rng.random() >= author.variant_rate:
        return talk.forms[0]
    base = talk.forms[0]
    if len(talk.forms) > 1 and rng.random() < 0.15:
        base = rng.choice(talk.forms[1:])
    title = base
    for fn in rng.sample(list(VARIANTS), rng.randint(1, 2)):
        title = fn(rng, title, talk.english)
    # A variant must not vanish or turn into another talk's title from the same evening.
    if len(_norm(title)) < 6 or any(
        o is not talk and _norm(title) == _norm(o.forms[0]) for o in siblings
    ):
        return talk.forms[0]
    return title


# ----------------------------------------------------------------------------------------------
# Rendering: one function per note shape. Each returns the text and that note's truth.
# ----------------------------------------------------------------------------------------------

Truth = dict[str, Any]


@dataclass
class Plan:
    """What one author writes about one event."""

    event: Event
    author: Author
    talks: list[Talk]
    titles: list[str]
    show_speaker: list[bool]
    show_slides: list[bool]
    relay: str | None  # the relay's name when this author watched it relayed
    need_date: bool
    budget: int  # target size in UTF-8 bytes


def _fill(rng: random.Random, tpl: str, slots: dict[str, str]) -> str:
    n = rng.randint(2, 9)
    return tpl.format_map({**slots, "n": str(n), "m": str(n + rng.randint(1, 9))})


def _points(rng: random.Random, talk: Talk, english: bool, budget: int) -> list[tuple[int, str]]:
    """Outline of a talk as (depth, text), roughly `budget` UTF-8 bytes long."""
    topics, details, asides = (
        (TOPICS_EN, DETAILS_EN, ASIDES_EN) if english else (TOPICS_JA, DETAILS_JA, ASIDES_JA)
    )
    out: list[tuple[int, str]] = []
    size = 0
    unused = rng.sample(list(details), len(details))  # no point twice in one talk
    for topic in rng.sample(list(topics), len(topics)):
        if size >= budget or len(unused) < 4:
            break
        line = _fill(rng, topic, talk.slots)
        out.append((0, line))
        size += len(line.encode()) + 4
        for _ in range(rng.randint(1, 4)):
            line = _fill(rng, unused.pop(), talk.slots)
            out.append((1, line))
            size += len(line.encode()) + 6
            if rng.random() < 0.15:
                line = rng.choice(asides)
                out.append((2, line))
                size += len(line.encode()) + 8
    return out


def _bullets(points: Sequence[tuple[int, str]], author: Author) -> list[str]:
    return [
        " " * (author.indent * depth)
        + (author.bullet if depth == 0 else author.sub_bullet)
        + " "
        + text
        for depth, text in points
    ]


def _qa(rng: random.Random, talk: Talk, english: bool) -> list[tuple[str, str]]:
    pairs = rng.sample(list(QA_EN if english else QA_JA), rng.randint(1, 2))
    return [(_fill(rng, q, talk.slots), _fill(rng, a, talk.slots)) for q, a in pairs]


def _speaker_ja(p: Person, author: Author) -> tuple[str, str | None]:
    name = (
        (f"{p.family_ja} {p.given_ja}" if author.name_space else p.family_ja + p.given_ja)
        if p.japanese
        else p.en_name
    )
    aff = None
    if p.company is not None:
        aff = p.company.en if author.english_affiliation else p.company.ja
    return name, aff


def _sp(name: str, handle: str | None, aff: str | None) -> dict[str, str | None]:
    return {"name": name, "handle": handle, "affiliation": aff}


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def _event_title(plan: Plan, rng: random.Random) -> str:
    """The event's name as this note writes it, with the author's usual decoration."""
    ev = plan.event
    base = plan.relay or ev.name
    theme = ev.theme
    if plan.relay and ev.name not in plan.relay:  # another series relays it: say so, once
        base += rng.choice([f" - {theme}（中継開催）", f" {theme}(中継開催)", "（中継）"])
        theme = ""
    options = {
        "yaml-md": [base, base, f"{base} {theme}"],
        "toml-md": [
            f"[{ev.series.topic}]{base}参加メモ #{ev.hashtag}",
            f"{base} 参加メモ #{ev.hashtag}",
            f"{base}に参加してきました",
        ],
        "plain-md": [base, f"{base} - {theme}", f"{base} メモ"],
        "blog-txt": [f"{base} {theme}", f"{base}に行ってきた", f"{base} 参加レポート"],
        "json-md": [base] if plan.relay else [f"Notes from {base}", f"{base} recap", base],
    }[plan.author.shape]
    return rng.choice([o.strip(" -") for o in options])  # an emptied theme leaves no " - "


SCHEDULE_LABELS: Final[dict[str, tuple[str, ...]]] = {
    "open": ("開場", "開場・受付", "受付開始", "開場・受付開始"),
    "intro": ("オープニング", "イントロ・乾杯", "はじめに", "会場説明"),
    "break": ("休憩", "小休憩", "休憩（10分）"),
    "party": ("懇親会", "懇親会", "懇親会・交流"),
    "closing": ("クロージング", "閉会挨拶"),
    "end": ("終了", "撤収", "解散"),
}


def _render_yaml(rng: random.Random, plan: Plan) -> tuple[list[str], Truth]:
    ev, a = plan.event, plan.author
    title = _event_title(plan, rng)
    date_line = rng.choice([f'date: "{ev.day.isoformat()}"', f"date: {ev.day.isoformat()}"])
    tags = json.dumps([ev.series.topic, "event", rng.choice(["meetup", "memo", ev.hashtag])])
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}", date_line, f"tags: {tags}"]
    if rng.random() < 0.5:
        lines.append(f'author: "{a.display}"')
    lines += ["---", "", ev.url, ""]
    if a.intro:
        lines += [a.intro, ""]
    if plan.relay:
        lines += [f"{ev.name}の中継を見ながらのメモです。", ""]
    truth_talks: list[Truth] = []
    not_talks: list[str] = []
    items: list[tuple[int, int, str]] = []  # (minute, order, kind) ; talk index in kind
    for minute, kind in ev.schedule:
        if kind in ("open", "break") or rng.random() < 0.6:
            items.append((minute, 0, kind))
    for i, talk in enumerate(plan.talks):
        items.append((talk.start, 1, f"talk:{i}"))
    per_talk = max(200, (plan.budget - 400) // max(len(plan.talks), 1))
    for minute, _, kind in sorted(items):
        if not kind.startswith("talk:"):
            label = rng.choice(SCHEDULE_LABELS[kind])
            if kind == "party" and a.emoji:
                label += "🍺"
            not_talks.append(label)
            lines += [f"## {_hhmm(minute)}\t{label}" + ("\t" if rng.random() < 0.3 else ""), ""]
            continue
        i = int(kind[5:])
        talk, t_title = plan.talks[i], plan.titles[i]
        lines.append(f"## {_hhmm(minute)}\t{t_title}")
        speakers: list[Truth] = []
        p = talk.speaker
        if p is not None and plan.show_speaker[i]:
            name, aff = _speaker_ja(p, a)
            handle = p.handle if rng.random() < 0.85 else None
            head = f"### {name}" + (f"(@{handle})" if handle else "")
            lines.append(head + (f" ◆ {aff}" if aff else ""))
            speakers.append(_sp(name, handle, aff))
        slides = []
        if talk.slides and plan.show_slides[i]:
            lines.append(f"{a.bullet} {talk.slides}")
            slides.append(talk.slides)
        lines += _bullets(_points(rng, talk, False, per_talk), a)
        if rng.random() < 0.2:
            lines.append(f"{a.bullet} Q&A")
            for q, ans in _qa(rng, talk, False):
                pad = " " * a.indent
                lines += [f"{pad}{a.sub_bullet} Q: {q}", f"{pad}{a.sub_bullet} A: {ans}"]
        lines.append("")
        truth_talks.append(
            {"cluster": talk.cluster, "title": t_title, "speakers": speakers, "slides": slides}
        )
    return lines, {"event_title": title, "talks": truth_talks, "not_talks": not_talks}


def _render_toml(rng: random.Random, plan: Plan) -> tuple[list[str], Truth]:
    ev, a = plan.event, plan.author
    title = _event_title(plan, rng)
    posted = ev.day + timedelta(days=rng.randint(1, 6))
    stamp = (
        f"{posted.isoformat()}T{rng.randint(7, 23):02d}:{rng.randint(0, 59):02d}:"
        f"{rng.randint(0, 59):02d}+09:00"
    )
    eq = rng.choice(["= ", " = "])
    techs = sorted({t.slots["tech"].lower() for t in plan.talks})[:4]
    lines = [
        "+++",
        f"title{eq}{json.dumps(title, ensure_ascii=False)}",
        f"date{eq}{stamp}",
        "draft = false",
        f'categories = ["{ev.hashtag}", "report"]',
        f"tags = {json.dumps(techs, ensure_ascii=False)}",
        f'author = "{a.slug}"',
        "+++",
        "",
        (
            f"{plan.relay}（{ev.name}の中継）を見てきたので参加メモ。"
            if plan.relay
            else f"{ev.name}に行ってきたので参加メモ。"
        ),
        "",
        "|||",
        "|---|---|",
        f"|URL|{ev.url}|",
        f"|会場|{ev.venue_ja}|",
        f"|日時|{ev.day:%Y/%m/%d}({WEEKDAYS_JA[ev.day.weekday()]})"
        f"{_hhmm(ev.start)} 〜 {_hhmm(ev.end)}|",
    ]
    first = plan.talks[0]
    if first.slides and plan.show_slides[0] and rng.random() < 0.4:
        lines.append(f"|資料|[{plan.titles[0]}]({first.slides})|")
    lines += [f"|ハッシュタグ|[#{ev.hashtag}](https://twitter.com/hashtag/{ev.hashtag})|", ""]
    truth_talks: list[Truth] = []
    per_talk = max(250, (plan.budget - 700) // max(len(plan.talks), 1))
    for i, talk in enumerate(plan.talks):
        lines.append(f"# {plan.titles[i]}")
        speakers: list[Truth] = []
        p = talk.speaker
        if p is not None and plan.show_speaker[i]:
            if p.handle and rng.random() < 0.6:
                lines.append(f"[@{p.handle}](https://twitter.com/{p.handle})  ")
                speakers.append(_sp(p.handle, p.handle, None))
            else:
                name, aff = _speaker_ja(p, a)
                link = f" [@{p.handle}](https://twitter.com/{p.handle})" if p.handle else ""
                lines.append(f"登壇: {name}{link}" + (f"（{aff}）" if aff else "") + "  ")
                speakers.append(_sp(name, p.handle, aff))
        slides = []
        if talk.slides and plan.show_slides[i]:
            lines.append(talk.slides)
            slides.append(talk.slides)
        lines.append("")
        points = _points(rng, talk, False, per_talk)
        for depth, text in points:
            if depth == 0:
                lines += ["", f"## {text}"]
            else:
                lines.append("  " * (depth - 1) + f"- {text}")
        lines.append("")
        truth_talks.append(
            {
                "cluster": talk.cluster,
                "title": plan.titles[i],
                "speakers": speakers,
                "slides": slides,
            }
        )
    impressions = rng.choice(["感想", "感想", "所感"])
    related = rng.choice(["関連", "関連", "参考"])
    slots = plan.talks[0].slots
    lines += [f"# {impressions}"]
    lines += [_fill(rng, s, slots) for s in rng.sample(list(IMPRESSIONS_JA), 3)]
    lines += ["", "", f"# {related}"]
    for _ in range(rng.randint(1, 3)):
        d = ev.day - timedelta(days=rng.randint(20, 400))
        other = rng.choice(SERIES).name.format(
            n=rng.randint(1, 40), month=MONTHS_EN[d.month - 1], year=d.year
        )
        lines.append(f"- [{other} 参加メモ](/{d:%Y/%m/%d}/{rng.choice(SERIES).slug}/)")
    lines.append("")
    return lines, {"event_title": title, "talks": truth_talks, "not_talks": [impressions, related]}


def _render_plain(rng: random.Random, plan: Plan) -> tuple[list[str], Truth]:
    ev, a = plan.event, plan.author
    title = _event_title(plan, rng)
    lines = [f"# {title}", ""]
    if plan.need_date or rng.random() < 0.4:
        lines += [
            rng.choice(
                [
                    f"日時: {ev.day:%Y/%m/%d} {_hhmm(ev.start)}〜",
                    f"{ev.day.year}年{ev.day.month}月{ev.day.day}日"
                    f"({WEEKDAYS_JA[ev.day.weekday()]}) @ {ev.venue_ja}",
                ]
            ),
            "",
        ]
    truth_talks: list[Truth] = []
    per_talk = max(250, (plan.budget - 150) // max(len(plan.talks), 1))
    for i, talk in enumerate(plan.talks):
        lines.append(f"## {plan.titles[i]}")
        slides = []
        if talk.slides and plan.show_slides[i] and rng.random() < 0.3:
            lines.append(f"{a.bullet} {talk.slides}")
            slides.append(talk.slides)
        lines += _bullets(_points(rng, talk, False, per_talk), a)
        lines.append("")
        truth_talks.append(
            {"cluster": talk.cluster, "title": plan.titles[i], "speakers": [], "slides": slides}
        )
    not_talks: list[str] = []
    if rng.random() < 0.3:
        label = rng.choice(["感想", "まとめ", "懇親会"])
        lines += [
            f"## {label}",
            f"{a.bullet} " + _fill(rng, rng.choice(IMPRESSIONS_JA), plan.talks[0].slots),
            "",
        ]
        not_talks.append(label)
    return lines, {"event_title": title, "talks": truth_talks, "not_talks": not_talks}


def _render_blog(rng: random.Random, plan: Plan) -> tuple[list[str], Truth]:
    ev, a = plan.event, plan.author
    blog, tagline = BLOG_NAMES[sum(map(ord, a.slug)) % len(BLOG_NAMES)]
    title = _event_title(plan, rng)
    lines = [blog, "", tagline, "", title, ""]
    if plan.need_date:
        lines += [f"開催日: {ev.day.year}年{ev.day.month}月{ev.day.day}日", ""]
    elif rng.random() < 0.3:  # the page shows when it was posted, not when the event was
        lines += [(ev.day + timedelta(days=rng.randint(1, 5))).isoformat(), ""]
    if rng.random() < 0.3:  # copied page chrome; no-break spaces keep such notes in UTF-8
        lines += ["\u00a0 \u00a0", ""]
    lines += [rng.choice(["参加メモ", "参加メモ", "参加レポート"]), ""]
    if rng.random() < 0.4:
        tech = plan.talks[0].slots["tech"]
        alias = ALIASES.get(tech)
        lines.append(f"{tech} = {alias}" if alias else f"今回のテーマは{tech}")
    truth_talks: list[Truth] = []
    per_talk = max(250, (plan.budget - 300) // max(len(plan.talks), 1))
    mark = "・" if a.bullet == "*" else "-"  # this blogger's pseudo-bullet
    for i, talk in enumerate(plan.talks):
        lines.append(f"「{plan.titles[i]}」")
        speakers: list[Truth] = []
        p = talk.speaker
        if p is not None and plan.show_speaker[i]:
            name, aff = _speaker_ja(p, a)
            handle = p.handle
            style = rng.randint(0, 3)
            if handle and style == 0:
                lines.append(f"{name} @{handle}" + (f"({aff})" if aff else ""))
            elif handle and style == 1 and aff:
                lines += [f"{name}({aff})", f"@{handle}"]
            else:
                handle = None
                lines.append(name + (f"({aff})" if aff else ""))
            speakers.append(_sp(name, handle, aff))
        slides = []
        if talk.slides and plan.show_slides[i]:
            lines.append(f"資料:{rng.choice(['', ' '])}{talk.slides}")
            slides.append(talk.slides)
        for depth, text in _points(rng, talk, False, per_talk):
            if depth == 0 or text.startswith("→"):
                lines.append(text)
            else:
                lines.append(("→ " if rng.random() < 0.2 else mark * depth) + text)
            if depth == 0 and rng.random() < 0.3:
                lines.append("")
        if rng.random() < 0.45:
            lines += ["", "Q&A"]
            for q, ans in _qa(rng, talk, False):
                sep = rng.choice([":", ": "])
                lines += [f"Q{sep}{q}", f"A{sep}{ans}"]
        lines.append("")
        truth_talks.append(
            {
                "cluster": talk.cluster,
                "title": plan.titles[i],
                "speakers": speakers,
                "slides": slides,
            }
        )
    lines += [
        "以上",
        "",
        rng.choice(["この記事をシェアする", "コメントを書く", ""]),
        "",
        rng.choice([" - カンファレンス", " - 勉強会", " - イベント"]),
    ]
    return lines, {"event_title": title, "talks": truth_talks, "not_talks": []}


def _render_json(rng: random.Random, plan: Plan) -> tuple[list[str], Truth]:
    ev, a = plan.event, plan.author
    title = _event_title(plan, rng)
    tags = json.dumps(sorted({ev.series.topic, "meetup"}))
    lines = [
        "{",
        f'    "title": {json.dumps(title, ensure_ascii=False)},',
        f'    "date": "{ev.day.isoformat()}",',
        f'    "tags": {tags},',
        f'    "author": "{a.display}"',
        "}",
        "",
    ]
    intro = a.intro + " " if a.intro else ""
    where = f"watched the relay ({plan.relay})" if plan.relay else f"hosted at {ev.venue_en}"
    lines += [f"{intro}{ev.name}, {where}. Event page: {ev.url}", ""]
    truth_talks: list[Truth] = []
    per_talk = max(250, (plan.budget - 350) // max(len(plan.talks), 1))
    for i, talk in enumerate(plan.talks):
        lines.append(f"## {plan.titles[i]}")
        speakers: list[Truth] = []
        p = talk.speaker
        if p is not None and plan.show_speaker[i]:
            aff = p.company.en if p.company else None
            handle = p.handle
            text = p.en_name + (f" (@{handle})" if handle else "") + (f", {aff}" if aff else "")
            lines += [f"*{text}*", ""]
            speakers.append(_sp(p.en_name, handle, aff))
        slides = []
        if talk.slides and plan.show_slides[i]:
            lines += [f"Slides: {talk.slides}", ""]
            slides.append(talk.slides)
        lines += _bullets(_points(rng, talk, True, per_talk), a)
        if rng.random() < 0.2:
            lines.append("")
            for q, ans in _qa(rng, talk, True):
                lines += [f"**Q:** {q}  ", f"**A:** {ans}", ""]
        lines.append("")
        truth_talks.append(
            {
                "cluster": talk.cluster,
                "title": plan.titles[i],
                "speakers": speakers,
                "slides": slides,
            }
        )
    not_talks: list[str] = []
    if rng.random() < 0.5:
        label = rng.choice(["Takeaways", "Wrap-up", "Links"])
        lines.append(f"## {label}")
        if label == "Links":
            lines.append(f"- Event page: {ev.url}")
        else:
            lines += [
                f"- {_fill(rng, s, plan.talks[0].slots)}"
                for s in rng.sample(list(IMPRESSIONS_EN), 2)
            ]
        lines.append("")
        not_talks.append(label)
    return lines, {"event_title": title, "talks": truth_talks, "not_talks": not_talks}


RENDERERS: Final = {
    "yaml-md": _render_yaml,
    "toml-md": _render_toml,
    "plain-md": _render_plain,
    "blog-txt": _render_blog,
    "json-md": _render_json,
}

# ----------------------------------------------------------------------------------------------
# Encoding, file names, the whole library.
# ----------------------------------------------------------------------------------------------


T = TypeVar("T")


class _Deck(Generic[T]):
    """Draws without replacement, reshuffling when empty, so every mix shows up early."""

    def __init__(self, rng: random.Random, cards: Sequence[T]) -> None:
        self._rng, self._cards, self._pile = rng, list(cards), list[T]()

    def draw(self) -> T:
        if not self._pile:
            self._pile = self._cards[:]
            self._rng.shuffle(self._pile)
        return self._pile.pop()


def _translate(obj: Any, table: dict[int, str]) -> Any:
    if isinstance(obj, str):
        return obj.translate(table)
    if isinstance(obj, list):
        return [_translate(x, table) for x in obj]
    if isinstance(obj, dict):
        return {k: _translate(v, table) for k, v in obj.items()}
    return obj


def _encode(text: str, encoding: str) -> bytes | None:
    """Bytes in `encoding`, or None when the text does not survive the round trip."""
    if encoding == "utf-16":
        return b"\xff\xfe" + text.encode("utf-16-le")  # explicit BOM: same bytes on any host
    codec = {"cp932": "cp932", "euc-jp": "euc_jp"}.get(encoding, encoding)
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        return None
    return data if data.decode(codec) == text else None


EXTENSIONS: Final[dict[Shape, tuple[str, ...]]] = {
    "yaml-md": (".md", ".md", ".markdown", ""),
    "toml-md": (".md", ".md", ".markdown"),
    "plain-md": (".md", ".txt", ".markdown", ""),
    "blog-txt": (".txt", ".txt", ""),
    "json-md": (".md", ".markdown", ".md", ".txt"),
}
_UNSAFE: Final = re.compile(r"[^\w\u3040-\u30ff\u4e00-\u9fff-]+")


def _basename(rng: random.Random, plan: Plan, ext: str, used: set[str]) -> str:
    ev, a = plan.event, plan.author
    label = ev.series.ja_label if not plan.relay else _UNSAFE.sub("_", plan.relay).strip("_")
    stem = {
        "date-slug": f"{ev.day.isoformat()}-{ev.slug}",
        "hex": f"note-{rng.getrandbits(40):010x}",
        "ja": f"{ev.day:%Y%m%d}_{label}参加メモ",
        "slug": ev.slug,
        "memo": f"memo_{ev.day:%Y%m%d}",
    }[a.naming]
    name = stem + ext
    suffix = 1
    while name.casefold() in used:  # basenames are the scorer's keys; case-insensitive FS too
        suffix += 1
        name = f"{stem}-{a.slug}{'' if suffix == 2 else f'-{suffix}'}{ext}"
    used.add(name.casefold())
    return name


def _folder(plan: Plan) -> str:
    y, a = plan.event.day, plan.author
    return {
        "flat": "",
        "year": f"{y.year}",
        "year-month": f"{y.year}/{y.month:02d}",
        "author": a.slug,
        "author-year": f"{a.slug}/{y.year}",
    }[a.folder]


def _note_counts(rng: random.Random, notes: int) -> list[int]:
    """2-4 notes per event, summing to exactly `notes`."""
    counts: list[int] = []
    left = notes
    while left > 0:
        k = left if left <= 4 else rng.choice([2, 3, 3, 4])
        if left - k == 1:
            k -= 1
        counts.append(k)
        left -= k
    return counts


def _coverage(rng: random.Random, event: Event, authors: Sequence[Author]) -> list[list[int]]:
    """Which talks each author notes: all, or a subset, keeping every talk in 2+ notes."""
    n = len(event.talks)
    chosen = [list(range(n)) for _ in authors]
    if len(authors) < 3:
        return chosen
    seen = [len(authors)] * n
    for talks, author in zip(chosen, authors, strict=True):
        if rng.random() >= author.subset_rate:
            continue
        for i in rng.sample(range(n), rng.randint(1, max(1, n // 3))):
            if seen[i] > 2 and len(talks) > 2:
                talks.remove(i)
                seen[i] -= 1
    return chosen


def _relay_name(rng: random.Random, event: Event, episode: dict[str, int]) -> str:
    kind = rng.randint(0, 2)
    if kind == 0:
        series = rng.choice(RELAY_SERIES)
        episode[series] = episode.get(series, rng.randint(10, 60)) + 1
        return f"{series} #{episode[series]}"
    if kind == 1:
        return f"Satellite viewing of {event.name}"
    return rng.choice([f"{event.name} (中継)", f"{event.name} サテライト会場"])


def generate(
    out_dir: Path, notes: int, seed: int = 0, *, overwrite: bool = False
) -> GeneratedLibrary:
    """Write `notes` notes under `out_dir/notes` and their truth to `out_dir/expected.json`."""
    if notes < 2:
        raise ValueError("need at least 2 notes (every event is written up by 2-4 people)")
    notes_dir, expected_path = out_dir / "notes", out_dir / "expected.json"
    if notes_dir.exists() and any(notes_dir.iterdir()):
        ours = expected_path.is_file() and json.loads(
            expected_path.read_text(encoding="utf-8")
        ).get("about", "").startswith(ABOUT_PREFIX)
        if not (overwrite and ours):
            why = "use --force to replace it" if ours else "not a generated library"
            raise FileExistsError(f"{notes_dir} is not empty ({why})")
        shutil.rmtree(notes_dir)
    notes_dir.mkdir(parents=True, exist_ok=True)

    rng = random.Random(seed)
    counts = _note_counts(rng, notes)
    people = _people(rng, max(40, notes // 2))
    authors = _authors(rng, max(4, notes // 40))
    events = _make_events(rng, len(counts), people)
    shape_deck: _Deck[Shape] = _Deck(rng, [s for s in SHAPES for _ in range(3)])
    # English notes stay in Unicode; Japanese ones may be in the legacy encodings.
    enc_ja: _Deck[str] = _Deck(
        rng, ["utf-8"] * 12 + ["utf-8-sig"] * 2 + ["utf-16"] * 2 + ["cp932"] * 3 + ["euc-jp"] * 2
    )
    enc_en: _Deck[str] = _Deck(rng, ["utf-8"] * 8 + ["utf-8-sig", "utf-16"])
    ext_decks = {shape: _Deck(rng, cards) for shape, cards in EXTENSIONS.items()}
    relay_episode: dict[str, int] = {}
    used: set[str] = set()
    files: dict[str, Truth] = {}
    truth_events: list[Truth] = []
    written: list[GeneratedFile] = []
    mentions = relays = 0

    for event, k in zip(events, counts, strict=True):
        shapes = [shape_deck.draw() for _ in range(k)]
        picked: list[Author] = []
        for shape in shapes:
            pool = [x for x in authors[shape] if x not in picked]
            picked.append(rng.choice(pool))
        coverage = _coverage(rng, event, picked)
        relay_at = rng.randrange(k) if rng.random() < 0.12 else -1
        relay = _relay_name(rng, event, relay_episode) if relay_at >= 0 else None
        relays += relay is not None
        dated = any(s in ("yaml-md", "toml-md", "json-md") for s in shapes)
        event_files: list[str] = []
        for j, (author, chosen) in enumerate(zip(picked, coverage, strict=True)):
            talks = [event.talks[i] for i in chosen]
            plan = Plan(
                event=event,
                author=author,
                talks=talks,
                titles=[_title_for(rng, t, author, event.talks) for t in talks],
                show_speaker=[rng.random() < author.speaker_rate for _ in talks],
                show_slides=[rng.random() < author.slides_rate for _ in talks],
                relay=relay if j == relay_at else None,
                need_date=not dated and j == 0,
                budget=int(rng.triangular(1000, 4000, 1800)),
            )
            lines, truth = RENDERERS[author.shape](rng, plan)
            text = "\n".join(lines).rstrip("\n") + "\n"
            encoding = (enc_en if author.shape == "json-md" else enc_ja).draw()
            if encoding == "cp932":  # a Windows IME types the full-width tilde, not U+301C
                table = {0x301C: "\uff5e"}
                text, truth = text.translate(table), _translate(truth, table)
            crlf = author.crlf or (encoding in ("cp932", "utf-16") and rng.random() < 0.5)
            if crlf:
                text = text.replace("\n", "\r\n")
            data = _encode(text, encoding)
            if data is None:  # not representable (emoji, accents): the author saved UTF-8
                encoding, data = "utf-8", text.encode("utf-8")
            name = _basename(rng, plan, ext_decks[author.shape].draw(), used)
            rel = f"{_folder(plan)}/{name}".lstrip("/")
            path = notes_dir / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(
                GeneratedFile(rel, author.shape, encoding, "crlf" if crlf else "lf", len(data))
            )
            files[name] = truth
            event_files.append(name)
            mentions += len(talks)
        titles = [event.name] + ([relay] if relay else [])
        truth_events.append(
            {"files": event_files, "date": event.day.isoformat(), "event_titles": titles}
        )

    about = (
        f"{ABOUT_PREFIX} (seed {seed}, {notes} notes). Same meaning as the hand-labelled corpus: "
        "each file lists the talks a reader should find in it, in order, with the title as that "
        "note writes it (time slot, quotes and decoration removed), the speakers that note names "
        "and the slide links it gives. Talks sharing a 'cluster' are the same talk noted by "
        "different people. 'not_talks' are sections that are not talks (schedule items, "
        "impressions, link lists). 'events' groups the notes of one event; 'event_titles' are "
        "its names, a relay under another name included."
    )
    expected = {"about": about, "files": files, "events": truth_events}
    expected_path.write_text(
        json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return GeneratedLibrary(
        out_dir=out_dir,
        notes_dir=notes_dir,
        expected_path=expected_path,
        seed=seed,
        files=tuple(written),
        events=len(events),
        talks=sum(len(e.talks) for e in events),
        mentions=mentions,
        relays=relays,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="generate.py", description="Write a synthetic notes library with ground truth."
    )
    parser.add_argument(
        "out_dir", type=Path, help="notes go to OUT_DIR/notes, truth to OUT_DIR/expected.json"
    )
    parser.add_argument("--notes", type=int, required=True, help="how many notes (2 or more)")
    parser.add_argument("--seed", type=int, default=0, help="same seed, same bytes (default 0)")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace a library this script generated earlier in OUT_DIR",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        lib = generate(args.out_dir, args.notes, args.seed, overwrite=args.force)
    except (ValueError, OSError) as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return 1
    print(lib.summary())
    print(f"took {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

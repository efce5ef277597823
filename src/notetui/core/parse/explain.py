"""Why the parser found the talks it found: every candidate's features, score and fate.

`explain(body)` runs the same pipeline `split_note` runs and keeps what each stage
decided, as plain text lines for `notetui explain NOTE`. This is the tool for a new
note shape: the line that should have been a talk shows which features it had and
which weights pulled it down.
"""

from __future__ import annotations

from collections.abc import Sequence

from notetui.core.parse.note import Parsed, parse
from notetui.core.parse.scorer import weights


def explain(body: str, body_line: int = 1, known_titles: Sequence[str] = ()) -> list[str]:
    parsed = parse(body, body_line, known_titles)
    return report(parsed, body_line)


def report(parsed: Parsed, body_line: int = 1) -> list[str]:
    w = weights()
    decision = parsed.decision
    out = [
        f"format: {parsed.format}; talk level: "
        + (f"h{decision.level}" if decision.level else "lines")
        + f"; event title: {parsed.title!r}"
        + (f"; blog: {parsed.blog!r}" if parsed.blog else ""),
        "",
        "candidates:",
    ]
    for candidate in decision.candidates:
        mark = "TALK" if candidate.taken else "    "
        line = body_line + candidate.index
        out.append(f"{mark} line {line:>4} {candidate.score:+5.1f}  {candidate.line.text[:90]}")
        out.append(f"           detectors: {', '.join(candidate.detectors)}")
        parts = w.contributions(candidate.features)
        if parts:
            out.append(
                "           features: " + ", ".join(f"{name} {value:+.1f}" for name, value in parts)
            )
        out.append(f"           why: {candidate.why or '-'}")
    out += ["", "sections:"]
    for section in parsed.sections:
        who = ", ".join(s.name for s in section.speakers)
        extra = (f" [{section.time}]" if section.time else "") + (f" by {who}" if who else "")
        slides = f" slides: {len(section.slides)}" if section.slides else ""
        out.append(
            f"  {section.kind.value:<11} {section.line:>4}-{section.end_line:<4} "
            f"{section.title}{extra}{slides}"
        )
    return out

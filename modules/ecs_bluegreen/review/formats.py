"""The review of a plan in three formats: text for a terminal, markdown for a pull-request
comment, JSON for other tools; each marks the interrupting changes `--allow` accepts."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from .findings import FindingClass, Review
from .timeline import LOWER_BOUND


def as_json(result: Review, allowed: set[str]) -> str:
    return (
        json.dumps(
            {
                "classes": {str(k.number): k.title for k in FindingClass},
                "findings": [f.as_json() for f in result.findings],
                "in_place": result.counts,
                "notes": result.notes,
                "timeline": result.timeline,
                "blocking": [f.address for f in result.blocking(allowed)],
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def _count_line(counts: Mapping[str, Mapping[str, int]]) -> list[str]:
    return [f"{kind}: " + ", ".join(f"{n} {verb}" for verb, n in actions.items()) for kind, actions in counts.items()]


def as_text(result: Review, allowed: set[str]) -> str:
    out = []
    for klass in FindingClass:
        findings = result.of_class(klass)
        if klass is FindingClass.IN_PLACE:
            lines = _count_line(result.counts)
            out.append(f"{klass.number}. {klass.title}:" + ("" if lines else " nothing"))
            out += [f"   {line}" for line in lines]
            continue
        out.append(f"{klass.number}. {klass.title}: {len(findings) or 'nothing'}")
        for f in findings:
            mark = " (allowed)" if klass.blocks and f.address in allowed else ""
            out.append(f"   {f.address}{mark}: {f.what}")
            if f.why:
                out.append(f"      {f.why}")
    out += [f"note: {note}" for note in result.notes]
    if not result.findings and not result.counts:
        out.insert(0, "No changes to review.")
    for entry in result.timeline:
        out.append(f"Rollout timeline of {entry['service']} ({LOWER_BOUND})")
        for line in entry["lines"]:
            change = f" (was: {line['before']})" if line["before"] else ""
            out.append(f"   {line['step']:<18} {line['after']}{change}")
    blocking = result.blocking(allowed)
    if blocking:
        out.append(
            f"{len(blocking)} change(s) interrupt traffic or deployments, or destroy data; allow each with "
            "--allow ADDRESS"
        )
    return "\n".join(out) + "\n"


def as_markdown(result: Review, allowed: set[str]) -> str:
    blocking = result.blocking(allowed)
    verdict = (
        f"**{len(blocking)} change(s) interrupt traffic or deployments, or destroy data.**"
        if blocking
        else "No change interrupts traffic or deployments, or destroys data."
        if not result.blocking(set())
        else "Every change that interrupts traffic or deployments, or destroys data, is allowed."
    )
    out = ["### Blue/green plan review", "", verdict, ""]
    for klass in FindingClass:
        findings = result.of_class(klass)
        if klass is FindingClass.IN_PLACE:
            if result.counts:
                out += [f"#### {klass.number}. {klass.title}", "", "| resource type | changes |", "|---|---|"]
                out += [
                    f"| `{kind}` | {', '.join(f'{n} {v}' for v, n in actions.items())} |"
                    for kind, actions in result.counts.items()
                ]
                out.append("")
            continue
        if not findings:
            continue
        out += [f"#### {klass.number}. {klass.title}", "", "| address | change | what it means |", "|---|---|---|"]
        for f in findings:
            mark = " (allowed)" if klass.blocks and f.address in allowed else ""
            out.append(f"| `{f.address}`{mark} | {f.what.replace('|', '/')} | {f.why.replace('|', '/')} |")
        out.append("")
    for note in result.notes:
        out += [f"> {note}", ""]
    for entry in result.timeline:
        out += [
            f"#### Rollout timeline of {entry['service']}",
            "",
            f"_{LOWER_BOUND}_",
            "",
            "| step | after this plan | before |",
            "|---|---|---|",
        ]
        out += [f"| {line['step']} | {line['after']} | {line['before'] or 'same'} |" for line in entry["lines"]]
        out.append("")
    return "\n".join(out)


FORMATS: dict[str, Callable[[Review, set[str]], str]] = {"text": as_text, "markdown": as_markdown, "json": as_json}

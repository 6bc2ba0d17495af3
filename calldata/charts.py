"""What the call-data pages draw: chart series and labels, and the decision tree as nested
nodes for its recursive template. Reads only: the numbers come from the dataset's stored
summary and from selectors; the pages' templates and charts.js draw them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from calldata import selectors
from calldata.engine import tree as tree_engine
from calldata.engine.fields import CATEGORIES
from calldata.engine.summary import BLANK
from calldata.models import CallTypeMapping, Dataset, OutcomeRecord
from calldata.outcomes import monthly_kpis

TOP = 25  # bars in a chart of call types or beats


def volume_charts(dataset: Dataset) -> dict[str, Any]:
    """The series of the volume page's charts (charts.js draws them)."""
    summary = dataset.summary
    by_category = selectors.volume_by_category(dataset)
    return {
        "per_month": summary["per_month"],
        "per_day": summary["per_day"],
        "by_call_type": [[r["call_type"], r["count"]] for r in summary["by_call_type"][:TOP]],
        "by_source": summary["by_source"],
        "by_initiated": summary["by_initiated"],
        "hour_of_week": summary["hour_of_week"],
        "by_priority": summary["by_priority"],
        "by_beat": [row for row in summary["by_beat"] if row[0] != BLANK][:TOP],
        "by_category": [[CATEGORIES[k], v] for k, v in by_category],
        "time_on_task": [
            [r["call_type"], r["time_on_task_median"], r["unit_hours"]]
            for r in summary["by_call_type"][:TOP]
            if r["time_on_task_median"] is not None or r["unit_hours"]
        ],
    }


def outcome_kpis(records: QuerySet[OutcomeRecord]) -> dict[str, Any]:
    """The alternative team's measures month by month, and the equity breakdowns."""
    return monthly_kpis(records)


def calls_by_category(mappings: list[CallTypeMapping]) -> list[dict]:
    """Calls of the latest data per category, largest first, with their share."""
    totals: dict[str, int] = {}
    for mapping in mappings:
        totals[mapping.category] = totals.get(mapping.category, 0) + mapping.calls
    everything = sum(totals.values())
    return [
        {"category": CATEGORIES[key], "calls": calls, "percent": 100 * calls / everything}
        for key, calls in sorted(totals.items(), key=lambda kv: -kv[1])
        if calls
    ]


def tree_diagram(node: dict, by_path: dict, path: str = "root") -> dict:
    """The tree as nested nodes for calldata/_tree_node.html, each answer with its volume."""
    if "leaf" in node:
        leaf = by_path.get(path, {})
        return {
            "leaf": node["leaf"],
            "path": path,
            "label": node.get("label") or tree_engine.OUTCOMES[node["leaf"]],
            "count": leaf.get("count", "–"),
            "per_day": leaf.get("per_day", "–"),
        }
    return {
        "path": path,
        "question": node["question"] or "(question not written yet)",
        "test": tree_engine.describe_test(node.get("test", {})),
        "branches": [
            {
                "answer": branch.capitalize(),
                "node": tree_diagram(node[branch], by_path, f"{path}.{branch}"),
            }
            for branch in ("yes", "no")
        ],
    }


def tree_preview(tree: dict, dataset: Dataset | None) -> dict:
    """The diagram of a tree being edited, with volumes when it is complete and data exist."""
    by_path: dict = {}
    if dataset is not None:
        try:
            tree_engine.validate(tree)
        except tree_engine.TreeError:
            pass  # the outline shows what is missing; the diagram is drawn without volumes
        else:
            volumes = selectors.tree_volumes(tree, dataset)
            by_path = {leaf["path"]: leaf for leaf in volumes["leaves"]}
    return tree_diagram(tree, by_path)


def _trail(tree: dict, path: str) -> str:
    """The questions and answers that lead to a leaf, in words."""
    steps, node, words = path.split(".")[1:], tree, []
    for step in steps:
        words.append(f"{node['question']} {step.capitalize()}")
        node = node[step]
    return " → ".join(words)


def tree_volumes_page(nodes: dict, dataset: Dataset | None) -> dict[str, Any]:
    """A saved tree on the latest data: the calls per answer and per outcome, each answer's
    trail of questions, and the diagram."""
    volumes = selectors.tree_volumes(nodes, dataset) if dataset is not None else {}
    leaves = volumes.get("leaves", [])
    by_outcome = volumes.get("by_outcome", {})
    return {
        "volumes": volumes,
        "outcomes": [
            {"key": key, "label": label, "calls": by_outcome.get(key, "")}
            for key, label in tree_engine.OUTCOMES.items()
        ],
        "leaves": [{**leaf, "trail": _trail(nodes, leaf["path"])} for leaf in leaves],
        "diagram": tree_diagram(nodes, {leaf["path"]: leaf for leaf in leaves}),
    }

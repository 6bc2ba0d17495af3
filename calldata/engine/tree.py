"""The dispatcher's call decision tree, as data, and its volume at each leaf.

A node is {"question": str, "test": {...}, "yes": node, "no": node}; a leaf is
{"leaf": "alternative" | "co_response" | "police" | "ems", "label": str}. Tests:
  {"kind": "marker", "name": "weapon" | "violence" | "injury" | "urgent"}
  {"kind": "flag", "name": "mental_health"}          (a behavioural flag column)
  {"kind": "category", "values": [...]}
  {"kind": "call_type", "values": [...]}
  {"kind": "priority_at_most", "value": 1}          (1 = most urgent)
  {"kind": "keyword", "values": [...]}               (in the call type)
  {"kind": "officer_initiated"}
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

OUTCOMES = {
    "alternative": "Alternative team",
    "co_response": "Co-response (team with police)",
    "police": "Police",
    "ems": "EMS / fire",
}
TEST_KINDS = {
    "marker",
    "flag",
    "category",
    "call_type",
    "priority_at_most",
    "keyword",
    "officer_initiated",
}


class TreeError(ValueError):
    pass


def validate(node: dict, path: str = "root", depth: int = 0) -> None:
    if depth > 20:
        raise TreeError("The tree is deeper than 20 questions.")
    if not isinstance(node, dict):
        raise TreeError(f"{path}: each node must be an object.")
    if "leaf" in node:
        if node["leaf"] not in OUTCOMES:
            raise TreeError(f"{path}: a leaf must be one of {', '.join(OUTCOMES)}.")
        return
    if not str(node.get("question", "")).strip():
        raise TreeError(f"{path}: a question needs its text.")
    test = node.get("test")
    if not isinstance(test, dict) or test.get("kind") not in TEST_KINDS:
        raise TreeError(f"{path}: the test kind must be one of {', '.join(sorted(TEST_KINDS))}.")
    for branch in ("yes", "no"):
        if branch not in node:
            raise TreeError(f"{path}: the “{branch}” branch is missing.")
        validate(node[branch], f"{path}.{branch}", depth + 1)


def _test(df: pd.DataFrame, test: dict) -> np.ndarray:
    kind = test["kind"]
    n = len(df)
    if kind == "marker":
        return df[test["name"]].to_numpy(dtype=bool) if test["name"] in df else np.zeros(n, bool)
    if kind == "flag":
        column = f"flag_{test['name']}"
        return df[column].to_numpy(dtype=bool) if column in df else np.zeros(n, bool)
    if kind == "category":
        return df["category"].isin(test.get("values", [])).to_numpy()
    if kind == "call_type":
        return df["call_type"].isin([str(v).upper() for v in test.get("values", [])]).to_numpy()
    if kind == "priority_at_most":
        if "priority_level" not in df:
            return np.zeros(n, bool)
        return (df["priority_level"].astype("float64") <= float(test["value"])).to_numpy()
    if kind == "keyword":
        words = [re.escape(str(w).upper()) for w in test.get("values", []) if str(w).strip()]
        if not words:
            return np.zeros(n, bool)
        return df["call_type"].astype("str").str.contains("|".join(words), na=False).to_numpy()
    if kind == "officer_initiated":
        return (df["initiated"].astype("str") == "officer").to_numpy()
    raise TreeError(f"Unknown test {kind}")


def apply(tree: dict, df: pd.DataFrame, days: int) -> dict:
    """{"leaves": [{"path", "leaf", "label", "count", "per_day"}], "by_outcome": {...}}."""
    leaves: list[dict] = []

    def walk(node: dict, mask: np.ndarray, path: str) -> None:
        if "leaf" in node:
            count = int(mask.sum())
            leaves.append(
                {
                    "path": path,
                    "leaf": node["leaf"],
                    "label": node.get("label") or OUTCOMES[node["leaf"]],
                    "count": count,
                    "per_day": round(count / max(days, 1), 2),
                }
            )
            return
        hit = _test(df, node["test"])
        walk(node["yes"], mask & hit, f"{path}.yes")
        walk(node["no"], mask & ~hit, f"{path}.no")

    walk(tree, np.ones(len(df), dtype=bool), "root")
    by_outcome = dict.fromkeys(OUTCOMES, 0)
    for leaf in leaves:
        by_outcome[leaf["leaf"]] += leaf["count"]
    return {"leaves": leaves, "by_outcome": by_outcome, "total": len(df)}


DEFAULT_TREE: dict = {
    "question": "Is anyone in immediate danger, or is it a priority 1 call?",
    "test": {"kind": "priority_at_most", "value": 1},
    "yes": {
        "question": "Is someone injured or is it a medical emergency?",
        "test": {"kind": "marker", "name": "injury"},
        "yes": {"leaf": "ems"},
        "no": {"leaf": "police"},
    },
    "no": {
        "question": "Is a weapon involved or violence indicated?",
        "test": {"kind": "marker", "name": "weapon"},
        "yes": {"leaf": "police"},
        "no": {
            "question": "Is this a mental-health, welfare or substance-use concern?",
            "test": {
                "kind": "category",
                "values": ["behavioral_health", "welfare_check", "substance_use"],
            },
            "yes": {
                "question": "Is violence indicated in the call type?",
                "test": {"kind": "marker", "name": "violence"},
                "yes": {"leaf": "co_response"},
                "no": {"leaf": "alternative"},
            },
            "no": {
                "question": "Is it homelessness, a quality-of-life or noise concern?",
                "test": {"kind": "category", "values": ["homelessness_qol", "noise_disturbance"]},
                "yes": {"leaf": "alternative"},
                "no": {
                    "question": "Is it a medical call?",
                    "test": {"kind": "category", "values": ["medical"]},
                    "yes": {"leaf": "ems"},
                    "no": {"leaf": "police"},
                },
            },
        },
    },
}

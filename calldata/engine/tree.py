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

import copy
import re

import numpy as np
import pandas as pd

from calldata.engine.fields import CATEGORIES

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
        if not isinstance(node.get("label", ""), str):
            raise TreeError(f"{path}: a label must be text.")
        return
    if not str(node.get("question", "")).strip():
        raise TreeError(f"{path}: a question needs its text.")
    if not isinstance(node["question"], str):
        raise TreeError(f"{path}: the question must be text.")
    test = node.get("test")
    if not isinstance(test, dict) or test.get("kind") not in TEST_KINDS:
        raise TreeError(f"{path}: the test kind must be one of {', '.join(sorted(TEST_KINDS))}.")
    _validate_test(test, path)
    for branch in ("yes", "no"):
        if branch not in node:
            raise TreeError(f"{path}: the “{branch}” branch is missing.")
        validate(node[branch], f"{path}.{branch}", depth + 1)


def _validate_test(test: dict, path: str) -> None:
    kind = test["kind"]
    if kind == "marker" and test.get("name") not in MARKER_NAMES:
        raise TreeError(f"{path}: a marker test names one of {', '.join(MARKER_NAMES)}.")
    if kind == "flag" and not (isinstance(test.get("name"), str) and test["name"].strip()):
        raise TreeError(f"{path}: a flag test names the flag column.")
    if kind in ("category", "call_type", "keyword"):
        values = test.get("values")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise TreeError(f"{path}: a {kind} test lists its values as text.")
    if kind == "priority_at_most":
        value = test.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 99:
            raise TreeError(f"{path}: a priority test gives a priority from 0 to 99.")


def _test(df: pd.DataFrame, test: dict, higher_is_urgent: bool = False) -> np.ndarray:
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
        level, limit = df["priority_level"].astype("float64"), float(test["value"])
        return (level >= limit if higher_is_urgent else level <= limit).to_numpy()
    if kind == "keyword":
        words = [re.escape(str(w).upper()) for w in test.get("values", []) if str(w).strip()]
        if not words:
            return np.zeros(n, bool)
        return df["call_type"].astype("str").str.contains("|".join(words), na=False).to_numpy()
    if kind == "officer_initiated":
        return (df["initiated"].astype("str") == "officer").to_numpy()
    raise TreeError(f"Unknown test {kind}")


def apply(tree: dict, df: pd.DataFrame, days: int, *, higher_is_urgent: bool = False) -> dict:
    """{"leaves": [{"path", "leaf", "label", "count", "per_day"}], "by_outcome": {...}}.
    `higher_is_urgent`: the jurisdiction's priority scale counts down (5 = most urgent), so
    "this urgent or more" is "at least" rather than "at most"."""
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
        hit = _test(df, node["test"], higher_is_urgent)
        walk(node["yes"], mask & hit, f"{path}.yes")
        walk(node["no"], mask & ~hit, f"{path}.no")

    walk(tree, np.ones(len(df), dtype=bool), "root")
    by_outcome = dict.fromkeys(OUTCOMES, 0)
    for leaf in leaves:
        by_outcome[leaf["leaf"]] += leaf["count"]
    return {"leaves": leaves, "by_outcome": by_outcome, "total": len(df)}


MARKER_NAMES = {
    "weapon": "a weapon",
    "violence": "violence",
    "injury": "an injury",
    "urgent": "urgency",
}


def describe_test(test: dict) -> str:
    """The test in words, as the diagram shows it under its question."""
    kind = test.get("kind")
    values = ", ".join(
        CATEGORIES.get(str(v), str(v)) if kind == "category" else str(v)
        for v in test.get("values", [])
    )
    if kind == "marker":
        name = str(test.get("name"))
        return f"Call type indicates {MARKER_NAMES.get(name, name)}"
    if kind == "flag":
        return f"Flag column “{str(test.get('name', '')).replace('_', ' ')}” is set"
    if kind == "category":
        return f"Category is one of: {values or '(none chosen)'}"
    if kind == "call_type":
        return f"Call type is one of: {values or '(none chosen)'}"
    if kind == "keyword":
        return f"Call type contains: {values or '(none chosen)'}"
    if kind == "priority_at_most":
        return f"Priority {test.get('value')} or more urgent"
    if kind == "officer_initiated":
        return "Officer-initiated"
    return str(kind)


# Editing operations on a tree, addressed by path ("root", "root.yes", "root.no.yes"…). Each
# returns a new tree and never changes the one it is given.

NEW_QUESTION: dict = {"question": "", "test": {"kind": "marker", "name": "weapon"}}


def _steps(path: str) -> list[str]:
    if path != "root" and not re.fullmatch(r"root(\.(yes|no))+", path):
        raise TreeError(f"{path}: not a node of the tree.")
    return path.split(".")[1:]


def node_at(tree: dict, path: str) -> dict:
    node = tree
    for step in _steps(path):
        if "leaf" in node or step not in node:
            raise TreeError(f"{path}: not a node of the tree.")
        node = node[step]
    return node


def replace_at(tree: dict, path: str, new: dict) -> dict:
    steps = _steps(path)
    if not steps:
        return copy.deepcopy(new)
    result = copy.deepcopy(tree)
    parent = node_at(result, ".".join(["root", *steps[:-1]]))
    if "leaf" in parent:
        raise TreeError(f"{path}: not a node of the tree.")
    parent[steps[-1]] = copy.deepcopy(new)
    return result


def ask_question(tree: dict, path: str) -> dict:
    """Put a new question in the place of a node: its Yes answer is police, its No answer is
    the node that was there."""
    node = node_at(tree, path)
    return replace_at(tree, path, {**NEW_QUESTION, "yes": {"leaf": "police"}, "no": node})


def remove_question(tree: dict, path: str, keep: str) -> dict:
    """Remove a question; its `keep` branch ("yes" or "no") takes its place."""
    node = node_at(tree, path)
    if "leaf" in node or keep not in ("yes", "no"):
        raise TreeError(f"{path}: only a question can be removed.")
    return replace_at(tree, path, node[keep])


def swap_branches(tree: dict, path: str) -> dict:
    node = node_at(tree, path)
    if "leaf" in node:
        raise TreeError(f"{path}: an answer has no branches.")
    return replace_at(tree, path, {**node, "yes": node["no"], "no": node["yes"]})


def move_up(tree: dict, path: str) -> dict:
    """Ask this question before its parent's: the two questions (and their tests) trade
    places; every branch stays where it is."""
    steps = _steps(path)
    node = node_at(tree, path)
    if not steps or "leaf" in node:
        raise TreeError(f"{path}: only a question under another question can move up.")
    parent_path = ".".join(["root", *steps[:-1]])
    parent = node_at(tree, parent_path)
    branch = steps[-1]
    swapped_child = {**node, "question": parent["question"], "test": parent["test"]}
    new_parent = {
        **parent,
        "question": node["question"],
        "test": node["test"],
        branch: swapped_child,
    }
    return replace_at(tree, parent_path, new_parent)


BLANK_TREE: dict = {
    "question": "",
    "test": {"kind": "priority_at_most", "value": 1},
    "yes": {"leaf": "police"},
    "no": {"leaf": "alternative"},
}

OPERATIONS = {
    "ask": ask_question,
    "swap": swap_branches,
    "up": move_up,
    "keep_yes": lambda tree, path: remove_question(tree, path, "yes"),
    "keep_no": lambda tree, path: remove_question(tree, path, "no"),
}


def operate(tree: dict, operation: str) -> dict:
    """Apply "<name>:<path>" (as the editor's buttons send it) to the tree."""
    name, _, path = operation.partition(":")
    if name not in OPERATIONS:
        raise TreeError(f"Unknown editing operation “{name}”.")
    return OPERATIONS[name](tree, path)


def paths(node: dict, path: str = "root") -> list[str]:
    """Every node's path, parents before children, Yes before No."""
    if "leaf" in node:
        return [path]
    return [
        path,
        *paths(node.get("yes", {"leaf": "police"}), f"{path}.yes"),
        *paths(node.get("no", {"leaf": "police"}), f"{path}.no"),
    ]


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

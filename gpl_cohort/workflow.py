"""State machines declared as data, and the checks every one of their executors shares.

An app declares its states and transitions once, as a `Workflow` (applications/workflow.py for
the selection pipeline, jurisdictions/mou_workflow.py for the MoU). Its one service then asks
`Workflow.step` for the declared transition — refusing an unknown status, a move the table does
not list, or a person the transition does not name — runs the guards and effects the transition
names from the registries the service keeps, and logs the step in the app's own model.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured


class TransitionError(Exception):
    """A status change that is refused; `str(error)` is written for the person who asked.

    `code` says why: "unknown" (no such status), "illegal" (the table has no such move),
    "forbidden" (not this person's move), or whatever a guard chooses.
    """

    def __init__(self, message: str, *, code: str = "illegal") -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    actors: frozenset[str]
    action_label: str
    # Key of the email the step sends (the app decides where its templates live).
    email: str = ""
    # Names of checks that must pass, and of work done once the step is recorded.
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    # Staff pages ask for a reason for these (e.g. withdrawal on request).
    needs_comment: bool = False
    # The form a page shows to take this step ("" = a plain button).
    form: str = ""


@dataclass(frozen=True)
class Workflow:
    """States (status -> label) and the transitions between them, with the refusal wording.

    The messages are templates with `{source}` and `{target}` (labels, or the raw value of an
    unknown status) and `{action}` (the transition's label, lower case).
    """

    labels: Mapping[str, str]
    transitions: tuple[Transition, ...]
    unknown: str
    illegal: str
    forbidden: str
    _by_pair: dict[tuple[str, str], Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_pair: dict[tuple[str, str], Transition] = {}
        for t in self.transitions:
            if t.source not in self.labels or t.target not in self.labels:
                raise ImproperlyConfigured(f"{t.source} → {t.target} names an undeclared state.")
            if (t.source, t.target) in by_pair:
                raise ImproperlyConfigured(f"{t.source} → {t.target} is declared twice.")
            by_pair[(t.source, t.target)] = t
        object.__setattr__(self, "_by_pair", by_pair)

    def transition(self, source: str, target: str) -> Transition | None:
        return self._by_pair.get((source, target))

    def transitions_from(
        self, source: str, *, actors: Collection[str] | None = None
    ) -> list[Transition]:
        """The moves out of `source`, only those one of `actors` may make when given."""
        return [
            t
            for t in self.transitions
            if t.source == source and (actors is None or not t.actors.isdisjoint(actors))
        ]

    def label(self, status: str) -> str:
        return self.labels.get(status, status)

    def step(self, source: str, target: str, actors: Collection[str]) -> Transition:
        """The declared transition `source` → `target` if one of `actors` may make it."""
        words = {"source": self.label(source), "target": self.label(target)}
        if target not in self.labels:
            raise TransitionError(self.unknown.format(**words), code="unknown")
        step = self.transition(source, target)
        if step is None:
            raise TransitionError(self.illegal.format(**words), code="illegal")
        if step.actors.isdisjoint(actors):
            message = self.forbidden.format(**words, action=step.action_label.lower())
            raise TransitionError(message, code="forbidden")
        return step

    def check_names(self, *, guards: Iterable[str], effects: Iterable[str]) -> None:
        """Fail at start-up when a transition names a guard or effect nobody implements."""
        guards, effects = set(guards), set(effects)
        for t in self.transitions:
            missing = [g for g in t.guards if g not in guards]
            missing += [e for e in t.effects if e not in effects]
            if missing:
                raise ImproperlyConfigured(
                    f"{t.source} → {t.target} names unknown guards or effects: {missing}"
                )


def run_named(names: Iterable[str], registry: Mapping[str, Callable[..., Any]], *args: Any) -> None:
    """Run a transition's guards or effects, in their declared order."""
    for name in names:
        registry[name](*args)

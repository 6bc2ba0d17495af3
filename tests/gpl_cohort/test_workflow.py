"""The shared core of the applications and MoU state machines (gpl_cohort/workflow.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from gpl_cohort.workflow import Transition, TransitionError, Workflow

WORDS = {
    "unknown": "“{target}” is not a status of a door.",
    "illegal": "A door that is “{source}” cannot become “{target}”.",
    "forbidden": "You may not “{action}” this door.",
}
OPEN = Transition("closed", "open", frozenset({"keeper"}), "Open")


def _door(*transitions):
    return Workflow(labels={"closed": "Closed", "open": "Open"}, transitions=transitions, **WORDS)


def test_a_declared_step_is_returned_for_a_person_it_names():
    assert _door(OPEN).step("closed", "open", {"keeper", "guest"}) is OPEN


@pytest.mark.parametrize(
    ("source", "target", "actors", "code", "message"),
    [
        ("closed", "ajar", {"keeper"}, "unknown", "“ajar” is not a status of a door."),
        ("open", "closed", {"keeper"}, "illegal", "A door that is “Open” cannot become “Closed”."),
        ("closed", "open", {"guest"}, "forbidden", "You may not “open” this door."),
    ],
)
def test_a_refused_step_says_why_in_the_workflows_own_words(source, target, actors, code, message):
    with pytest.raises(TransitionError) as error:
        _door(OPEN).step(source, target, actors)
    assert (error.value.code, str(error.value)) == (code, message)


def test_the_steps_out_of_a_state_are_filtered_by_who_asks():
    door = _door(OPEN)
    assert door.transitions_from("closed") == [OPEN]
    assert door.transitions_from("closed", actors={"guest"}) == []


def test_a_table_naming_an_undeclared_state_or_a_pair_twice_fails_at_start():
    with pytest.raises(ImproperlyConfigured, match="undeclared state"):
        _door(Transition("closed", "ajar", frozenset(), "Nudge"))
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        _door(OPEN, OPEN)


def test_a_guard_or_effect_nobody_implements_fails_at_start():
    door = _door(Transition("closed", "open", frozenset(), "Open", guards=("has_key",)))
    door.check_names(guards={"has_key": print}, effects={})
    with pytest.raises(ImproperlyConfigured, match="has_key"):
        door.check_names(guards={}, effects={})

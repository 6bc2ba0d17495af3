"""The application's round 1 answers, declared once.

The form's fields and widgets, the API's fields, the admin's "Answers" fieldset, the read-only
answer pages and the email copy (`application_answers`), the submit check and the word count,
and copying answers from an earlier application all read this tuple. Add a question here (and
to the model) and every one of them follows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    name: str  # the Application field; its verbose_name is the question
    required: bool = True  # must be answered before submitting
    counted: bool = False  # counts towards the 500-word limit (with the cohort's questions)
    rows: int = 0  # shown as a textarea of this many rows (0: the field's own widget)


ANSWERS: tuple[Answer, ...] = (
    Answer("applying_office"),
    Answer("applying_office_other", required=False),  # required when the office is "other"
    Answer("partners", counted=True, rows=3),
    Answer("stage"),
    Answer("anticipated_launch_on"),
    Answer("team_make_up"),
    Answer("team_make_up_other", required=False),
    Answer("call_types", counted=True, rows=3),
    Answer("collaboration", counted=True, rows=4),
    Answer("equity_goals", counted=True, rows=4),
)

ANSWER_FIELDS: tuple[str, ...] = tuple(a.name for a in ANSWERS)
REQUIRED_FIELDS: tuple[str, ...] = tuple(a.name for a in ANSWERS if a.required)
COUNTED_FIELDS: tuple[str, ...] = tuple(a.name for a in ANSWERS if a.counted)
TEXTAREA_ROWS: dict[str, int] = {a.name: a.rows for a in ANSWERS if a.rows}

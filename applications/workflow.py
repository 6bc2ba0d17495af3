"""The selection pipeline as data: every state, its labels, and every allowed transition.

Nothing else in the code base decides which status may follow which. `application_transition`
(services/transitions.py) asks `WORKFLOW.step` (gpl_cohort/workflow.py, the core it shares with
the MoU) to validate a move and check who may make it, runs the checks it names (`guards`) and
its side effects (`effects`), and sends the email it names (`email`, a key of an editable
per-cohort EmailTemplate). Views, admin actions, the API and signal receivers only ever call that
one service.

    draft → submitted → round 1 review → invited to round 2 / declined → interview scheduled
    → interviewed → references checked → selected / not selected
    → MoU and support letters received → enrolled          (staff may withdraw on request)
"""

from __future__ import annotations

from dataclasses import dataclass

from applications.models import Application
from gpl_cohort.workflow import Transition, Workflow

__all__ = ["Transition", "Workflow"]  # the shared core, for code that reads this table

S = Application.Status

STAFF = "staff"
APPLICANT = "applicant"
SYSTEM = "system"


@dataclass(frozen=True)
class State:
    status: str
    staff_label: str
    applicant_label: str
    # What the applicant is asked to do next (empty: nothing, we are working on it).
    applicant_next_step: str = ""
    terminal: bool = False


STATES: dict[str, State] = {
    s.status: s
    for s in [
        State(
            S.DRAFT,
            "Draft",
            "Draft — not submitted yet",
            "Finish your answers and submit before the application closes.",
        ),
        State(S.SUBMITTED, "Submitted", "Submitted — we have received your application"),
        State(S.ROUND1_REVIEW, "Round 1 review", "Being reviewed (round 1)"),
        State(
            S.INVITED_ROUND2,
            "Invited to round 2",
            "Invited to round 2",
            "We will email you to schedule a Zoom interview. Think about which agency "
            "representatives should attend and which community stakeholders could take a "
            "reference-check call.",
        ),
        State(
            S.DECLINED,
            "Declined after round 1",
            "Not invited to round 2 — you are welcome in the community of practice",
            terminal=True,
        ),
        State(
            S.INTERVIEW_SCHEDULED,
            "Interview scheduled",
            "Round 2 interview scheduled",
            "Join the interview at the time below with your agency representatives, be ready to "
            "confirm that your jurisdiction can sign the MoU, and upload your letters of support "
            "from leadership.",
        ),
        State(
            S.INTERVIEWED,
            "Interviewed",
            "Interviewed — reference check next",
            "Make sure the community stakeholders you named are ready for our reference-check "
            "call, and upload any letters of support still missing.",
        ),
        State(S.REFERENCES_CHECKED, "References checked", "Final decision in progress"),
        State(
            S.SELECTED,
            "Selected",
            "Selected for the cohort",
            "Sign the MoU, send your letters of support from leadership and designate a "
            "project point of contact to complete enrolment.",
        ),
        State(
            S.NOT_SELECTED,
            "Not selected",
            "Not selected — you are welcome in the community of practice",
            terminal=True,
        ),
        State(
            S.PAPERWORK_RECEIVED,
            "MoU and support letters received",
            "MoU and letters received",
            "Designate your project point of contact to complete enrolment.",
        ),
        State(S.ENROLLED, "Enrolled", "Enrolled in the cohort", terminal=True),
        State(S.WITHDRAWN, "Withdrawn", "Withdrawn", terminal=True),
    ]
}

_STAFF = frozenset({STAFF})
_SYSTEM_OR_STAFF = frozenset({SYSTEM, STAFF})
_NOT_SELECTED = ("invite_to_community_of_practice",)

TRANSITIONS: list[Transition] = [
    Transition(
        S.DRAFT,
        S.SUBMITTED,
        frozenset({APPLICANT}),
        "Submit",
        email="submitted",
        guards=("window_open", "answers_complete", "within_limits"),
        effects=("stamp_submitted",),
    ),
    Transition(S.SUBMITTED, S.ROUND1_REVIEW, _STAFF, "Start round 1 review"),
    Transition(S.ROUND1_REVIEW, S.INVITED_ROUND2, _STAFF, "Invite to round 2", "invited_round2"),
    Transition(S.SUBMITTED, S.DECLINED, _STAFF, "Decline", "declined", effects=_NOT_SELECTED),
    Transition(S.ROUND1_REVIEW, S.DECLINED, _STAFF, "Decline", "declined", effects=_NOT_SELECTED),
    Transition(
        S.INVITED_ROUND2,
        S.INTERVIEW_SCHEDULED,
        _STAFF,
        "Mark interview scheduled",
        guards=("interview_exists",),
    ),
    Transition(S.INTERVIEW_SCHEDULED, S.INTERVIEWED, _STAFF, "Mark interviewed"),
    Transition(
        S.INTERVIEWED,
        S.REFERENCES_CHECKED,
        _STAFF,
        "Mark references checked",
        guards=("reference_check_recorded",),
    ),
    Transition(
        S.REFERENCES_CHECKED,
        S.SELECTED,
        _STAFF,
        "Select",
        "selected",
        effects=("create_cohort_membership",),
    ),
    *[
        Transition(
            source, S.NOT_SELECTED, _STAFF, "Not select", "not_selected", effects=_NOT_SELECTED
        )
        for source in (
            S.INVITED_ROUND2,
            S.INTERVIEW_SCHEDULED,
            S.INTERVIEWED,
            S.REFERENCES_CHECKED,
        )
    ],
    Transition(
        S.SELECTED,
        S.PAPERWORK_RECEIVED,
        _SYSTEM_OR_STAFF,
        "Mark MoU and letters received",
        guards=("seat_paperwork_received",),
    ),
    Transition(
        S.PAPERWORK_RECEIVED,
        S.ENROLLED,
        _SYSTEM_OR_STAFF,
        "Mark enrolled",
        "enrolled",
        guards=("seat_complete",),
        effects=("enrol_cohort_membership",),
    ),
    *[
        Transition(
            source,
            S.WITHDRAWN,
            _STAFF,
            "Withdraw on request",
            "withdrawn",
            needs_comment=True,
            effects=("withdraw_cohort_membership",),
        )
        for source in (
            S.DRAFT,
            S.SUBMITTED,
            S.ROUND1_REVIEW,
            S.INVITED_ROUND2,
            S.INTERVIEW_SCHEDULED,
            S.INTERVIEWED,
            S.REFERENCES_CHECKED,
            S.SELECTED,
            S.PAPERWORK_RECEIVED,
        )
    ],
]

WORKFLOW = Workflow(
    labels={status: state.staff_label for status, state in STATES.items()},
    transitions=tuple(TRANSITIONS),
    unknown="“{target}” is not a status of an application.",
    illegal="An application that is “{source}” cannot move to “{target}”.",
    forbidden="You may not “{action}” this application.",
)

# Statuses in which round 1 reviewers may score.
REVIEWABLE = frozenset({S.SUBMITTED, S.ROUND1_REVIEW})
# Statuses of round 2, when staff schedule interviews and collect letters.
ROUND2 = frozenset({S.INVITED_ROUND2, S.INTERVIEW_SCHEDULED, S.INTERVIEWED, S.REFERENCES_CHECKED})
# Statuses in which the applicant may upload letters of support.
LETTERS_OPEN = ROUND2 | {S.SELECTED}
# Decisions that can be staged and applied in bulk.
DECISIONS = frozenset({S.INVITED_ROUND2, S.DECLINED, S.SELECTED, S.NOT_SELECTED})

# Email templates that are not sent by a transition but by a service of their own.
OTHER_EMAILS = ("interview_invitation", "support_letter_request", "co_applicant_invitation")


def transition(source: str, target: str) -> Transition | None:
    return WORKFLOW.transition(source, target)


def transitions_from(source: str, *, actor: str | None = None) -> list[Transition]:
    return WORKFLOW.transitions_from(source, actors=None if actor is None else {actor})


def staff_label(status: str) -> str:
    return STATES[status].staff_label


def applicant_label(status: str) -> str:
    return STATES[status].applicant_label


def email_keys() -> list[str]:
    return sorted({t.email for t in TRANSITIONS if t.email} | set(OTHER_EMAILS))

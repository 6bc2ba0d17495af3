"""The MoU lifecycle as data: its states, every allowed step, who may take it, what it needs.

Nothing else decides which MoU status may follow which. `mou_transition` (services.py) asks
`WORKFLOW.step` (gpl_cohort/workflow.py, the core shared with the selection pipeline) to check a
move and who makes it, runs the checks it names (`guards`), records when the MoU entered the new
state (`STAMPS`), logs the step as an MoUTransition and runs its `effects`. The seat page, the
admin actions and the API (POST /api/v1/mous/{id}/transition/) take steps only through it.

    drafted → sent to the jurisdiction → signed by the jurisdiction → countersigned
            ← taken back for changes
"""

from __future__ import annotations

from gpl_cohort.workflow import Transition, Workflow
from jurisdictions.models import MoU

S = MoU.Status

# The two sides of the agreement: program staff, and a contact of the seat's jurisdiction.
STAFF = "staff"
CONTACT = "contact"

_STAFF = frozenset({STAFF})
# A signed MoU may complete the seat's paperwork (with the letters and the point of contact).
_ENROL = ("enrol_seat_if_complete",)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.DRAFTED, S.SENT, _STAFF, "Send to the jurisdiction"),
    Transition(S.SENT, S.DRAFTED, _STAFF, "Take back for changes", effects=("forget_sending",)),
    Transition(
        S.SENT,
        S.SIGNED,
        frozenset({STAFF, CONTACT}),
        "Record the jurisdiction's signature",
        guards=("signed_file_attached", "signatory_named"),
        effects=_ENROL,
        form="signed",
    ),
    Transition(
        S.SIGNED, S.COUNTERSIGNED, _STAFF, "Countersign", effects=_ENROL, form="countersign"
    ),
)

WORKFLOW = Workflow(
    labels=dict(S.choices),
    transitions=TRANSITIONS,
    unknown="An MoU that is “{source}” cannot become “{target}”.",
    illegal="An MoU that is “{source}” cannot become “{target}”.",
    forbidden="You may not take the step “{action}” on this MoU.",
)

# The MoU field that records when the MoU entered a state.
STAMPS: dict[str, str] = {
    S.SENT: "sent_at",
    S.SIGNED: "signed_at",
    S.COUNTERSIGNED: "countersigned_at",
}

# States in which the jurisdiction's side of the paperwork is done.
SIGNED = frozenset({S.SIGNED, S.COUNTERSIGNED})

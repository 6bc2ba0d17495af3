"""The state machine's one service, its guards and effects, and the application's answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from applications import workflow
from applications.answers import ANSWER_FIELDS, COUNTED_FIELDS, REQUIRED_FIELDS
from applications.emails import application_email_send
from applications.models import (
    Application,
    ApplicationContact,
    ApplicationTransition,
)
from applications.words import WORD_LIMIT, count_words_in
from cohorts.models import CohortMembership
from gpl_cohort.outbox.services import Attachment
from gpl_cohort.uploads import MB, safe_filename
from gpl_cohort.workflow import TransitionError, run_named

if TYPE_CHECKING:
    from gpl_cohort.accounts.models import User

PAGE_LIMIT = 10
MAX_UPLOAD_BYTES = 10 * MB

# The four published preference criteria ("Who should apply?").
PUBLISHED_CRITERIA = [
    (
        "Cross-agency and community collaboration",
        "Demonstrates collaboration across agencies and with community stakeholders.",
    ),
    (
        "Interest in innovative alternatives",
        "Demonstrates interest in exploring innovative alternatives to traditional emergency "
        "response.",
    ),
    (
        "Launch within 6–9 months of cohort start",
        "Anticipates launching within six to nine months of the cohort start (see the stated "
        "launch date).",
    ),
    (
        "Commitment to equitable outcomes",
        "Strong commitment to equitable outcomes for communities of color and others "
        "disproportionately impacted by the criminal justice system.",
    ),
]

# --------------------------------------------------------------------------- the state machine


def actor_of(by: User | None, application: Application) -> set[str]:
    if by is None:
        return {workflow.SYSTEM}
    actors = set()
    if by.is_active and by.is_staff:
        actors.add(workflow.STAFF)
    if ApplicationContact.objects.filter(application=application, user=by).exists():
        actors.add(workflow.APPLICANT)
    return actors


def application_words(
    application: Application, short_answers: Mapping[str, str] | None = None
) -> int:
    answers = application.short_answers if short_answers is None else short_answers
    texts = [getattr(application, f) or "" for f in COUNTED_FIELDS]
    return count_words_in([*texts, *(str(v) for v in answers.values())])


def application_pages(application: Application) -> int:
    return sum(application.documents.values_list("pages", flat=True))


def _local(moment: dt.datetime, zone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(zone)):%B %-d, %Y at %-I:%M %p} ({zone})"


def _guard_window_open(application: Application) -> None:
    # Checked at submit time on the server; the cohort's zone is only for the message.
    cohort = application.cohort
    now = timezone.now()
    if now < cohort.opens_at:
        raise TransitionError(
            f"The application for {cohort.years_label} opens on "
            f"{_local(cohort.opens_at, cohort.time_zone)}.",
            code="closed",
        )
    if now >= cohort.closes_at:
        raise TransitionError(
            f"The application for {cohort.years_label} is closed (it closed on "
            f"{_local(cohort.closes_at, cohort.time_zone)}).",
            code="closed",
        )


def _verbose_name(name: str) -> str:
    """An answer's label: its field's verbose name (answers are fields, never relations)."""
    field = Application._meta.get_field(name)
    return str(field.verbose_name) if isinstance(field, models.Field) else name


def _guard_answers_complete(application: Application) -> None:
    missing = [_verbose_name(f) for f in REQUIRED_FIELDS if not getattr(application, f)]
    if application.applying_office == Application.ApplyingOffice.OTHER and not (
        application.applying_office_other.strip()
    ):
        missing.append("other office")
    for question in application.cohort.questions.all():
        if not str(application.short_answers.get(str(question.pk), "")).strip():
            missing.append(question.prompt)
    if missing:
        raise TransitionError(
            "Answer every question before submitting. Missing: " + "; ".join(missing) + ".",
            code="incomplete",
        )


def _guard_within_limits(application: Application) -> None:
    words = application_words(application)
    if words > WORD_LIMIT:
        raise TransitionError(
            f"The short answers have {words} words; together they may not exceed {WORD_LIMIT}.",
            code="limits",
        )
    pages = application_pages(application)
    if pages > PAGE_LIMIT:
        raise TransitionError(
            f"The uploaded material has {pages} pages; it may not exceed {PAGE_LIMIT}.",
            code="limits",
        )


def _guard_interview_exists(application: Application) -> None:
    if not application.interviews.exists():
        raise TransitionError("Schedule the interview first (time, link, attendees).")


def _guard_reference_check_recorded(application: Application) -> None:
    if not application.reference_checks.exists():
        raise TransitionError("Record at least one reference-check call first.")


def _seat_paperwork(application: Application) -> tuple[Any, Any]:
    from jurisdictions.services import membership_paperwork

    seat = CohortMembership.objects.filter(
        cohort_id=application.cohort_id, jurisdiction_id=application.jurisdiction_id
    ).first()
    if seat is None:
        raise TransitionError("This jurisdiction has no cohort seat: select the application first.")
    return seat, membership_paperwork(seat)


def _guard_seat_paperwork_received(application: Application) -> None:
    # Staff may record it by hand, but only what the seat's paperwork shows (jurisdictions app).
    _seat, paperwork = _seat_paperwork(application)
    if not paperwork.received:
        missing = [m for m in paperwork.outstanding if m != "point of contact"]
        raise TransitionError("Still missing for this seat: " + ", ".join(missing) + ".")


def _guard_seat_complete(application: Application) -> None:
    seat, paperwork = _seat_paperwork(application)
    if seat.status != CohortMembership.Status.ENROLLED and not paperwork.complete:
        raise TransitionError(
            "A seat is enrolled only when its MoU is signed, the leadership support letters "
            "are in and a point of contact is designated. Still missing: "
            + ", ".join(paperwork.outstanding)
            + "."
        )


GUARDS: dict[str, Callable[[Application], None]] = {
    "seat_paperwork_received": _guard_seat_paperwork_received,
    "seat_complete": _guard_seat_complete,
    "window_open": _guard_window_open,
    "answers_complete": _guard_answers_complete,
    "within_limits": _guard_within_limits,
    "interview_exists": _guard_interview_exists,
    "reference_check_recorded": _guard_reference_check_recorded,
}


def _effect_stamp_submitted(application: Application, by: User | None) -> None:
    application.submitted_at = timezone.now()
    application.save(update_fields=["submitted_at"])


def _effect_create_membership(application: Application, by: User | None) -> None:
    from jurisdictions.services import membership_select

    membership_select(application=application, by=by)


def _effect_enrol_membership(application: Application, by: User | None) -> None:
    from jurisdictions.services import membership_enrol

    membership_enrol(cohort=application.cohort, jurisdiction=application.jurisdiction, by=by)


def _effect_withdraw_membership(application: Application, by: User | None) -> None:
    from jurisdictions.services import membership_withdraw

    membership_withdraw(cohort=application.cohort, jurisdiction=application.jurisdiction, by=by)


EFFECTS: dict[str, Callable[[Application, Any], None]] = {
    "stamp_submitted": _effect_stamp_submitted,
    "create_cohort_membership": _effect_create_membership,
    "enrol_cohort_membership": _effect_enrol_membership,
    "withdraw_cohort_membership": _effect_withdraw_membership,
}


def transition_effect_register(name: str, effect: Callable[[Application, Any], None]) -> None:
    """Do the effect workflow.py calls `name` with `effect(application, by)`: for an effect
    that belongs to an app above this one (community's invitation), registered from that app's
    AppConfig.ready(), so this app imports none of them. Runs inside the transition's
    transaction, like the effects above."""
    EFFECTS[name] = effect


def effects_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A system check (registered in applications/apps.py): every guard and effect the workflow
    names is implemented once all apps are ready, those registered by other apps included."""
    try:
        workflow.WORKFLOW.check_names(guards=GUARDS, effects=EFFECTS)
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="applications.E001")]
    return []


def answers_html(application: Application) -> str:
    return render_to_string(
        "applications/answers_copy.html",
        {"application": application, "answers": application_answers(application)},
    )


def application_answers(application: Application) -> list[tuple[str, str]]:
    """The application's answers as (question, answer) pairs, for copies and read-only pages."""
    rows: list[tuple[str, str]] = []
    for name in ANSWER_FIELDS:
        field = Application._meta.get_field(name)
        value = getattr(application, name)
        if name == "team_make_up":
            labels = dict(Application.TeamMember.choices)
            value = ", ".join(labels.get(v, v) for v in value or [])
        elif getattr(field, "choices", None):
            value = getattr(application, f"get_{name}_display")()
        elif isinstance(value, dt.date):
            value = f"{value:%B %-d, %Y}"
        if name.endswith("_other") and not value:
            continue
        rows.append((_verbose_name(name).capitalize(), str(value or "")))
    for question in application.cohort.questions.all():
        rows.append((question.prompt, str(application.short_answers.get(str(question.pk), ""))))
    return rows


def application_transition(
    *, application: Application, to_status: str, by: User | None, comment: str = ""
) -> ApplicationTransition:
    """Move an application to `to_status` if the workflow allows it for `by` (None = system).

    Validates against `workflow.WORKFLOW` (the table of transitions), runs the transition's
    guards and effects, records the step, and queues its email (the outbox sends after the
    commit). Raises TransitionError.
    """
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update()
            .select_related("cohort", "jurisdiction")
            .get(pk=application.pk)
        )
        source = locked.status
        actors = actor_of(by, locked)
        step = workflow.WORKFLOW.step(source, to_status, actors)
        if step.needs_comment and not comment.strip() and workflow.STAFF in actors:
            raise TransitionError(f"Say why (“{step.action_label}” needs a comment).")
        run_named(step.guards, GUARDS, locked)
        locked.status = to_status
        if locked.pending_decision == to_status or to_status not in workflow.DECISIONS:
            locked.pending_decision = ""
        locked.save(update_fields=["status", "pending_decision", "updated_at"])
        record = ApplicationTransition.objects.create(
            application=locked,
            from_status=source,
            to_status=to_status,
            by=by,
            actor=_recorded_actor(actors, step),
            comment=comment,
        )
        run_named(step.effects, EFFECTS, locked, by)
        if step.email:
            attachments: tuple[Attachment, ...] = ()
            if to_status == Application.Status.SUBMITTED:
                attachments = (
                    Attachment(
                        filename=f"application-{safe_filename(str(locked.jurisdiction))}.html",
                        content=answers_html(locked).encode(),
                        mimetype="text/html",
                    ),
                )
            application_email_send(
                application=locked,
                key=step.email,
                message_key=f"application-transition:{record.pk}",
                extra={"comment": comment, "transition": record},
                attachments=attachments,
            )
    application.status = locked.status
    application.submitted_at = locked.submitted_at
    application.pending_decision = locked.pending_decision
    return record


def _recorded_actor(actors: set[str], step: workflow.Transition) -> str:
    for actor in (workflow.SYSTEM, workflow.STAFF, workflow.APPLICANT):
        if actor in actors and actor in step.actors:
            return actor
    return workflow.SYSTEM

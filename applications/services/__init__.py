"""Writes of the applications app. Every status change goes through `application_transition`.

Split by subject: `transitions` (the state machine's service), `applicants` (the applicant's
side), `round2` (reviews, decisions, interviews, letters, reference checks).
"""

from applications.answers import ANSWER_FIELDS, COUNTED_FIELDS, REQUIRED_FIELDS
from applications.services.applicants import (
    applicant_sign_up,
    application_copy_previous,
    application_document_add,
    application_document_remove,
    application_save_answers,
    application_save_with_document,
    application_start,
    application_start_naming_jurisdiction,
    co_applicant_accept,
    co_applicant_invite,
    jurisdiction_find_or_create,
    previous_application,
)
from applications.services.round2 import (
    EmailDraft,
    criteria_seed,
    decision_emails_save,
    decision_stage,
    decisions_apply,
    decisions_apply_with_emails,
    interview_schedule,
    mou_confirm,
    reference_check_record,
    review_submit,
    support_letter_add,
    support_letters_request,
)
from applications.services.transitions import (
    MAX_UPLOAD_BYTES,
    PAGE_LIMIT,
    PUBLISHED_CRITERIA,
    TransitionError,
    actor_of,
    answers_html,
    application_answers,
    application_pages,
    application_transition,
    application_words,
    transition_effect_register,
)

__all__ = [
    "ANSWER_FIELDS", "COUNTED_FIELDS", "MAX_UPLOAD_BYTES", "PAGE_LIMIT", "PUBLISHED_CRITERIA",
    "REQUIRED_FIELDS", "EmailDraft", "TransitionError", "actor_of", "answers_html",
    "applicant_sign_up", "application_answers", "application_copy_previous",
    "application_document_add", "application_document_remove", "application_pages",
    "application_save_answers", "application_save_with_document", "application_start",
    "application_start_naming_jurisdiction", "application_transition", "application_words",
    "co_applicant_accept", "co_applicant_invite", "criteria_seed", "decision_emails_save",
    "decision_stage", "decisions_apply", "decisions_apply_with_emails", "interview_schedule",
    "jurisdiction_find_or_create", "mou_confirm", "previous_application", "reference_check_record",
    "review_submit", "support_letter_add", "support_letters_request", "transition_effect_register",
]  # fmt: skip

"""Writes for the community of practice, its sessions and webinars, and the newsletter.

Split by subject; everything is importable from `community.services`.
"""

from community.services.membership import (
    MembershipError,
    email_is_government,
    membership_add_not_selected_applicant,
    membership_decide,
    membership_invite_not_selected_applicants,
    membership_register,
)
from community.services.newsletter import (
    NewsletterError,
    issue_confirm_late,
    issue_fan_out,
    issue_render,
    issue_schedule,
    issue_send_now,
    issue_send_test,
    issues_release_scheduled,
    issues_resume_stalled,
    subscriber_confirm,
    subscriber_subscribe,
    subscriber_unsubscribe,
)
from community.services.sessions import (
    AttendanceRow,
    RegistrationError,
    attendance_import_csv,
    attendance_mark,
    registration_cancel,
    registration_create,
    reminders_send_due,
    session_followup_send,
    session_materials_update,
    waitlist_promote,
)

__all__ = [
    "AttendanceRow",
    "MembershipError",
    "NewsletterError",
    "RegistrationError",
    "attendance_import_csv",
    "attendance_mark",
    "email_is_government",
    "issue_confirm_late",
    "issue_fan_out",
    "issue_render",
    "issue_schedule",
    "issue_send_now",
    "issue_send_test",
    "issues_release_scheduled",
    "issues_resume_stalled",
    "membership_add_not_selected_applicant",
    "membership_decide",
    "membership_invite_not_selected_applicants",
    "membership_register",
    "registration_cancel",
    "registration_create",
    "reminders_send_due",
    "session_followup_send",
    "session_materials_update",
    "subscriber_confirm",
    "subscriber_subscribe",
    "subscriber_unsubscribe",
    "waitlist_promote",
]

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from gpl_cohort.accounts.rules import (
    is_contact_of_object_jurisdiction,
    is_jurisdiction_contact,
    is_program_staff,
)

if TYPE_CHECKING:
    from coaching.models import CoachingLog
    from gpl_cohort.accounts.roles import RequestUser


@rules.predicate
def is_author_within_edit_window(user: RequestUser, log: CoachingLog | None) -> bool:
    from coaching.services import log_is_editable

    return log is not None and log_is_editable(log=log, user=user)


can_see_jurisdiction_work = is_program_staff | is_contact_of_object_jurisdiction

rules.add_perm("coaching.view_coachinglog", can_see_jurisdiction_work)
rules.add_perm("coaching.add_coachinglog", is_program_staff | is_jurisdiction_contact)
rules.add_perm("coaching.change_coachinglog", is_author_within_edit_window)
rules.add_perm("coaching.delete_coachinglog", is_author_within_edit_window)
rules.add_perm("coaching.export_coachinglog", is_program_staff | is_jurisdiction_contact)
rules.add_perm("coaching.view_deliverable", can_see_jurisdiction_work)
rules.add_perm("coaching.add_deliverable", is_program_staff | is_jurisdiction_contact)
rules.add_perm("coaching.change_deliverable", can_see_jurisdiction_work)
rules.add_perm("coaching.delete_deliverable", is_program_staff)
rules.add_perm("coaching.view_deliverabledocument", can_see_jurisdiction_work)
rules.add_perm("coaching.view_staff_dashboard", is_program_staff)

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from gpl_cohort.accounts.rules import (
    is_contact_of_object_jurisdiction,
    is_jurisdiction_contact,
    is_practitioner,
    is_program_staff,
)

if TYPE_CHECKING:
    from gpl_cohort.accounts.roles import RequestUser

# A contact sees and edits only their own jurisdiction; staff see all.
can_view_jurisdiction = is_program_staff | is_contact_of_object_jurisdiction
can_edit_jurisdiction = is_program_staff | is_contact_of_object_jurisdiction

rules.add_perm("jurisdictions.view_jurisdiction", can_view_jurisdiction)
rules.add_perm("jurisdictions.change_jurisdiction", can_edit_jurisdiction)
rules.add_perm("jurisdictions.add_jurisdiction", is_program_staff)
rules.add_perm("jurisdictions.delete_jurisdiction", is_program_staff)
rules.add_perm("jurisdictions.view_responseteam", can_view_jurisdiction)
rules.add_perm("jurisdictions.change_responseteam", can_edit_jurisdiction)


@rules.predicate
def is_cohort_member_contact(user: RequestUser) -> bool:
    from jurisdictions.selectors import cohort_member_jurisdiction

    return cohort_member_jurisdiction(user)


# The resource library: staff upload; cohort members and community practitioners read.
can_read_resources = is_program_staff | is_practitioner | is_cohort_member_contact

rules.add_perm("jurisdictions.view_mou", can_view_jurisdiction)
rules.add_perm("jurisdictions.change_mou", can_edit_jurisdiction)
rules.add_perm("jurisdictions.view_supportletter", can_view_jurisdiction)
rules.add_perm("jurisdictions.add_supportletter", is_program_staff | is_jurisdiction_contact)
rules.add_perm("jurisdictions.view_cohort_dashboard", is_program_staff)
rules.add_perm("jurisdictions.view_resource", can_read_resources)
rules.add_perm("jurisdictions.add_resource", is_program_staff)
rules.add_perm("jurisdictions.delete_resource", is_program_staff)

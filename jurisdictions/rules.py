import rules

from gpl_cohort.accounts.rules import is_contact_of_object_jurisdiction, is_program_staff

# A contact sees and edits only their own jurisdiction; staff see all.
can_view_jurisdiction = is_program_staff | is_contact_of_object_jurisdiction
can_edit_jurisdiction = is_program_staff | is_contact_of_object_jurisdiction

rules.add_perm("jurisdictions.view_jurisdiction", can_view_jurisdiction)
rules.add_perm("jurisdictions.change_jurisdiction", can_edit_jurisdiction)
rules.add_perm("jurisdictions.add_jurisdiction", is_program_staff)
rules.add_perm("jurisdictions.delete_jurisdiction", is_program_staff)
rules.add_perm("jurisdictions.view_cohortmembership", can_view_jurisdiction)
rules.add_perm("jurisdictions.view_responseteam", can_view_jurisdiction)
rules.add_perm("jurisdictions.change_responseteam", can_edit_jurisdiction)

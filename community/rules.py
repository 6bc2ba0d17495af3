import rules

from gpl_cohort.accounts.rules import is_practitioner, is_program_staff

# Members (approved practitioners) and staff see sessions, materials and the series feed.
rules.add_perm("community.view_session", is_practitioner | is_program_staff)
rules.add_perm("community.add_registration", is_practitioner | is_program_staff)
# Attendance, materials, follow-up, reports, subscribers and newsletter issues: staff only.
rules.add_perm("community.manage_sessions", is_program_staff)
rules.add_perm("community.manage_newsletter", is_program_staff)

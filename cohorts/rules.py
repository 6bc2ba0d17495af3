import rules

from gpl_cohort.accounts.rules import is_contact_of_object_jurisdiction, is_program_staff

# Cohorts and their windows are public; a seat is seen and edited by staff and by the contacts
# of the seat's jurisdiction (its point of contact, its paperwork).
can_see_seat = is_program_staff | is_contact_of_object_jurisdiction

rules.add_perm("cohorts.view_cohort", rules.always_allow)
rules.add_perm("cohorts.view_cohortmembership", can_see_seat)
rules.add_perm("cohorts.change_cohortmembership", can_see_seat)

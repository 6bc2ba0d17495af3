"""Who may see and change call data: program staff everywhere; a jurisdiction's contact only
their own jurisdiction's datasets, mappings, scenarios, trees and outcomes."""

import rules

from gpl_cohort.accounts.rules import (
    is_contact_of_object_jurisdiction,
    is_jurisdiction_contact,
    is_program_staff,
)

can_use = is_program_staff | is_jurisdiction_contact
owns = is_program_staff | is_contact_of_object_jurisdiction

rules.add_perm("calldata.use_calldata", can_use)
for model in (
    "dataset",
    "scenario",
    "decisiontree",
    "outcomerecord",
    "calltypemapping",
    "codetable",
):
    rules.add_perm(f"calldata.view_{model}", owns)
    rules.add_perm(f"calldata.add_{model}", can_use)
    rules.add_perm(f"calldata.change_{model}", owns)
    rules.add_perm(f"calldata.delete_{model}", owns)
rules.add_perm("calldata.upload_for_any_jurisdiction", is_program_staff)
rules.add_perm("calldata.view_dictionaryentry", can_use)
rules.add_perm("calldata.add_dictionaryentry", is_program_staff)
rules.add_perm("calldata.change_dictionaryentry", is_program_staff)
rules.add_perm("calldata.delete_dictionaryentry", is_program_staff)

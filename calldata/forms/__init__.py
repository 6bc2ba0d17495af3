"""Forms of the call-data pages, one module per area; `from calldata.forms import X` keeps
working for every form."""

from calldata.forms.datasets import (
    CodeTableForm,
    CombineForm,
    MappingForm,
    ReadingSettingsForm,
    UploadForm,
    time_zone_choices,
)
from calldata.forms.dictionary import DictionaryEntryForm, TaxonomyForm
from calldata.forms.outcomes import OutcomeForm, OutcomeImportForm
from calldata.forms.scenarios import PresetForm, ScenarioForm
from calldata.forms.trees import TreeEditorForm, TreeForm

__all__ = [
    "CodeTableForm",
    "CombineForm",
    "DictionaryEntryForm",
    "MappingForm",
    "OutcomeForm",
    "OutcomeImportForm",
    "PresetForm",
    "ReadingSettingsForm",
    "ScenarioForm",
    "TaxonomyForm",
    "TreeEditorForm",
    "TreeForm",
    "UploadForm",
    "time_zone_choices",
]

"""Every model of ours is in the admin with list columns, filters and search.

Exceptions are named here with the reason: rows edited inline on their parent's page, and
single settings rows or tiny tag lists where filters and search would be noise.
"""

import pytest
from django.apps import apps
from django.contrib import admin

OUR_APPS = (
    "accounts", "outbox", "ops", "jurisdictions", "applications", "coaching", "community",
    "calldata",
)  # fmt: skip

# Edited inline on their parent's admin page (parent in the comment).
INLINE = {
    "jurisdictions.MoUTransition",  # MoU
    "applications.ShortAnswerQuestion",  # Cohort
    "applications.ReviewCriterion",  # Cohort
    "applications.ReviewScore",  # Review
    "coaching.DeliverableDocument",  # Deliverable
    "community.Presenter",  # Session
}
# One settings row, or a short list of names: columns yes, filters and search would be noise.
SMALL = {
    "jurisdictions.PaperworkSettings",
    "coaching.CoachingSettings",
    "jurisdictions.ResourceTag",
    "community.Topic",
}


def our_models():
    for label in OUR_APPS:
        yield from apps.get_app_config(label).get_models()


@pytest.mark.parametrize("model", list(our_models()), ids=lambda m: m._meta.label)
def test_every_model_is_in_the_admin_with_columns_filters_and_search(model):
    label = model._meta.label
    model_admin = admin.site._registry.get(model)
    if label in INLINE:
        inlines = [
            inline.model
            for registered in admin.site._registry.values()
            for inline in registered.inlines
        ]
        assert model in inlines, f"{label} is neither registered nor an inline"
        return
    assert model_admin is not None, f"{label} is not in the admin"
    if label in SMALL:
        return
    assert tuple(model_admin.list_display) != ("__str__",), f"{label} has no list columns"
    assert model_admin.list_filter, f"{label} has no list filters"
    assert model_admin.search_fields, f"{label} has no search"


@pytest.mark.django_db
def test_every_admin_list_renders_for_staff_with_a_search(staff_client):
    from django.urls import reverse

    failures = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label == "auth":
            continue  # groups are managed by superusers only
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        query = "?q=durham" if model_admin.search_fields else ""
        response = staff_client.get(url + query)
        if response.status_code != 200:
            failures.append(f"{url}{query}: {response.status_code}")
    assert not failures, failures

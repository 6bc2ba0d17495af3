"""The admin site: Django's, with its navigation sidebar built once per set of permissions.

Every admin page lists the models the person may see in its sidebar. Django builds that list
afresh on each request: for 48 models it asks five permissions each (cheap) and reverses two
URLs each (~90 reverse() calls, most of the cost), then renders a 25 kB table. The list is a
function of the permission answers alone (plus the language and the script prefix), so it is
kept per process under those answers, which are still asked on every request: a person who
gains or loses a permission sees the change on their next page. The sidebar's HTML is
remembered for that list and for the entries that match the current page (`admin/nav_sidebar.html`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.utils import quote as quote_pk
from django.contrib.admin.views.main import ChangeList
from django.forms.utils import flatatt
from django.http import HttpRequest
from django.urls import get_script_prefix
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gpl_cohort.template_builtins import remembered_reverse

_LIMIT = 1_000  # distinct permission sets per process; emptied when full


class AppList(list[dict[str, Any]]):
    """Django's app list, with the key it was built for (read-only: it is shared)."""

    key: tuple[Any, ...] = ()


class CohortAdminSite(admin.AdminSite):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._app_lists: dict[tuple[Any, ...], AppList] = {}

    def _permission_key(self, request: HttpRequest, app_label: str | None) -> tuple[Any, ...]:
        answers = []
        for model, model_admin in self._registry.items():
            if app_label and model._meta.app_label != app_label:
                continue
            if not model_admin.has_module_permission(request):
                answers.append((model._meta.label, None))
                continue
            perms = model_admin.get_model_perms(request)
            answers.append((model._meta.label, tuple(sorted(perms.items()))))
        return (app_label, get_language(), get_script_prefix(), self.name, tuple(answers))

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> AppList:
        key = self._permission_key(request, app_label)
        found = self._app_lists.get(key)
        if found is None:
            found = AppList(super().get_app_list(request, app_label))
            found.key = key
            if len(self._app_lists) >= _LIMIT:
                self._app_lists.clear()
            self._app_lists[key] = found
        return found

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        # What the sidebar marks as the current page, by the same test as its template.
        path = quote(request.path)
        context["nav_sidebar_current"] = tuple(
            url
            for app in context["available_apps"]
            for url in (app["app_url"], *(model["admin_url"] for model in app["models"]))
            if url and url in path
        )
        return context


class CohortAdminConfig(AdminConfig):
    default_site = "gpl_cohort.admin_site.CohortAdminSite"


class PlainSelect(forms.Select):
    """Django's <select> markup, written directly instead of through a template per option.

    The changelist's action menu rendered through the form renderer (select, option and attrs
    templates: 30 template renders for 13 actions) cost a tenth of the applications list.
    Options without groups only, which is what an action menu holds.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> str:
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, " selected" if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class PlainActionForm(helpers.ActionForm):
    """The admin's action form with the action menu as `PlainSelect`."""

    action = forms.ChoiceField(label=_("Action:"), widget=PlainSelect)


class RememberedURLChangeList(ChangeList):
    """Django's changelist, its rows' change links reversed once per object and process."""

    def url_for_result(self, result: Any) -> str:
        return remembered_reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            (quote_pk(getattr(result, self.pk_attname)),),
            current_app=self.model_admin.admin_site.name,
        )

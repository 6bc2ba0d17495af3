import json

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from gpl_cohort.accounts.http import AuthenticatedHttpRequest
from gpl_cohort.accounts.models import User
from gpl_cohort.accounts.privacy import person_data_export, person_erase


class CohortUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class CohortUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = CohortUserChangeForm
    add_form = CohortUserCreationForm
    ordering = ["full_name", "email"]
    list_display = [
        "email",
        "full_name",
        "contact_jurisdiction",
        "is_staff",
        "is_active",
        "last_login",
    ]
    list_filter = ["is_staff", "is_active", "contact_jurisdiction__state", "groups"]
    search_fields = ["email", "full_name", "contact_jurisdiction__name"]
    list_select_related = ["contact_jurisdiction"]
    autocomplete_fields = ["contact_jurisdiction"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "title", "phone", "time_zone")}),
        ("Jurisdiction contact", {"fields": ("contact_jurisdiction",)}),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    actions = ["export_personal_data", "erase_personal_data"]

    @admin.action(description="Export personal data (JSON, on the person's request)")
    def export_personal_data(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse:
        data = [person_data_export(user=user) for user in queryset]
        response = HttpResponse(
            json.dumps(data, indent=2, default=str), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
        return response

    @admin.action(description="Erase personal data (cannot be undone)")
    def erase_personal_data(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[User]
    ) -> None:
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(request, "You cannot erase your own account.", messages.ERROR)
            return
        for user in queryset:
            person_erase(user=user)
        self.message_user(request, f"Erased the personal data of {queryset.count()} people.")

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "password1", "password2"),
            },
        ),
    )

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from gpl_cohort.accounts.models import User


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
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "password1", "password2"),
            },
        ),
    )

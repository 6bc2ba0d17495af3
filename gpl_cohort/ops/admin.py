"""The audit log in the admin, searchable by our people's email and name (we have no
first/last name fields, which django-auditlog's own admin searches)."""

from auditlog.admin import LogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class CohortLogEntryAdmin(LogEntryAdmin):
    search_fields = ["object_repr", "changes", "actor__email", "actor__full_name"]

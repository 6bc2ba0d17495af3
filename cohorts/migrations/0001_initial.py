"""Cohort and CohortMembership move here from applications and jurisdictions.

Their tables stay where they are and keep their rows: this migration only tells Django's state
that the models now belong to this app (under their old table names), and carries their content
types over, so the permissions held by groups and users and the audit log's entries follow them.
Migration 0002 then gives the tables this app's names. applications 0004 and jurisdictions 0005
point their foreign keys here and forget the old models.
"""

import django.core.validators
import django.db.models.deletion
import gpl_cohort.accounts.models
from django.conf import settings
from django.db import migrations, models

MOVED = [("applications", "cohort"), ("jurisdictions", "cohortmembership")]


def _move_content_types(apps, schema_editor, *, forwards):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for old_label, model in MOVED:
        source, target = (old_label, "cohorts") if forwards else ("cohorts", old_label)
        if types.filter(app_label=target, model=model).exists():
            continue  # made already (e.g. by a migrate that ran before this one existed)
        types.filter(app_label=source, model=model).update(app_label=target)


def content_types_forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, forwards=True)


def content_types_backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('applications', '0003_application_anticipated_launch_on_and_more'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('jurisdictions', '0004_jurisdiction_shares_in_cohort_comparison'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Cohort',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=150, unique=True)),
                        ('slug', models.SlugField(max_length=80, unique=True)),
                        ('opens_at', models.DateTimeField(help_text='When the application window opens.')),
                        ('closes_at', models.DateTimeField(help_text='When the application window closes.')),
                        ('time_zone', models.CharField(default='America/New_York', help_text='The zone in which the application window is published and checked.', max_length=64, validators=[gpl_cohort.accounts.models.validate_time_zone])),
                        ('starts_on', models.DateField(help_text='The first day of the cohort year.')),
                        ('length_months', models.PositiveSmallIntegerField(default=12, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(36)])),
                        ('seats', models.PositiveSmallIntegerField(default=5, validators=[django.core.validators.MinValueValidator(1)])),
                        ('webinar_url', models.URLField(blank=True, verbose_name='informational webinar link')),
                        ('description', models.TextField(blank=True)),
                    ],
                    options={
                        'db_table': 'applications_cohort',
                        'ordering': ['-starts_on'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('closes_at__gt', models.F('opens_at'))), name='applications_cohort_closes_after_it_opens')],
                    },
                ),
                migrations.CreateModel(
                    name='CohortMembership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('selected', 'Selected, paperwork outstanding'), ('enrolled', 'Enrolled'), ('withdrawn', 'Withdrawn'), ('completed', 'Completed the cohort year')], default='selected', max_length=20)),
                        ('selected_at', models.DateTimeField(blank=True, null=True)),
                        ('paperwork_received_at', models.DateTimeField(blank=True, help_text='When the signed MoU and the support letters were in.', null=True)),
                        ('enrolled_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('cohort', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='cohorts.cohort')),
                        ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cohort_memberships', to='jurisdictions.jurisdiction')),
                        ('point_of_contact', models.ForeignKey(blank=True, help_text='The designated project point of contact, consistent for the whole year.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='point_of_contact_for', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'jurisdictions_cohortmembership',
                        'ordering': ['cohort', 'jurisdiction__name'],
                        'constraints': [models.UniqueConstraint(fields=('cohort', 'jurisdiction'), name='jurisdictions_one_seat_per_cohort')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_forwards, content_types_backwards),
    ]

"""The tables take this app's names (cohorts_cohort, cohorts_cohortmembership).

A rename only: rows, keys and the foreign keys that point at them stay as they are (PostgreSQL
and SQLite both follow a renamed table in other tables' foreign keys).
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cohorts', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelTable(name='cohort', table=None),
        migrations.AlterModelTable(name='cohortmembership', table=None),
    ]

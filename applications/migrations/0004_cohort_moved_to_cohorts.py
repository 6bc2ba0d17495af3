"""Cohort now lives in the cohorts app (see cohorts 0001): applications, their short-answer
questions, review criteria and email templates point at it there. State only: the database
already holds these keys. After jurisdictions 0005, whose seats pointed at the old model."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0003_application_anticipated_launch_on_and_more'),
        ('cohorts', '0001_initial'),
        ('jurisdictions', '0005_cohortmembership_moved_to_cohorts'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='shortanswerquestion',
                    name='cohort',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='cohorts.cohort'),
                ),
                migrations.AlterField(
                    model_name='application',
                    name='cohort',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='cohorts.cohort'),
                ),
                migrations.AlterField(
                    model_name='reviewcriterion',
                    name='cohort',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='criteria', to='cohorts.cohort'),
                ),
                migrations.AlterField(
                    model_name='emailtemplate',
                    name='cohort',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='email_templates', to='cohorts.cohort'),
                ),
                migrations.DeleteModel(
                    name='Cohort',
                ),
            ],
        ),
    ]

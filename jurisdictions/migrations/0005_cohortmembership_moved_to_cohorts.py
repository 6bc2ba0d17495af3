"""CohortMembership now lives in the cohorts app (see cohorts 0001): the MoU, support letters and
point-of-contact changes point at it there. State only: the database already holds these keys."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cohorts', '0001_initial'),
        ('jurisdictions', '0004_jurisdiction_shares_in_cohort_comparison'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='mou',
                    name='membership',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='mou', to='cohorts.cohortmembership'),
                ),
                migrations.AlterField(
                    model_name='supportletter',
                    name='membership',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='support_letters', to='cohorts.cohortmembership'),
                ),
                migrations.AlterField(
                    model_name='pointofcontactchange',
                    name='membership',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='point_of_contact_changes', to='cohorts.cohortmembership'),
                ),
                migrations.DeleteModel(
                    name='CohortMembership',
                ),
            ],
        ),
    ]

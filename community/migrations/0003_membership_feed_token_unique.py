import secrets

from django.db import migrations, models

import community.models


def give_each_member_a_token(apps, schema_editor):
    Membership = apps.get_model("community", "Membership")
    for membership in Membership.objects.only("pk"):
        Membership.objects.filter(pk=membership.pk).update(feed_token=secrets.token_urlsafe(24))


class Migration(migrations.Migration):
    dependencies = [("community", "0002_subscriber_topic_membership_decided_at_and_more")]

    operations = [
        migrations.RunPython(give_each_member_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="membership",
            name="feed_token",
            field=models.CharField(
                default=community.models.new_token,
                help_text="Secret part of this member's calendar feed URL.",
                max_length=64,
                unique=True,
            ),
        ),
    ]

"""Moderators' notes sealed under their story's data key (issue 12); plain column dropped."""

from django.db import migrations, models

import testimony.sealing


def seal_notes(apps, schema_editor):
    from testimony.keys import seal_plain_rows

    seal_plain_rows(
        model=apps.get_model("moderation", "ReviewNote"),
        StoryKey=apps.get_model("testimony", "StoryKey"),
        story_attr="story_id",
        columns={"text": "text_sealed"},
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0005_urgency_feedback"),
        ("testimony", "0010_story_encryption"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewnote",
            name="text_sealed",
            field=models.BinaryField(blank=True, default=b""),
        ),
        migrations.RunPython(seal_notes, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="reviewnote", name="text"),
        migrations.RenameField(model_name="reviewnote", old_name="text_sealed", new_name="text"),
        migrations.AlterField(
            model_name="reviewnote",
            name="text",
            field=testimony.sealing.SealedTextField(story_attr="story_id", verbose_name="note"),
        ),
    ]

"""Seizure-resistant storage: each story's texts sealed under its own data key (issue 12).

Plain text rows are sealed in batches (idempotent), then the plain columns are dropped; the
sealed columns take their names. Over a database with stories this needs the keystore
(STORY_KEYSTORE), whose first epoch it makes.
"""

import django.db.models.deletion
from django.db import migrations, models

import testimony.sealing


def seal_stories(apps, schema_editor):
    from testimony.keys import seal_plain_rows

    seal_plain_rows(
        model=apps.get_model("testimony", "Story"),
        StoryKey=apps.get_model("testimony", "StoryKey"),
        story_attr="id",
        columns={"text": "text_sealed", "published_text": "published_text_sealed"},
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("testimony", "0009_installation_statistic"),
    ]

    operations = [
        migrations.CreateModel(
            name="StoryKey",
            fields=[
                (
                    "story",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="sealing_key",
                        serialize=False,
                        to="testimony.story",
                    ),
                ),
                ("epoch", models.PositiveIntegerField(db_index=True)),
                ("wrapped", models.BinaryField()),
            ],
        ),
        migrations.AddField(
            model_name="story",
            name="text_sealed",
            field=models.BinaryField(blank=True, default=b""),
        ),
        migrations.AddField(
            model_name="story",
            name="published_text_sealed",
            field=models.BinaryField(blank=True, default=b""),
        ),
        migrations.RunPython(seal_stories, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="story", name="text"),
        migrations.RemoveField(model_name="story", name="published_text"),
        migrations.RenameField(model_name="story", old_name="text_sealed", new_name="text"),
        migrations.RenameField(
            model_name="story", old_name="published_text_sealed", new_name="published_text"
        ),
        migrations.AlterField(
            model_name="story",
            name="text",
            field=testimony.sealing.SealedTextField(story_attr="pk", verbose_name="text"),
        ),
        migrations.AlterField(
            model_name="story",
            name="published_text",
            field=testimony.sealing.SealedTextField(
                story_attr="pk", verbose_name="published text"
            ),
        ),
    ]

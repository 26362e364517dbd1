import datetime

from django.db import migrations, models

# The national numbers seeded in 0002 are verified facts today: they are shown as verified,
# and their descriptions say in which languages they answer. A description an operator has
# changed since is left as it is.
SEEDED = {
    # phone: {language: (description in 0002, description now)}
    "112": {
        "en": (
            "One number for an ambulance, the fire service and the police. Free, day and night.",
            "One number for an ambulance, the fire service and the police. Free, day and night. "
            "Answers in Kazakh and Russian.",
        ),
        "ru": (
            "Один номер для скорой помощи, пожарных и полиции. Бесплатно, днём и ночью.",
            "Один номер для скорой помощи, пожарных и полиции. Бесплатно, круглосуточно. "
            "Отвечают на казахском и русском языках.",
        ),
        "kk": (
            "Жедел жәрдем, өрт сөндірушілер және полиция — бір нөмірде. Тегін, күндіз де, "
            "түнде де.",
            "Жедел жәрдем, өрт сөндіру қызметі мен полиция бір нөмірде. Тегін, тәулік бойы. "
            "Қазақ және орыс тілдерінде жауап береді.",
        ),
    },
    "102": {
        "en": (
            "Call if you are in danger right now.",
            "Call if you are in danger right now. Free, day and night. Answers in Kazakh and "
            "Russian.",
        ),
        "ru": (
            "Звоните, если вам угрожает опасность прямо сейчас.",
            "Звоните, если вам угрожает опасность прямо сейчас. Бесплатно, круглосуточно. "
            "Отвечают на казахском и русском языках.",
        ),
        "kk": (
            "Дәл қазір қауіп төніп тұрса, қоңырау шалыңыз.",
            "Дәл қазір қауіп төніп тұрса, қоңырау шалыңыз. Тегін, тәулік бойы. Қазақ және "
            "орыс тілдерінде жауап береді.",
        ),
    },
    "111": {
        "en": (
            "The national contact centre for questions of family, women and children's rights. "
            "Free, day and night.",
            "The national contact centre for questions of family, women and children's rights. "
            "Free, day and night. Answers in Kazakh and Russian.",
        ),
        "ru": (
            "Единый контакт-центр по вопросам семьи, женщин и защиты прав детей. Бесплатно, "
            "днём и ночью.",
            "Единый контакт-центр по вопросам семьи, женщин и защиты прав детей. Бесплатно, "
            "круглосуточно. Отвечают на казахском и русском языках.",
        ),
        "kk": (
            "Отбасы, әйелдер және балалар құқықтарын қорғау мәселелері жөніндегі бірыңғай "
            "байланыс орталығы. Тегін, күндіз де, түнде де.",
            "Отбасы, әйелдер мен балалар құқығын қорғау мәселелері бойынша бірыңғай байланыс "
            "орталығы. Тегін, тәулік бойы. Қазақ және орыс тілдерінде жауап береді.",
        ),
    },
    "150": {
        "en": (
            "Free and confidential, day and night.",
            "For children and young people. Free and confidential, day and night. Answers in "
            "Kazakh and Russian.",
        ),
        "ru": (
            "Бесплатно и конфиденциально, днём и ночью.",
            "Для детей и молодёжи. Бесплатно и конфиденциально, круглосуточно. Отвечают на "
            "казахском и русском языках.",
        ),
        "kk": (
            "Тегін әрі құпия, күндіз де, түнде де.",
            "Балалар мен жасөспірімдерге арналған. Тегін әрі құпия, тәулік бойы. Қазақ және "
            "орыс тілдерінде жауап береді.",
        ),
    },
}


def verify_seeded(apps, schema_editor):
    HelpResource = apps.get_model("testimony", "HelpResource")
    today = datetime.date.today()
    for phone, texts in SEEDED.items():
        for language, (before, now) in texts.items():
            rows = HelpResource.objects.filter(phone=phone, language=language, region="")
            rows.filter(description=before).update(description=now)
            rows.update(verified=True, verified_on=today)


def unverify_seeded(apps, schema_editor):
    HelpResource = apps.get_model("testimony", "HelpResource")
    for phone, texts in SEEDED.items():
        for language, (before, now) in texts.items():
            rows = HelpResource.objects.filter(phone=phone, language=language, region="")
            rows.filter(description=now).update(description=before)
            rows.update(verified=False)


class Migration(migrations.Migration):
    dependencies = [("testimony", "0006_urgency_feedback")]

    operations = [
        migrations.AddField(
            model_name="helpresource",
            name="verified_on",
            field=models.DateField(
                blank=True,
                help_text="Set when it is marked verified; it must be checked again after a while.",
                null=True,
                verbose_name="last verified on",
            ),
        ),
        migrations.AlterField(
            model_name="helpresource",
            name="verified",
            field=models.BooleanField(
                default=False,
                help_text="Call the number and check every detail, then tick this. Only verified "
                "entries are shown to survivors.",
                verbose_name="verified",
            ),
        ),
        migrations.AlterField(
            model_name="helpresource",
            name="kind",
            field=models.CharField(
                choices=[
                    ("emergency", "Emergency"),
                    ("police", "Police"),
                    ("helpline", "Helpline"),
                    ("crisis-centre", "Crisis centre"),
                    ("legal", "Legal help"),
                    ("shelter", "Shelter"),
                ],
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(verify_seeded, unverify_seeded),
    ]

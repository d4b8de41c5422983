from django.db import migrations, models


def fill_gender(apps, schema_editor):
    """Read the gender of workers registered before the field existed from their ID numbers."""
    Worker = apps.get_model("workers", "Worker")
    for worker in Worker.objects.exclude(id_number_encrypted="").only("pk", "id_number_encrypted").iterator():
        number = worker.id_number_encrypted
        if len(number) == 18 and number[16].isdigit():
            Worker.objects.filter(pk=worker.pk).update(gender="male" if int(number[16]) % 2 else "female")


class Migration(migrations.Migration):
    dependencies = [("workers", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="worker",
            name="gender",
            field=models.CharField(
                blank=True,
                choices=[("male", "Male"), ("female", "Female")],
                editable=False,
                max_length=6,
                verbose_name="gender",
            ),
        ),
        migrations.RunPython(fill_gender, migrations.RunPython.noop),
    ]

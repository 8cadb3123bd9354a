from django.db import migrations, models
from django.db.models import Exists, OuterRef


def fill_origins(apps, schema_editor):
    """Existing bookings get the origin their traces tell: a care plan, an import (a row
    changed by an import, or one without a creator nor any history, which only the
    import leaves), else a booking made by hand."""
    Booking = apps.get_model("planning", "Booking")
    BookingChange = apps.get_model("planning", "BookingChange")
    Booking.objects.filter(care_plan__isnull=False).update(origin="care_plan")
    imported = Exists(BookingChange.objects.filter(booking=OuterRef("pk"), action="imported"))
    history = Exists(BookingChange.objects.filter(booking=OuterRef("pk")))
    rest = Booking.objects.filter(care_plan__isnull=True)
    rest.filter(imported).update(origin="import")
    rest.filter(created_by__isnull=True).exclude(history).update(origin="import")


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0003_booking_created_by_blank"),
    ]

    operations = [
        migrations.AddField(
            model_name="booking",
            name="origin",
            field=models.CharField(
                choices=[
                    ("care_plan", "care plan"),
                    ("referral_start", "referral start"),
                    ("request", "request"),
                    ("waiting_list", "waiting list"),
                    ("import", "import"),
                    ("manual", "by hand"),
                ],
                default="manual",
                max_length=20,
                verbose_name="origin",
            ),
        ),
        migrations.RunPython(fill_origins, migrations.RunPython.noop),
    ]

from decimal import Decimal

from django.db import migrations

# Typical charters of the 2020 point-to-point campaigns; staff adjust prices in the console.
VEHICLES = [
    ("大客车（45座）", 45, Decimal("6.50"), 70),
    ("大型客车（53座）", 53, Decimal("7.20"), 70),
    ("火车车厢（118座）", 118, Decimal("9.00"), 100),
]


def add_vehicle_types(apps, schema_editor):
    VehicleType = apps.get_model("dispatch", "VehicleType")
    for name, seats, cost, speed in VEHICLES:
        VehicleType.objects.get_or_create(
            name=name, defaults={"seats": seats, "cost_per_km": cost, "speed_kmh": speed}
        )


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial")]

    operations = [migrations.RunPython(add_vehicle_types, migrations.RunPython.noop)]

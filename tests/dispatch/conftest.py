import pytest


@pytest.fixture(autouse=True)
def _vehicle_types(request):
    """Every database test here has the vehicle types (the planner's own tests use no database)."""
    if request.node.get_closest_marker("django_db") is not None:
        request.getfixturevalue("vehicles")

"""Reference tests use the fixtures of tests/reference/fixtures.py (a project-wide pytest plugin)."""

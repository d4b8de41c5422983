"""Console pages of the jobs app, one module per area; importing each registers its models."""

from jobs import admin_campaigns, admin_employers, admin_postings  # noqa: F401

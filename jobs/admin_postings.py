"""Console pages for this area (being written)."""

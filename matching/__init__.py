"""Matching: candidate generation, the stable-assignment engine, runs and offers."""

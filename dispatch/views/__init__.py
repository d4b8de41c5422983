"""Dispatch pages: the worker's trip, boarding check-in, and the employer's incoming trips."""

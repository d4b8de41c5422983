"""Dispatch in the console: the trip board (trips), manifests, hand-change forms, statistics, and the places and
vehicles staff keep (places). Importing the package registers them."""

from dispatch.admin import places, trips

__all__ = ["places", "trips"]

"""Per-network request counting in the shared cache, for view-level limits.

The cache (Redis in production, files in the demo) is shared by every web
process, so a limit holds across them. Addresses are keyed-hashed before
they become cache keys.
"""

import time

from django.core.cache import cache

from accounts import pii


def throttle_hit(*, scope: str, ip: str, limit: int, window_seconds: int) -> bool:
    """Count one request from ip; False once more than `limit` fell in the current window."""
    bucket = int(time.time() // window_seconds)
    key = f"accounts:throttle:{scope}:{pii.keyed_hash(ip or '', purpose='ip')}:{bucket}"
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:
        # The entry expired between add() and incr(): this is the first hit of a new window.
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit

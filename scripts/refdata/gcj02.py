"""GCJ-02 <-> WGS-84 conversion for points inside mainland China.

GCJ-02 is the obfuscated datum mandated for published maps in China (Amap,
Tencent and most adcode/seat lists scraped from them use it).  It is WGS-84
plus a deterministic, non-linear offset of roughly 100-700 m.  The forward
offset is public; the inverse has no closed form, so ``gcj02_to_wgs84``
solves it by fixed-point iteration, which converges to well under 1 m in a
handful of steps because the offset field is smooth.
"""

from __future__ import annotations

import math

# Krasovsky 1940 ellipsoid, which the GCJ-02 offset formula is defined on.
_SEMI_MAJOR = 6378245.0
_ECC_SQ = 0.00669342162296594323

# The offset is only applied inside this rough rectangle; points outside it
# are published unshifted.
_LNG_MIN, _LNG_MAX = 72.004, 137.8347
_LAT_MIN, _LAT_MAX = 0.8293, 55.8271


def _outside_china(lng: float, lat: float) -> bool:
    return not (_LNG_MIN <= lng <= _LNG_MAX and _LAT_MIN <= lat <= _LAT_MAX)


def _shift_lat(x: float, y: float) -> float:
    pi = math.pi
    out = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    out += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    out += (20.0 * math.sin(y * pi) + 40.0 * math.sin(y / 3.0 * pi)) * 2.0 / 3.0
    out += (160.0 * math.sin(y / 12.0 * pi) + 320.0 * math.sin(y * pi / 30.0)) * 2.0 / 3.0
    return out


def _shift_lng(x: float, y: float) -> float:
    pi = math.pi
    out = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    out += (20.0 * math.sin(6.0 * x * pi) + 20.0 * math.sin(2.0 * x * pi)) * 2.0 / 3.0
    out += (20.0 * math.sin(x * pi) + 40.0 * math.sin(x / 3.0 * pi)) * 2.0 / 3.0
    out += (150.0 * math.sin(x / 12.0 * pi) + 300.0 * math.sin(x / 30.0 * pi)) * 2.0 / 3.0
    return out


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    """Apply the GCJ-02 offset to a WGS-84 point (lng, lat in degrees)."""
    if _outside_china(lng, lat):
        return lng, lat
    d_lat = _shift_lat(lng - 105.0, lat - 35.0)
    d_lng = _shift_lng(lng - 105.0, lat - 35.0)
    rad_lat = math.radians(lat)
    magic = 1.0 - _ECC_SQ * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_SEMI_MAJOR * (1.0 - _ECC_SQ)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_SEMI_MAJOR / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lng + d_lng, lat + d_lat


def gcj02_to_wgs84(lng: float, lat: float, tol_deg: float = 1e-9, max_iter: int = 30) -> tuple[float, float]:
    """Invert the GCJ-02 offset by fixed-point iteration.

    Starting from the GCJ-02 point itself, each step moves the WGS-84 guess by
    the residual between the target and the forward-shifted guess.  1e-9
    degrees is ~0.1 mm, far below the accuracy of any seat coordinate.
    """
    if _outside_china(lng, lat):
        return lng, lat
    w_lng, w_lat = lng, lat
    for _ in range(max_iter):
        g_lng, g_lat = wgs84_to_gcj02(w_lng, w_lat)
        d_lng, d_lat = lng - g_lng, lat - g_lat
        w_lng += d_lng
        w_lat += d_lat
        if abs(d_lng) < tol_deg and abs(d_lat) < tol_deg:
            break
    return w_lng, w_lat


def haversine_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle distance in metres on a 6,371 km sphere."""
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))

"""GB/T 2260 codes nest by prefix: two digits name a province, four a prefecture."""


def scope_prefix(code: str) -> str:
    """The prefix shared by a division and everything under it."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def contains(outer: str, inner: str) -> bool:
    """Whether the division `inner` lies within (or is) the division `outer`."""
    return inner.startswith(scope_prefix(outer))


# GB/T 2260 lists Taiwan, Hong Kong and Macao at province level; the reference
# data gives them no divisions below and no minimum wage (SOURCES.md).
OUTSIDE_MAINLAND = frozenset({"710000", "810000", "820000"})


def is_mainland(code: str) -> bool:
    """Whether a division lies in mainland China, where the service operates."""
    return code[:2] + "0000" not in OUTSIDE_MAINLAND

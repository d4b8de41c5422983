"""The sign-up page stays light for cheap phones on slow connections: under 60 KB, all assets included."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

BUDGET = 60 * 1024
_ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def page_weight(client, url: str) -> tuple[int, dict[str, int]]:
    """Bytes of the HTML plus every local asset it references (uncompressed: the worst case)."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    sizes = {url: len(response.content)}
    for asset in sorted(set(_ASSET.findall(html))):
        path = finders.find(asset.removeprefix("/static/"))
        assert path, f"{asset} is referenced but not found"
        with open(path, "rb") as handle:
            sizes[asset] = len(handle.read())
    return sum(sizes.values()), sizes


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/training/courses/", "/jobs/"])
def test_entry_pages_weigh_under_60_kb_with_all_assets(client, url):
    total, sizes = page_weight(client, url)
    assert total < BUDGET, sizes
    assert any(name.endswith(".css") for name in sizes), "the stylesheet must be counted"


def test_pages_reference_no_external_asset(client):
    for url in ["/", "/accounts/login/"]:
        html = client.get(url).content.decode()
        assert not re.search(r'(?:href|src)="(?:https?:)?//', html), url

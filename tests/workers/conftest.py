"""Worker tests read English messages unless a test asks for Chinese."""

from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def client() -> Client:
    return Client(headers={"accept-language": "en"})

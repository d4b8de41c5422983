"""Spreadsheet cells read the same from CSV text and XLSX numbers; a cell that is not a number says so."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from config.imports import cell_decimal, cell_integer


@pytest.mark.parametrize(
    ("cell", "expected"), [("40", 40), (40.0, 40), ("1,200", 1200), ("\uff14\uff10", 40), ("", None)]
)
def test_whole_numbers_come_from_text_numbers_and_full_width_digits(cell, expected):
    assert cell_integer(cell) == expected


@pytest.mark.parametrize("cell", ["forty", "4.5", "Infinity", "NaN"])
def test_a_cell_that_is_not_a_whole_number_is_refused_with_a_message(cell):
    with pytest.raises(ValidationError, match="Enter a whole number"):
        cell_integer(cell)


@pytest.mark.parametrize("cell", ["lots", "Infinity", "-Infinity", "NaN"])
def test_a_cell_that_is_not_a_finite_number_is_refused(cell):
    with pytest.raises(ValidationError, match="Enter a number"):
        cell_decimal(cell)


def test_decimals_keep_their_digits():
    assert cell_decimal("5,200.50") == Decimal("5200.50")

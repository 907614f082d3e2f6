"""Exact arithmetic helpers shared by the rules."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

Ratio = Fraction | None
ONE = Fraction(1)
CENT = Decimal("0.01")


def frac(value: Decimal | int | Fraction) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(value)


def ratio(numerator: Decimal | Fraction | None, denominator: Decimal | Fraction | None) -> Ratio:
    """numerator ÷ denominator, or None when either is absent or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return frac(numerator) / frac(denominator)


def percent(value: Decimal | int) -> Fraction:
    """A profile percentage (60) as a ratio (3/5)."""
    return Fraction(value) / 100


def round_half_up(value: Fraction | Decimal, places: int = 2) -> Decimal:
    """四舍五入 to ``places`` decimals, exactly, whatever the input type or size (no context precision)."""
    numerator, denominator = value.as_integer_ratio()  # exact for Fraction, Decimal and int
    scale = 10**places
    # floor(|x| · 10^places + 1/2) in integers: half away from zero
    whole = (2 * abs(numerator) * scale + denominator) // (2 * denominator)
    if whole == 0:
        return Decimal(f"0e-{places}")  # never "-0.00"
    sign = "-" if numerator < 0 else ""
    return Decimal(f"{sign}{whole}e-{places}")  # built from text: exact, however many digits

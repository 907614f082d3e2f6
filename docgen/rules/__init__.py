"""Computed fields of RULES.md: pure functions of a validated project and a profile.

Ratios are exact :class:`fractions.Fraction` values (so 40% ÷ 66.67% is exactly 60%, not
59.999…%); amounts are :class:`decimal.Decimal`. Nothing is rounded here except where
RULES.md says a figure is rounded when computed (self-evaluation scores); display rounding
is done once, by :mod:`docgen.present`.
"""

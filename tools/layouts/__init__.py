"""Every form layout, one module per seed annex group; ``LAYOUTS`` lists them all."""

from __future__ import annotations

import importlib
import pkgutil

from layout import Layout

LAYOUTS: list[Layout] = []
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    LAYOUTS.extend(v for v in vars(_module).values() if isinstance(v, Layout))

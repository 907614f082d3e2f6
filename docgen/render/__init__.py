"""Renderers: one adapter per format. Only these modules import docxtpl and openpyxl.

They place values that :mod:`docgen.formdata` has already computed and formatted; they never compute.
"""

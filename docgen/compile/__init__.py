"""Compile a form's Word template (the single source) into its Excel and HTML (PDF) templates.

``read_docx`` reads the DOCX into a :class:`~docgen.compile.model.Layout` (the grid, spans, merges, loops,
the lines above and below the table); ``xlsx`` and ``html`` write the templates the renderers consume;
``cache`` keeps compiled templates by the DOCX's hash; ``drift`` compares a hand-made override with the DOCX.
"""

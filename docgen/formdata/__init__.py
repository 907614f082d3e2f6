"""Form contexts: what each form shows, formatted once, from a :class:`ProjectResult`.

Pure functions. Every value a template places is here, already rounded and worded; templates
and renderers only place them. Values that are numbers are :class:`~docgen.present.Num`
(text plus value and Excel format); grouped indicator cells are :class:`~docgen.present.Grouped`.
"""

"""绩效工作台: the web desk served by ``docgen serve`` (optional extra ``docgen[web]``).

Units submit project files, the bureau triages, edits 表3 opinions and issues 表3, in the browser.
The project folder stays the source of truth; desk state (accounts, statuses, audit log, history)
lives in ``DIR/.docgen/``.
"""

"""``docgen review``: drafted 表3 opinions written back into the project file, and the triage desk."""

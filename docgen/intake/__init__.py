"""The Excel intake workbook: ``docgen intake new`` writes it, ``docgen intake import`` (and every command
that reads a project file) reads it back through the same validation as a YAML project file."""

"""Cross-cutting infrastructure: database, configuration, errors, permissions, audit."""

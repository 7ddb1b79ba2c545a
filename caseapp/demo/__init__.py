"""Demo data for trying caseapp out (``flask --app caseapp demo``)."""

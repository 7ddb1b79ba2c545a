"""Cross-border exchange between caseapp instances (issue 11; 002, Rec 2 and Rec 6)."""

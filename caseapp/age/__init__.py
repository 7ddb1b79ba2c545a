"""Age assessment as a procedure, the presumption of minority and the 18th birthday (issue 15)."""

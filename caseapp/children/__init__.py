"""The child and the people around them: identification and registration (DESIGN.md section 2)."""

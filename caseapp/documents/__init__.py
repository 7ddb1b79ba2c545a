"""Documents: files uploaded to a case (DESIGN.md section 2 "Documents"; ASVS 5.0 V5)."""

"""Reports for people: spreadsheets (XLSX and CSV) and the PDF case summary."""

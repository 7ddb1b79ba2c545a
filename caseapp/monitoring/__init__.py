"""After the return: execution, monitoring visits, overdue visits and escalation (002, Rec 2)."""

"""The return gate: no return approved until every safeguard S1-S19 is met (DESIGN.md §4)."""

"""The return gate: no return approved until every safeguard S1-S18 is met (DESIGN.md §4)."""

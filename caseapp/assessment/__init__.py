"""Assessment stage: guardian, legal representative, placement, services, hearings, family
assessment and the best-interests assessment (DESIGN.md sections 2-3)."""

"""Cases: one child's episode, from identification to closure (DESIGN.md sections 2-3)."""

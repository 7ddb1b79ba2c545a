"""People: users, their roles, login and logout."""

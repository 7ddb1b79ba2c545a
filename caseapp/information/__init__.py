"""Child-friendly information given at each step: what, in which language, how, by whom
(002, Rec 1: the right to be heard; Rec 2: "options and plans should be discussed with the
child in an appropriate manner")."""

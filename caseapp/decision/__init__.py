"""Decided stage: outcome, notice to the child and guardian, appeals and complaints
(002, Rec 1: right to appeal and to complain)."""

"""Determination stage: the best-interests determination (BID) and its approval (002, Rec 2)."""

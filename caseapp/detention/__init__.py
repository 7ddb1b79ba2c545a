"""Detention records and referrals to alternatives to detention (issue 15; 002, Rec 4; 000)."""

"""Referrals of child victims: trafficking (national referral mechanism) and hate crime (issue 15)."""

"""Referrals of child victims: trafficking (national referral mechanism), hate crime."""

"""Route policy of the issue-15 pages: age, detention and referrals of victims. Each page
is read by whoever sees the case; its forms are for the lead agency's staff."""

from __future__ import annotations

from tests.age.records import issue_15
from tests.security.route_policy import Rule

POLICY = {
    "age.page": Rule.CASE_VIEW,
    "age.open_assessment": Rule.CASE_EDIT,
    "age.methods": Rule.CASE_EDIT,
    "age.conclude": Rule.CASE_EDIT,
    "age.challenge": Rule.CASE_EDIT,
    "age.decide": Rule.CASE_EDIT,
    "age.transition_plan": Rule.CASE_EDIT,
    "detention.page": Rule.CASE_VIEW,
    "detention.basis": Rule.CASE_EDIT,
    "detention.review": Rule.CASE_EDIT,
    "detention.challenge": Rule.CASE_EDIT,
    "detention.decide": Rule.CASE_EDIT,
    "detention.release": Rule.CASE_EDIT,
    "detention.refer": Rule.CASE_EDIT,
    "detention.follow_up": Rule.CASE_EDIT,
    "referrals.page": Rule.CASE_VIEW,
    "referrals.refer": Rule.CASE_EDIT,
    "referrals.outcome": Rule.CASE_EDIT,
}

BUILDERS = {
    "assessment_id": lambda world: issue_15(world, "age_assessment").id,
    "age.decide:challenge_id": lambda world: issue_15(world, "age_challenge").id,
    "detention_id": lambda world: issue_15(world, "detention").id,
    "detention.decide:challenge_id": lambda world: issue_15(world, "detention_challenge").id,
    "detention.follow_up:referral_id": lambda world: issue_15(world, "alternative").id,
    "referrals.outcome:referral_id": lambda world: issue_15(world, "victim_referral").id,
}

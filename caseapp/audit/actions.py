"""Every audit tag, named once (warehouse's ``events/tags.py`` is the model).

A tag reads ``subject:object:action`` (``case:stage:change``) or, when the subject is the
object, ``subject:action`` (``bid:approve``). ``caseapp.audit.recorder.record`` accepts only a
member of ``AuditAction`` (a bare string, even a well-formed tag, is a ``TypeError``), so a
misspelt tag fails at once instead of writing an entry no ombudsperson filter will ever find
(002, Rec 2 and Rec 6).
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class ParsedTag(NamedTuple):
    """The parts of a tag: ``subject``, ``object`` (``None`` for two-part tags), ``action``."""

    subject: str
    object: str | None
    action: str


class AuditAction(StrEnum):
    """The ``action`` column of ``audit_entry``."""

    # Access and reading (DESIGN.md section 6).
    ACCESS_REFUSE = "access:object:refuse"
    CASE_VIEW = "case:record:view"
    CASE_DOWNLOAD = "case:file:download"
    DOCUMENT_DOWNLOAD = "documents:document:download"
    DOCUMENT_UPLOAD = "documents:document:upload"
    AUDIT_LOG_VIEW = "audit:log:view"
    AUDIT_TIMELINE_VIEW = "audit:timeline:view"
    AUDIT_EXPORT = "audit:export"
    AUDIT_EXPORT_IDENTIFIED = "audit:export:identified"
    AUDIT_EXPORT_QUEUE = "audit:export:queue"  # a background export started (issue 13)
    AUDIT_EXPORT_DOWNLOAD = "audit:export:download"  # its finished bundle downloaded
    # Indicators and reports (issue 13).
    INDICATORS_VIEW = "indicators:figures:view"
    INDICATORS_DRILL = "indicators:cases:view"
    INDICATORS_DOWNLOAD = "indicators:figures:download"
    CASE_SUMMARY_DOWNLOAD = "report:case_summary:download"
    CASE_LIST_DOWNLOAD = "report:case_list:download"
    # Login and accounts.
    LOGIN_SUCCESS = "auth:login:success"
    LOGIN_FAIL = "auth:login:fail"
    LOGIN_LOCKOUT = "auth:login:lockout"  # no longer written (throttling, not lockout)
    LOGIN_BURST = "auth:login:burst"  # anonymous failures, one entry per burst with counts
    LOGOUT = "auth:logout"
    TWO_FACTOR_ENROL = "auth:2fa:enrol"
    TWO_FACTOR_RESET = "auth:2fa:reset"
    USER_CREATE = "user:account:create"
    USER_DEACTIVATE = "user:account:deactivate"
    USER_REACTIVATE = "user:account:reactivate"
    USER_LOCALE_CHANGE = "user:locale:change"
    USER_PASSWORD_CHANGE = "user:password:change"  # noqa: S105 (a tag, not a password)
    PASSWORD_RESET_REQUEST = "user:password_reset:request"  # noqa: S105 (a tag)
    PASSWORD_RESET_COMPLETE = "user:password_reset:complete"  # noqa: S105 (a tag)
    AGENCY_CREATE = "agency:agency:create"
    # Participants (issue 10): invitations, assignments, requests and their answers.
    INVITATION_SEND = "user:invitation:send"
    INVITATION_ACCEPT = "user:invitation:accept"
    ASSIGNMENT_START = "participant:assignment:start"
    ASSIGNMENT_END = "participant:assignment:end"
    REQUEST_SEND = "participant:request:send"
    REQUEST_ANSWER = "participant:request:answer"
    # People admin in the browser (issue 12 item 7).
    USER_UPDATE = "user:account:update"
    AGENCY_UPDATE = "agency:agency:update"
    CASE_REASSIGN = "case:caseworker:reassign"
    DIGEST_SET = "user:digest:set"  # the e-mail digest asked for or stopped
    # The case and the child's record.
    CASE_OPEN = "case:case:open"
    CASE_STAGE_CHANGE = "case:stage:change"
    CASE_CLOSE = "case:close"
    CASE_REOPEN = "case:reopen"
    CHILD_UPDATE = "child:record:update"
    NAME_ADD = "child:name:add"
    NAME_UPDATE = "child:name:update"
    NAME_REMOVE = "child:name:remove"
    FAMILY_ADD = "family:member:add"
    FAMILY_UPDATE = "family:member:update"
    FAMILY_REMOVE = "family:member:remove"
    # Age assessment, detention and referrals of victims (issue 15).
    AGE_ASSESSMENT_OPEN = "age:assessment:open"
    AGE_ASSESSMENT_METHODS = "age:assessment:methods"
    AGE_ASSESSMENT_CONCLUDE = "age:assessment:conclude"
    AGE_CHALLENGE_LODGE = "age:challenge:lodge"
    AGE_CHALLENGE_DECIDE = "age:challenge:decide"
    TRANSITION_PLAN_RECORD = "age:transition_plan:record"
    DETENTION_OPEN = "detention:record:open"
    DETENTION_BASIS = "detention:basis:record"
    DETENTION_REVIEW = "detention:review:record"
    DETENTION_CHALLENGE_LODGE = "detention:challenge:lodge"
    DETENTION_CHALLENGE_DECIDE = "detention:challenge:decide"
    DETENTION_RELEASE = "detention:record:release"
    ATD_REFER = "detention:alternative:refer"
    ATD_FOLLOW_UP = "detention:alternative:follow_up"
    VICTIM_REFER = "referrals:referral:refer"
    VICTIM_OUTCOME = "referrals:referral:outcome"
    # Assessment.
    GUARDIAN_APPOINT = "assessment:guardian:appoint"
    GUARDIAN_END = "assessment:guardian:end"
    # The guardian declares their independence for themselves (issue 10; 002, Rec 3).
    GUARDIAN_DECLARE = "assessment:guardian:declare"
    LEGAL_ASSIGN = "assessment:legal_representative:assign"
    LEGAL_END = "assessment:legal_representative:end"
    PLACEMENT_RECORD = "assessment:placement:record"
    PLACEMENT_END = "assessment:placement:end"
    SERVICE_RECORD = "assessment:service:record"
    SERVICE_END = "assessment:service:end"
    HEARING_RECORD = "assessment:hearing:record"
    TRACING_UPDATE = "assessment:tracing:update"
    FAMILY_ASSESSMENT_RECORD = "assessment:family_assessment:record"
    BIA_SAVE = "assessment:bia:save"
    BIA_COMPLETE = "assessment:bia:complete"
    # Determination.
    BID_DRAFT_CREATE = "bid:draft:create"
    BID_DRAFT_UPDATE = "bid:draft:update"
    BID_SUBMIT = "bid:submit"
    BID_APPROVE = "bid:approve"
    BID_SEND_BACK = "bid:send_back"
    BID_REOPEN = "bid:review:reopen"
    # Decision.
    NOTICE_CREATE = "decision:notice:create"
    NOTICE_NOTIFY_CHILD = "decision:notice:notify_child"
    NOTICE_NOTIFY_GUARDIAN = "decision:notice:notify_guardian"
    APPEAL_LODGE = "decision:appeal:lodge"
    APPEAL_DECIDE = "decision:appeal:decide"
    COMPLAINT_LODGE = "decision:complaint:lodge"
    COMPLAINT_ANSWER = "decision:complaint:answer"
    # Return preparation.
    COORDINATION_SAVE = "coordination:save"
    MESSAGE_LOG = "coordination:message:log"
    HOME_STUDY_RECORD = "home_study:record"
    GUARANTEE_RECORD = "guarantee:record"
    GUARANTEE_WITHDRAW = "guarantee:withdraw"
    WITHDRAWAL_RECORD = "withdrawal:record"  # consent, readiness withdrawn; an objection
    CENTRAL_APPROVAL_RECORD = "central_approval:record"
    # The Central Authority refused the return request (issue 10; S11 unmet). Not
    # "...:refuse": that suffix marks entries that change nothing (gate/hold.py).
    CENTRAL_APPROVAL_REFUSAL = "central_approval:refusal:record"
    REINTEGRATION_SAVE = "reintegration:save"
    TRAVEL_SAVE = "travel:save"
    CONSENT_RECORD = "consent:record"
    # The guardian gives their own consent to the return (issue 10; S15).
    CONSENT_GUARDIAN_GIVE = "consent:guardian:give"
    LAST_RESORT_APPROVE = "consent:last_resort:approve"
    MONITORING_PLAN_SAVE = "monitoring_plan:save"
    # The monitor accepts the plan for themselves (issue 10; S17 provenance).
    MONITORING_PLAN_ACCEPT = "monitoring_plan:accept"
    # The gate, the return and monitoring.
    GATE_REFUSE = "gate:refuse"
    RETURN_APPROVE = "return:approve"
    RETURN_APPROVAL_WITHDRAW = "return:approval:withdraw"
    RETURN_EXECUTE = "return:execute"
    VISIT_REPORT = "visit:report"
    VISIT_ESCALATE = "visit:escalate"
    # Families, durable solutions, child-friendly information (issue 15 part 2; 002, Rec 1-2).
    FAMILY_CREATE = "family:create"
    FAMILY_LINK = "family:case:link"
    FAMILY_PARTY_ADD = "family:party:add"
    FAMILY_PARTY_ACT = "family:party:act"
    SOLUTION_PLAN_SAVE = "solution:plan:save"
    SOLUTION_IMPLEMENT = "solution:implement"
    INFORMATION_RECORD = "information:record"
    # Policy and suspensions.
    POLICY_CHANGE = "policy:settings:change"
    SUSPENSION_ADD = "suspension:add"
    SUSPENSION_LIFT = "suspension:lift"
    # Cross-border exchange between instances (issue 11; 002, Rec 2 and Rec 6).
    EXCHANGE_PARTNER_ADD = "exchange:partner:add"
    EXCHANGE_PARTNER_EDIT = "exchange:partner:edit"
    EXCHANGE_SEND = "exchange:document:send"
    EXCHANGE_RECEIVE = "exchange:document:receive"
    EXCHANGE_REFUSE = "exchange:document:refuse"
    EXCHANGE_DELIVER = "exchange:document:deliver"
    EXCHANGE_EXPORT = "exchange:document:export"
    EXCHANGE_INCOMING_OPEN = "exchange:incoming:open"
    API_TOKEN_CREATE = "api:token:create"  # noqa: S105 (a tag, not a password)
    API_TOKEN_REVOKE = "api:token:revoke"  # noqa: S105 (a tag, not a password)

    @property
    def parsed(self) -> ParsedTag:
        """The tag split into subject, object and action."""
        return parse(self.value)


def parse(tag: str) -> ParsedTag:
    """Split ``subject:object:action`` (or ``subject:action``); ``ValueError`` otherwise."""
    parts = tag.split(":")
    if len(parts) == 3 and all(parts):
        return ParsedTag(parts[0], parts[1], parts[2])
    if len(parts) == 2 and all(parts):
        return ParsedTag(parts[0], None, parts[1])
    raise ValueError(f"not an audit tag: {tag!r}")


# The records that prepare a return, as their audit entries name them: whoever wrote one for
# a case prepared its return and does not approve it (four eyes: "never their own work",
# DESIGN.md section 1; UNHCR BIP; 002, Rec 2); so does whoever attached a document to one
# (``caseapp.gate.data.PREPARATION_RECORDS``). Words against the return (withdrawals,
# refusals) are not preparation, nor are the guardian's consent and the monitor's acceptance,
# which are the participants' own. The Central Authority's officer may record its approval
# (``CENTRAL_APPROVAL_RECORD``) and is then among the preparers, but never approves a return.
# Earlier stages' evidence (hearing, assessments, the determination) is the determination's
# four eyes (``bid_writer``).
RETURN_PREPARATION_ACTIONS = frozenset(
    {
        AuditAction.COORDINATION_SAVE,
        AuditAction.MESSAGE_LOG,
        AuditAction.HOME_STUDY_RECORD,
        AuditAction.GUARANTEE_RECORD,
        AuditAction.CENTRAL_APPROVAL_RECORD,
        AuditAction.REINTEGRATION_SAVE,
        AuditAction.TRAVEL_SAVE,
        AuditAction.CONSENT_RECORD,
        AuditAction.MONITORING_PLAN_SAVE,
    }
)

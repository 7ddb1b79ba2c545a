"""Participants act for themselves on the cases they are assigned to (issue 10, item 2): the
Central Authority officer decides on the return request, the monitor accepts the plan and
reports visits, the guardian and the lawyer consent, object, appeal and complain. Each page
calls the same operation as the caseworker's page; the participant is the audited actor."""

"""Every durable solution with its own plan and checklist, like the return safeguards
(002, Rec 2: "comprehensive, secure and sustainable solutions", "options ... to regularize
their status"; Moldova practice: tolerated stay when return is not possible).

A case decided for local integration, tolerated stay (regularisation) or a third country
(resettlement, family reunification) moves to ``implementation``; there it holds one
``SolutionPlan``. ``checklist.evaluate`` lists the plan's items, met or missing, each with its
source (pure, no I/O). ``operations.record_implemented`` records the solution as implemented
only when every item is met, and schedules follow-up visits (``monitoring.MonitoringVisit``)
as for a return.
"""

"""A case summary as PDF (fpdf2, pure Python): one case on paginated A4 pages.

Sections: identity, people, placements, hearings, best-interests assessment and
determination, decision and appeals, the return safeguards with their evidence, monitoring.
Written in the user's language with DejaVu Sans (Latin and Cyrillic). Names follow the
export rule (``caseapp.audit.export``): staff of the lead agency, who read the names on the
case pages anyway, and recipients listed in ``AUDIT_IDENTIFIED_RECIPIENTS`` get names;
everybody else (an ombudsperson's office not so listed) gets the same keyed pseudonyms as
their audit exports, and the safeguards' evidence without its descriptions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from caseapp.assessment.models import (
    BestInterestsAssessment,
    GuardianAppointment,
    Hearing,
    LegalRepresentative,
    Placement,
)
from caseapp.audit import keys
from caseapp.audit.export import may_receive_identities
from caseapp.audit.pseudonyms import Pseudonymiser
from caseapp.cases.models import Case
from caseapp.children.labels import country_name, label
from caseapp.core import clock
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.core.records import Records, load_records
from caseapp.crossborder.models import MonitoringPlan
from caseapp.decision.models import Appeal, Complaint, DecisionNotice
from caseapp.determination.models import BestInterestsDetermination
from caseapp.monitoring.models import MonitoringVisit, ReturnExecution
from caseapp.reports.fonts import find_fonts


def export_recipient(user) -> str:
    """The recipient name a user's exports are made for (as on the audit page)."""
    if user.agency is not None:
        return f"agency:{user.agency.code}"
    return f"user:{user.id}"


def shows_names(user, case: Case) -> bool:
    """Names for the lead agency's staff and for recipients entitled to identities."""
    if user.role in (Role.CASEWORKER, Role.SUPERVISOR) and user.agency_id == case.lead_agency_id:
        return True
    return may_receive_identities(export_recipient(user))


@dataclass
class Names:
    """Writes a person's name, or its pseudonym."""

    pseudonyms: Pseudonymiser | None

    def __call__(self, value: str | None) -> str:
        if not value:
            return ""
        return value if self.pseudonyms is None else str(self.pseudonyms.personal(value))


def _d(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = clock.local_date(value)
    return format_date(value, "medium")


def _yes(value) -> str:
    if value is None:
        return "–"
    return _("yes") if value else _("no")


@functools.cache
def _pdf():
    """The PDF class and fpdf's position enums, imported on first use: fpdf (and fontTools)
    add ~40 MB to every process that imports the app, the audit export worker included
    (issue 16 item 6: its peak memory)."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    class SummaryPDF(FPDF):
        """A4 pages with the case number in the header and page numbers in the footer."""

        def __init__(self, case_number: str, fonts) -> None:
            super().__init__(format="A4")
            self.case_number = case_number
            self.add_font("DejaVu", "", str(fonts.regular))
            self.add_font("DejaVu", "B", str(fonts.bold))
            self.set_font("DejaVu", size=10)
            self.set_auto_page_break(auto=True, margin=18)
            self.alias_nb_pages()

        def header(self) -> None:
            self.set_font("DejaVu", "", 8)
            self.cell(0, 6, f"caseapp · {self.case_number}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(2)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", "", 8)
            text = _("Page %(n)s of %(total)s", n=self.page_no(), total="{nb}")
            self.cell(0, 6, text, align="C")

        def heading(self, text: str) -> None:
            self.ln(3)
            self.set_font("DejaVu", "B", 13)
            self.multi_cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_font("DejaVu", "", 10)

        def pairs(self, rows: list[tuple[str, str]]) -> None:
            with self.table(col_widths=(55, 125), first_row_as_headings=False, line_height=6) as t:
                for key, value in rows:
                    row = t.row()
                    row.cell(key)
                    row.cell(value or "–")

        def grid(self, header: list[str], rows: list[list[str]], empty: str) -> None:
            if not rows:
                self.multi_cell(0, 6, empty, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                return
            with self.table(line_height=5.5) as t:
                head = t.row()
                for title in header:
                    head.cell(title)
                for values in rows:
                    row = t.row()
                    for value in values:
                        row.cell(value or "–")

    return SummaryPDF, XPos, YPos


# The record types the summary prints, each in its order: loaded in one statement (issue 16).
_SECTIONS = (
    (GuardianAppointment, GuardianAppointment.appointed_on),
    (LegalRepresentative, LegalRepresentative.assigned_on),
    (Placement, Placement.started_on),
    (Hearing, Hearing.held_on),
    (BestInterestsAssessment, BestInterestsAssessment.id),
    (BestInterestsDetermination, BestInterestsDetermination.id),
    (DecisionNotice, DecisionNotice.decided_on),
    (Appeal, Appeal.lodged_on),
    (Complaint, Complaint.lodged_on),
    (MonitoringVisit, MonitoringVisit.due_on),
    (MonitoringPlan, MonitoringPlan.id),
    (ReturnExecution, ReturnExecution.id),
)


def _load(case: Case) -> dict:
    """Every record the summary prints, by model, and the child's names: one statement."""
    from caseapp.children.models import Child, ChildName

    families = [Records(m, m.case_id == case.id, (order,)) for m, order in _SECTIONS]
    children = select(Child.id).where(Child.case_id == case.id)
    families += [
        Records(Child, Child.case_id == case.id),
        Records(
            ChildName, ChildName.child_id.in_(children), (ChildName.is_primary.desc(), ChildName.id)
        ),
    ]
    *lists, child, names = load_records(db.session, families)
    if "child" not in case.__dict__:
        set_committed_value(case, "child", child[0] if child else None)
    for one in child:
        if "names" not in one.__dict__:
            set_committed_value(one, "names", names)
    return {m: rows for (m, _order), rows in zip(_SECTIONS, lists, strict=True)}


def build_pdf(user, case: Case, *, today: date, gate) -> tuple[bytes, bool]:
    """The summary's bytes, and whether it carries names."""
    records = _load(case)
    identified = shows_names(user, case)
    name = Names(
        None
        if identified
        else Pseudonymiser(keys.pseudonym_master_secret(), export_recipient(user))
    )
    SummaryPDF, XPos, YPos = _pdf()
    pdf = SummaryPDF(case.number, find_fonts())
    pdf.set_title(_("Case summary %(number)s", number=case.number))
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(
        0, 9, _("Case summary %(number)s", number=case.number), new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_font("DejaVu", "", 9)
    note = (
        _("Printed on %(day)s.", day=_d(today))
        + " "
        + (_("Names are shown.") if identified else _("Names are replaced by pseudonyms."))
    )
    pdf.multi_cell(0, 5, note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 10)

    child = case.child
    primary = child.primary_name if child else None
    pdf.heading(_("Identity"))
    pdf.pairs(
        [
            (_("Case number"), case.number),
            (_("Stage"), label(case.stage)),
            (_("Solution decided"), label(case.outcome) if case.outcome else "–"),
            (_("Lead agency"), f"{case.lead_agency.code} · {case.lead_agency.name}"),
            (_("Opened"), _d(case.opened_at)),
            (_("Child"), name(primary.full_name) if primary else "–"),
            (_("Sex"), label(child.sex) if child else "–"),
            (
                _("Date of birth"),
                name(_d(child.date_of_birth)) if child and child.date_of_birth else "–",
            ),
            (
                _("Age on the day printed"),
                str(child.age_on(today)) if child and child.age_on(today) is not None else "–",
            ),
            (_("Country of origin"), country_name(child.country_of_origin) if child else "–"),
            (_("Care status"), label(child.care_status) if child else "–"),
            (_("Identified on"), _d(child.identified_on) if child else "–"),
            (_("Identified by"), label(child.identified_by) if child else "–"),
        ]
    )

    pdf.heading(_("People"))
    guardians = records[GuardianAppointment]
    lawyers = records[LegalRepresentative]
    people = [
        [_("guardian"), name(g.guardian_name), _d(g.appointed_on), _d(g.ended_on)]
        for g in guardians
    ]
    people += [
        [_("legal representative"), name(r.name), _d(r.assigned_on), _d(r.ended_on)]
        for r in lawyers
    ]
    people += [
        [label(m.relation), name(m.name), label(m.contact_status), label(m.tracing_status)]
        for m in case.family_members
    ]
    pdf.grid(
        [_("Role"), _("Name"), _("From / contact"), _("Until / tracing")],
        people,
        _("No one recorded."),
    )

    pdf.heading(_("Placements"))
    placements = records[Placement]
    pdf.grid(
        [_("Type"), _("From"), _("Until"), _("Deprivation of liberty")],
        [
            [
                label(p.placement_type),
                _d(p.started_on),
                _d(p.ended_on),
                _yes(p.deprives_of_liberty),
            ]
            for p in placements
        ],
        _("No placement recorded."),
    )

    pdf.heading(_("Hearings"))
    hearings = records[Hearing]
    pdf.grid(
        [_("Date"), _("Language"), _("Seen alone"), _("Weight given")],
        [[_d(h.held_on), h.language, _yes(h.seen_alone), label(h.weight)] for h in hearings],
        _("No hearing recorded."),
    )

    pdf.heading(_("Best-interests assessment and determination"))
    bias = records[BestInterestsAssessment]
    bids = records[BestInterestsDetermination]
    rows = [
        [_("assessment"), _d(b.completed_at), _yes(b.return_safe) if b.completed else "–"]
        for b in bias
    ]
    rows += [
        [_("determination"), _d(b.approved_at), f"{label(b.status)} · {label(b.recommended)}"]
        for b in bids
    ]
    pdf.grid([_("Record"), _("Completed / approved"), _("Outcome")], rows, _("None yet."))

    pdf.heading(_("Decision and appeals"))
    notices = records[DecisionNotice]
    appeals = records[Appeal]
    complaints = records[Complaint]
    rows = [[_("decision"), _d(n.decided_on), label(n.outcome)] for n in notices]
    rows += [[_("appeal"), _d(a.lodged_on), label(a.status)] for a in appeals]
    rows += [[_("complaint"), _d(c.lodged_on), label(c.status)] for c in complaints]
    pdf.grid([_("Record"), _("Date"), _("Outcome")], rows, _("None yet."))

    pdf.heading(_("Return safeguards"))
    pdf.set_font("DejaVu", "", 9)
    with pdf.table(col_widths=(14, 70, 18, 78), line_height=5) as t:
        head = t.row()
        for title in (_("No."), _("Safeguard"), _("Met"), _("Evidence or what is missing")):
            head.cell(title)
        for s in gate.safeguards:
            if s.met:
                detail = "; ".join(
                    e.description if identified else f"{e.type} #{e.id}" for e in s.evidence
                )
            else:
                detail = s.reason
            row = t.row()
            row.cell(s.id)
            row.cell(f"{s.title} ({s.source})")
            row.cell(_yes(s.met))
            row.cell(detail or "–")
    pdf.set_font("DejaVu", "", 10)

    pdf.heading(_("Monitoring"))
    plan = next(iter(records[MonitoringPlan]), None)
    execution = next(iter(records[ReturnExecution]), None)
    visits = records[MonitoringVisit]
    pdf.pairs(
        [
            (_("Returned on"), _d(execution.travelled_on) if execution else "–"),
            (_("Monitor"), plan.monitor_name if plan else "–"),
            (_("Independent monitor"), _yes(plan.independent) if plan else "–"),
        ]
    )
    pdf.ln(2)
    pdf.grid(
        [_("Due"), _("Visited"), _("Overdue")],
        [[_d(v.due_on), _d(v.visited_on), _yes(v.overdue_on(today))] for v in visits],
        _("No visit scheduled."),
    )
    return bytes(pdf.output()), identified

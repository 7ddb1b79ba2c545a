"""Demo cases at every later stage of the lifecycle (each driven there by the scenario
builder, ``caseapp.demo.scenario``, through ``caseapp.demo.loader.story``).

Everything here is invented: the children, their families, the officials and the document
references. Each case spec has the keys of ``caseapp.demo.data.CASES`` plus:

``scenario``  how far the case is driven with the real operations: ``assessment``,
              ``bid_draft``, ``bid_submitted``, ``decided``, ``ready`` (return preparation,
              all of S1-S18 met), ``blocked`` (return preparation, exactly ``blocks`` unmet),
              ``approved``, ``withdrawn`` (approved, then an appeal lodged: the gate's hold
              withdraws the approval), ``returned``, ``monitoring``, ``implementation``,
              ``closed``;
``handover``  ``parent``: the child is handed over to the parent assessed in S6, at home;
``sv``        the supervisor who approves the BID and the return (never the BID's author:
              the caseworker ``by`` authors every BID, 002 Rec 2 / four eyes);
``destination`` the country of return (a key of ``COUNTERPARTS``);
``days_ago``  how long ago the return was approved (the history is dated back by it: the
              decision ``DECISION_BEFORE_APPROVAL`` days earlier);
``decided_days_ago`` when the decision was taken, for cases not (yet) approved for return;
``outcome``   the decided outcome (default ``return``);
``shows``     what the case demonstrates (printed by ``flask demo``; README.md lists them);
``texts``     the scenario's ``texts``: record values other than the demo's, by record.

The first family member listed is the one traced and assessed as able to care.
"""

from __future__ import annotations

# Days between the decision and the approval of the return: the appeal period (30 days by
# the reference policy) runs from the notification two days after the decision.
DECISION_BEFORE_APPROVAL = 62

# Returns to this country are suspended in the demo (S18; 002, Day 1 plenary: crisis
# provisions). The reason is fictional.
SUSPENDED_COUNTRY = "TJ"
SUSPENSION_REASON = (
    "DEMO (fictional): the counterpart reports that mudslides destroyed the reception centre "
    "and cut the roads to the receiving region; returns are paused until it reopens."
)

# destination -> (counterpart child-protection authority, consulate, language of the hearing)
COUNTERPARTS: dict[str, tuple[str, str, str]] = {
    "UZ": (
        "Child Protection Service, Fergana region (demo)",
        "Consulate of Uzbekistan (demo)",
        "Uzbek",
    ),
    "GE": ("Social Service Agency, Kutaisi office (demo)", "Embassy of Georgia (demo)", "Georgian"),
    "AM": (
        "Child Protection Unit, Gyumri municipality (demo)",
        "Embassy of Armenia (demo)",
        "Armenian",
    ),
    "KG": (
        "Family Support Department, Osh region (demo)",
        "Embassy of Kyrgyzstan (demo)",
        "Kyrgyz",
    ),
    "TJ": (
        "Commission on Children's Rights, Khatlon region (demo)",
        "Embassy of Tajikistan (demo)",
        "Tajik",
    ),
    "KZ": (
        "Child Rights Protection Office, Shymkent (demo)",
        "Consulate of Kazakhstan (demo)",
        "Kazakh",
    ),
    "AZ": ("Guardianship Service, Ganja (demo)", "Embassy of Azerbaijan (demo)", "Azerbaijani"),
}

_GATE_READY = {
    "identity_verification": "confirmed_with_consulate",
    "parents_identity_verified": True,
    "legal_status": "irregular stay",
    "care_status": "unaccompanied",
    "age_method": "document",
    "nationality_status": "national",
    "identified_by": "border_guard",
}

# fmt: off
CASES: list[dict] = [
    {
        "scenario": "assessment",
        "shows": "assessment: guardian, lawyer, placement; BIA still a draft",
        "by": "cw_kg", "sv": "sv_kg", "destination": "TJ",
        "name": ("Назаров", "Сино", None), "aliases": [("Nazarov", "Sino", None)],
        "years_old": 14.6,
        "child": {"sex": "male", "age_method": "document", "nationality_status": "national",
                  "nationalities": ["TJ"], "languages": ["Tajik", "Russian"],
                  "interpreter_needed": True, "country_of_origin": "TJ",
                  "identified_by": "police", "identified_days_ago": 45,
                  "identified_place": "Bishkek, Osh bazaar", "care_status": "unaccompanied",
                  "identity_verification": "documents_seen"},
        "family": [{"name": "Назарова Гулнора", "relation": "mother", "country": "TJ",
                    "whereabouts": "Bokhtar", "tracing_status": "in_progress"}],
    },
    {
        "scenario": "bid_draft",
        "shows": "determination: draft BID, two of four options assessed",
        "by": "cw_ua", "sv": "sv_ua", "destination": "GE",
        "name": ("Gelashvili", "Luka", None), "aliases": [("Гелашвили", "Лука", None)],
        "years_old": 13.2,
        "child": {**_GATE_READY, "sex": "male", "nationalities": ["GE"],
                  "languages": ["Georgian", "Russian"], "country_of_origin": "GE",
                  "identified_days_ago": 75, "identified_place": "Odesa port"},
        "family": [{"name": "Gelashvili Tamar", "relation": "grandparent", "country": "GE",
                    "whereabouts": "Zestaponi", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "bid_submitted",
        "shows": "determination: BID submitted, awaiting supervisor.md's approval",
        "by": "cw_md", "sv": "sv_md", "destination": "AZ",
        "name": ("Mammadov", "Elvin", None),
        "aliases": [("Мамедов", "Эльвин", None), ("Mamedov", "Elvin", None)],
        "years_old": 15.9,
        "child": {**_GATE_READY, "sex": "male", "nationalities": ["AZ"],
                  "languages": ["Azerbaijani", "Russian"], "country_of_origin": "AZ",
                  "transit_countries": ["GE", "UA"], "identified_days_ago": 80,
                  "identified_place": "Leușeni border crossing"},
        "family": [{"name": "Mammadova Sevinj", "relation": "mother", "country": "AM",
                    "whereabouts": "Gyumri", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "decided",
        "shows": "decided (return): notified, appeal period still running",
        "by": "cw_ru", "sv": "sv_ru", "destination": "KG",
        "decided_days_ago": 5,
        "name": ("Абдыкадыров", "Нурбек", "Таалайбекович"),
        "aliases": [("Abdykadyrov", "Nurbek", None)], "years_old": 16.4,
        "child": {**_GATE_READY, "sex": "male", "nationalities": ["KG"],
                  "languages": ["Kyrgyz", "Russian"], "country_of_origin": "KG",
                  "identified_by": "police", "identified_days_ago": 95,
                  "identified_place": "Moscow region, construction site"},
        "family": [{"name": "Абдыкадырова Айнура", "relation": "mother", "country": "KG",
                    "whereabouts": "Uzgen", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "ready",
        "shows": "return preparation: READY, all of S1-S19 met (supervisor.md may approve)",
        "by": "cw_md", "sv": "sv_md", "destination": "UZ",
        "name": ("Юсупова", "Малика", "Рустамовна"),
        "aliases": [("Yusupova", "Malika", None), ("Yusupova", "Malikakhon", None)],
        "years_old": 14.3,
        "child": {**_GATE_READY, "sex": "female", "nationalities": ["UZ"],
                  "languages": ["Uzbek", "Russian"], "country_of_origin": "UZ",
                  "transit_countries": ["RU", "UA"], "identified_days_ago": 120,
                  "identified_place": "Leușeni border crossing",
                  "current_location": "Foster family, Chișinău"},
        "family": [{"name": "Юсупова Дилфуза", "relation": "mother", "country": "UZ",
                    "whereabouts": "Margilan", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "blocked", "blocks": "S7",
        "shows": "return preparation: blocked by S7, no written guarantee of care",
        "by": "cw_md", "sv": "sv_md",
        "destination": "GE",
        "name": ("Beridze", "Nino", None), "aliases": [("Беридзе", "Нино", None)],
        "years_old": 15.1,
        "child": {**_GATE_READY, "sex": "female", "nationalities": ["GE"],
                  "languages": ["Georgian", "Russian"], "country_of_origin": "GE",
                  "identified_days_ago": 110, "identified_place": "Chișinău bus station"},
        "family": [{"name": "Beridze Manana", "relation": "aunt_uncle", "country": "GE",
                    "whereabouts": "Batumi", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "blocked", "blocks": "S16",
        "shows": "return preparation: blocked by S16, an appeal is pending",
        "by": "cw_md", "sv": "sv_md",
        "destination": "AM",
        "name": ("Sargsyan", "Davit", None),
        "aliases": [("Саргсян", "Давид", None), ("Sarkisyan", "David", None)],
        "years_old": 16.0,
        "child": {**_GATE_READY, "sex": "male", "nationalities": ["AM"],
                  "languages": ["Armenian", "Russian"], "country_of_origin": "AM",
                  "identified_days_ago": 115, "identified_place": "Bălți"},
        "family": [{"name": "Sargsyan Anahit", "relation": "mother", "country": "AM",
                    "whereabouts": "Gyumri", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "blocked", "blocks": "S15",
        "shows": "return preparation: blocked by S15, the child has not consented; a "
                 "non-voluntary return of last resort awaits a second supervisor",
        # 002, fn 12 (v); PICUM: "measure of last resort". Recorded by the caseworker, so
        # the approval is another supervisor's (``Consent.own_work_in_last_resort``).
        "texts": {"consent": {
            "non_voluntary": True,
            "last_resort_justification": (
                "Father traced and assessed in Osh; local integration and a long-term "
                "placement in Moldova examined and found not in her best interests (BID)."
            ),
        }},
        "by": "cw_md", "sv": "sv_md",
        "destination": "KG",
        "name": ("Жумабаева", "Айпери", None),
        "aliases": [("Zhumabaeva", "Aiperi", None), ("Jumabaeva", "Aiperi", None)],
        "years_old": 13.7,
        "child": {**_GATE_READY, "sex": "female", "nationalities": ["KG"],
                  "languages": ["Kyrgyz", "Russian"], "country_of_origin": "KG",
                  "identified_by": "ngo", "identified_days_ago": 108,
                  "identified_place": "Chișinău"},
        "family": [{"name": "Жумабаев Улан", "relation": "father", "country": "KG",
                    "whereabouts": "Osh", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "blocked", "blocks": "S14",
        "shows": "return preparation: blocked by S14, law-enforcement escort",
        "by": "cw_md", "sv": "sv_md",
        "destination": "UZ",
        "name": ("Tursunov", "Bekzod", None), "aliases": [("Турсунов", "Бекзод", None)],
        "years_old": 16.8,
        "child": {**_GATE_READY, "sex": "male", "nationalities": ["UZ"],
                  "languages": ["Uzbek", "Russian"], "country_of_origin": "UZ",
                  "transit_countries": ["RU"], "identified_days_ago": 105,
                  "identified_place": "Chișinău railway station"},
        "family": [{"name": "Tursunova Nodira", "relation": "mother", "country": "UZ",
                    "whereabouts": "Namangan", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "blocked", "blocks": "S18",
        "shows": "return preparation: blocked by S18, returns to TJ suspended",
        "by": "cw_md", "sv": "sv_md",
        "destination": "TJ",
        "name": ("Шарипова", "Зарина", None), "aliases": [("Sharipova", "Zarina", None)],
        "years_old": 12.9,
        "child": {**_GATE_READY, "sex": "female", "nationalities": ["TJ"],
                  "languages": ["Tajik", "Russian"], "country_of_origin": "TJ",
                  "identified_days_ago": 118, "identified_place": "Leușeni border crossing"},
        "family": [{"name": "Шарипов Фаррух", "relation": "grandparent", "country": "TJ",
                    "whereabouts": "Kulob", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "approved",
        "shows": "return approved through the gate 3 days ago",
        "days_ago": 3, "by": "cw_md", "sv": "sv_md",
        "destination": "KZ",
        "name": ("Ахметов", "Ерлан", "Серикович"), "aliases": [("Akhmetov", "Yerlan", None)],
        "years_old": 15.5,
        "child": {**_GATE_READY, "sex": "male", "nationalities": ["KZ"],
                  "languages": ["Kazakh", "Russian"], "country_of_origin": "KZ",
                  "identified_days_ago": 125, "identified_place": "Chișinău"},
        "family": [{"name": "Ахметова Гульмира", "relation": "mother", "country": "KZ",
                    "whereabouts": "Shymkent", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "withdrawn", "days_ago": 4,
        "shows": "return preparation: approval withdrawn by a late appeal (S16); the alert "
                 "says why",
        "by": "cw_md", "sv": "sv_md",
        "destination": "AM",
        "name": ("Hakobyan", "Mane", None), "aliases": [("Акопян", "Мане", None)],
        "years_old": 14.2,
        "child": {**_GATE_READY, "sex": "female", "nationalities": ["AM"],
                  "languages": ["Armenian", "Russian"], "country_of_origin": "AM",
                  "identified_days_ago": 130, "identified_place": "Chișinău"},
        "family": [{"name": "Hakobyan Lilit", "relation": "mother", "country": "AM",
                    "whereabouts": "Vanadzor", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "blocked", "blocks": "S3",
        "shows": "return preparation: blocked by S3, the guardian is staff of the lead agency "
                 "(ticked independent)",
        "by": "cw_md", "sv": "sv_md",
        "destination": "GE",
        "name": ("Tsiklauri", "Ana", None), "aliases": [("Циклаури", "Анна", None)],
        "years_old": 13.4,
        "child": {**_GATE_READY, "sex": "female", "nationalities": ["GE"],
                  "languages": ["Georgian", "Russian"], "country_of_origin": "GE",
                  "identified_days_ago": 112, "identified_place": "Chișinău"},
        "family": [{"name": "Tsiklauri Nana", "relation": "mother", "country": "GE",
                    "whereabouts": "Gori", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "approved", "days_ago": 1, "handover": "parent",
        "shows": "return approved: handover to the mother assessed in S6, at home (S14)",
        "by": "cw_md", "sv": "sv_md",
        "destination": "UZ",
        "name": ("Karimov", "Timur", None), "aliases": [("Каримов", "Тимур", None)],
        "years_old": 12.8,
        "child": {**_GATE_READY, "sex": "male", "nationalities": ["UZ"],
                  "languages": ["Uzbek", "Russian"], "country_of_origin": "UZ",
                  "identified_days_ago": 122, "identified_place": "Ungheni"},
        "family": [{"name": "Karimova Shahnoza", "relation": "mother", "country": "UZ",
                    "whereabouts": "Samarkand", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "returned",
        "shows": "returned 10 days ago; monitoring visits scheduled",
        "days_ago": 20, "by": "cw_md", "sv": "sv_md",
        "destination": "AZ",
        "name": ("Aliyeva", "Leyla", None),
        "aliases": [("Алиева", "Лейла", None), ("Alieva", "Leila", None)],
        "years_old": 14.9,
        "child": {**_GATE_READY, "sex": "female", "nationalities": ["AZ"],
                  "languages": ["Azerbaijani", "Russian"], "country_of_origin": "AZ",
                  "identified_days_ago": 140, "identified_place": "Ungheni"},
        "family": [{"name": "Aliyev Rashad", "relation": "father", "country": "AZ",
                    "whereabouts": "Ganja", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "monitoring",
        "shows": "monitoring: first visit reported, the 3-month visit overdue",
        "days_ago": 110, "by": "cw_md", "sv": "sv_md",
        "destination": "GE",
        "name": ("Kapanadze", "Giorgi", None),
        "aliases": [("Капанадзе", "Георгий", None), ("Kapanadze", "Gia", None)],
        "years_old": 15.2,
        "child": {**_GATE_READY, "sex": "male", "nationalities": ["GE"],
                  "languages": ["Georgian"], "country_of_origin": "GE",
                  "identified_days_ago": 230, "identified_place": "Leușeni border crossing"},
        "family": [{"name": "Kapanadze Eka", "relation": "mother", "country": "GE",
                    "whereabouts": "Kutaisi", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "implementation", "outcome": "local_integration",
        "shows": "implementation: local integration, plan and checklist met, implemented; "
                 "follow-up visits scheduled",
        "by": "cw_md",
        "sv": "sv_md", "decided_days_ago": 40,
        "name": ("Haddad", "Omar", None), "aliases": [("Хаддад", "Омар", None)],
        "child": {"sex": "male", "age_min": 13, "age_max": 15, "age_method": "multidisciplinary",
                  "nationality_status": "undetermined", "languages": ["Arabic", "Romanian"],
                  "country_of_origin": "SY", "transit_countries": ["TR", "UA"],
                  "identified_by": "ngo", "identified_days_ago": 200,
                  "care_status": "unaccompanied", "identity_verification": "documents_seen",
                  "current_location": "Foster family, Chișinău"},
        "family": [{"name": "Haddad Karim", "relation": "sibling", "country": "DE",
                    "whereabouts": "unknown", "tracing_status": "not_found"}],
        # The plan of the solution, dates in days from today; every checklist item met, so
        # the solution is recorded as implemented and follow-up visits are scheduled.
        "plan": {"residence_kind": "temporary", "residence_applied_on": -35,
                 "residence_granted_on": -12, "residence_expires_on": 353,
                 "school": "Theoretical Lyceum No. 2, Chișinău, grade 8 (since September)",
                 "health": "Registered with the district family doctor; vaccinations updated",
                 "language_support": "Romanian classes three times a week; Arabic-speaking mentor",
                 "care_arrangement": "Long-term foster family Rusu, reviewed every six months"},
        "implemented_days_ago": 5,
    },
    {
        "scenario": "implementation", "outcome": "tolerated_stay",
        "shows": "implementation: tolerated stay while the family is traced",
        "by": "cw_ua",
        "sv": "sv_ua", "decided_days_ago": 25,
        "name": ("Rahimi", "Sahar", None), "aliases": [("Рахими", "Сахар", None)],
        "years_old": 11.4,
        "child": {"sex": "female", "age_method": "document",
                  "nationality_status": "national", "nationalities": ["AF"],
                  "languages": ["Dari"], "interpreter_needed": True,
                  "country_of_origin": "AF", "transit_countries": ["IR", "TR"],
                  "identified_by": "border_guard", "identified_days_ago": 150,
                  "care_status": "separated", "identity_verification": "documents_seen"},
        "family": [{"name": "Rahimi Farid", "relation": "aunt_uncle", "country": "DE",
                    "whereabouts": "Hamburg", "tracing_status": "in_progress"}],
        # Applied for, not granted yet, no renewal date: the checklist shows what is missing.
        "plan": {"residence_kind": "tolerated", "residence_applied_on": -10,
                 "school": "School No. 7, Odesa, with a Dari-speaking assistant",
                 "health": "Polyclinic No. 3", "language_support": "Ukrainian classes",
                 "care_arrangement": "Small group home, Odesa"},
    },
    # Two siblings, one family record (issue 15 part 2; 002, Rec 2; Rec 4; fn 12 (iii)): each
    # child has their own case; the sister's return would separate her from her brother,
    # whose decision is local integration, and no determination says why (S19).
    {
        "scenario": "blocked", "blocks": "S19", "family_group": "petrosyan",
        "shows": "return preparation: blocked by S19, her brother stays (local integration) "
                 "and no determination gives the reason for separating them",
        "by": "cw_md", "sv": "sv_md", "destination": "AM",
        "name": ("Petrosyan", "Anahit", None), "aliases": [("Պետրոսյան", "Անահիտ", None)],
        "years_old": 13.6,
        "child": {**_GATE_READY, "sex": "female", "nationalities": ["AM"],
                  "languages": ["Armenian", "Russian"], "country_of_origin": "AM",
                  "identified_days_ago": 140, "identified_place": "Chișinău railway station"},
        "family": [{"name": "Petrosyan Lusine", "relation": "mother", "country": "AM",
                    "whereabouts": "Gyumri", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "decided", "outcome": "local_integration", "family_group": "petrosyan",
        "shows": "decided (local integration): the brother of the S19 case, same family record; "
                 "the mother is a party, notified of the decision",
        "by": "cw_md", "sv": "sv_md", "decided_days_ago": 6,
        "name": ("Petrosyan", "Davit", None), "aliases": [("Պետրոսյան", "Դավիթ", None)],
        "years_old": 16.8,
        "child": {**_GATE_READY, "sex": "male", "nationalities": ["AM"],
                  "languages": ["Armenian", "Russian", "Romanian"], "country_of_origin": "AM",
                  "identified_days_ago": 140, "identified_place": "Chișinău railway station"},
        "family": [{"name": "Petrosyan Lusine", "relation": "mother", "country": "AM",
                    "whereabouts": "Gyumri", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "closed",
        "shows": "closed: 18 months of monitoring completed",
        "days_ago": 600, "by": "cw_md", "sv": "sv_md",
        "destination": "KG",
        "name": ("Осмонов", "Эмир", None), "aliases": [("Osmonov", "Emir", None)],
        "years_old": 15.8,
        "child": {**_GATE_READY, "sex": "male", "nationalities": ["KG"],
                  "languages": ["Kyrgyz", "Russian"], "country_of_origin": "KG",
                  "identified_days_ago": 720, "identified_place": "Chișinău"},
        "family": [{"name": "Осмонова Жамиля", "relation": "grandparent", "country": "KG",
                    "whereabouts": "Naryn", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    # The party's own confirmation (issue 10, item 4): policy version 2 of the demo requires
    # it for S11 and S17. Everywhere else the Central Authority's officer approved in caseapp
    # and the monitor accepted the plan; on these two the caseworker's record is all there is.
    {
        "scenario": "blocked", "blocks": "S11",
        "shows": "return preparation: blocked by S11 under policy version 2: the Central "
                 "Authority's approval is a paper document recorded by the caseworker; its "
                 "own approval is requested (open on central.authority's home page)",
        "by": "cw_md", "sv": "sv_md", "destination": "KZ",
        "name": ("Ахметов", "Даурен", None), "aliases": [("Akhmetov", "Dauren", None)],
        "years_old": 13.4,
        "child": {**_GATE_READY, "sex": "male", "nationalities": ["KZ"],
                  "languages": ["Russian", "Kazakh"], "country_of_origin": "KZ",
                  "identified_days_ago": 100, "identified_place": "Chișinău railway station"},
        "family": [{"name": "Ахметова Гульнара", "relation": "mother", "country": "KZ",
                    "whereabouts": "Almaty", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
    {
        "scenario": "blocked", "blocks": "S17",
        "shows": "return preparation: blocked by S17 under policy version 2: the monitor "
                 "has not accepted the monitoring plan in caseapp",
        "by": "cw_md", "sv": "sv_md", "destination": "AM",
        "name": ("Petrosyan", "Lilit", None), "aliases": [("Петросян", "Лилит", None)],
        "years_old": 12.9,
        "child": {**_GATE_READY, "sex": "female", "nationalities": ["AM"],
                  "languages": ["Armenian", "Russian"], "country_of_origin": "AM",
                  "identified_days_ago": 95, "identified_place": "Chișinău airport"},
        "family": [{"name": "Petrosyan Anahit", "relation": "mother", "country": "AM",
                    "whereabouts": "Gyumri", "contact_status": "in_contact",
                    "tracing_status": "traced"}],
    },
]
# fmt: on

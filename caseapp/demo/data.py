"""The demo data set: agencies, one login per role and country, and a dozen cases.

Everything here is invented. Names are written as a caseworker would meet them — in
Cyrillic or Latin, with the other spellings recorded as aliases — so the name search can be
tried across scripts. Dates are relative to the day the demo is loaded (``years_old``,
``days_ago``), so no date ends up in the future and ages stay plausible.

To extend (e.g. lifecycle stages): add keys to the case specs and handle them in
``caseapp.demo.loader.load_case``.
"""

from __future__ import annotations

# The password of every demo account. Demo only: never load the demo into a real system.
DEMO_PASSWORD = "orchard-lantern-2026"  # noqa: S105

# fmt: off
AGENCIES: list[dict] = [
    {"code": "MD-CPD", "name": "Child Protection Directorate, Chișinău", "country": "MD",
     "kind": "child_protection"},
    {"code": "UA-CSS", "name": "Children's Service, Odesa Region", "country": "UA",
     "kind": "child_protection"},
    {"code": "KG-CPD", "name": "Child Protection Department, Bishkek", "country": "KG",
     "kind": "child_protection"},
    {"code": "RU-GUA", "name": "Guardianship Authority, Moscow Region", "country": "RU",
     "kind": "child_protection"},
    {"code": "MD-CA", "name": "Central Authority for Child Protection (Moldova)", "country": "MD",
     "kind": "central_authority"},
    {"code": "MD-BP", "name": "Border Police, Leușeni crossing point", "country": "MD",
     "kind": "law_enforcement"},
    {"code": "UZ-CONS-MD", "name": "Consulate of Uzbekistan (demo)", "country": "MD",
     "kind": "consulate"},
    {"code": "UA-NGO", "name": "Children's Rights Centre (NGO)", "country": "UA", "kind": "ngo"},
    {"code": "UZ-CPS", "name": "Child Protection Service, Tashkent", "country": "UZ",
     "kind": "counterpart_abroad"},
    {"code": "KG-OMB", "name": "Office of the Ombudsperson for Child Rights", "country": "KG",
     "kind": "ombudsperson"},
    # Guardians, interpreters and monitors come from organisations independent of the lead
    # agency (the gate derives it: issue 9, principle 1).
    {"code": "MD-GUARD", "name": "Independent Guardianship Network (NGO)", "country": "MD",
     "kind": "ngo"},
    {"code": "MD-INT", "name": "Bureau of Court Interpreters (demo)", "country": "MD",
     "kind": "ngo"},
    {"code": "MON-NGO", "name": "Post-Return Monitoring Network (NGO)", "country": "MD",
     "kind": "ngo"},
    # Free legal assistance (002, Rec 3): the demo lawyer's organisation (issue 10).
    {"code": "MD-LEGAL", "name": "Legal Aid Centre for Children (NGO)", "country": "MD",
     "kind": "ngo"},
]

# The counterpart child-protection authority of each demo destination, in the register (S12).
def _counterparts() -> list[dict]:
    from caseapp.demo.lifecycle_data import COUNTERPARTS

    return [
        {"code": f"{country}-CP", "name": name, "country": country, "kind": "counterpart_abroad"}
        for country, (name, _consulate, _language) in COUNTERPARTS.items()
    ]


AGENCIES += _counterparts()

# ``key`` names the user in the case specs below.
USERS: list[dict] = [
    {"key": "cw_md", "email": "caseworker.md@example.org", "name": "Ana Rusu",
     "role": "caseworker", "agency": "MD-CPD", "locale": "en"},
    {"key": "sv_md", "email": "supervisor.md@example.org", "name": "Ion Ceban",
     "role": "supervisor", "agency": "MD-CPD", "locale": "en"},
    {"key": "cw_ua", "email": "caseworker.ua@example.org", "name": "Олена Коваленко",
     "role": "caseworker", "agency": "UA-CSS", "locale": "ru"},
    {"key": "sv_ua", "email": "supervisor.ua@example.org", "name": "Андрій Мельник",
     "role": "supervisor", "agency": "UA-CSS", "locale": "ru"},
    {"key": "cw_kg", "email": "caseworker.kg@example.org", "name": "Айгуль Токтогулова",
     "role": "caseworker", "agency": "KG-CPD", "locale": "ru"},
    {"key": "sv_kg", "email": "supervisor.kg@example.org", "name": "Бакыт Асанов",
     "role": "supervisor", "agency": "KG-CPD", "locale": "ru"},
    {"key": "cw_ru", "email": "caseworker.ru@example.org", "name": "Наталья Смирнова",
     "role": "caseworker", "agency": "RU-GUA", "locale": "ru"},
    {"key": "sv_ru", "email": "supervisor.ru@example.org", "name": "Сергей Волков",
     "role": "supervisor", "agency": "RU-GUA", "locale": "ru"},
    {"key": "ombudsperson", "email": "ombudsperson@example.org", "name": "Gulnara Osmonova",
     "role": "ombudsperson", "agency": "KG-OMB", "locale": "en"},
    {"key": "admin", "email": "admin@example.org", "name": "System Administrator", "role": "admin",
     "agency": None, "locale": "en"},
    # Participants (issue 10): they act for themselves on the MD cases they are assigned to.
    {"key": "ca_md", "email": "central.authority@example.org", "name": "Maria Lungu",
     "role": "central_authority_officer", "agency": "MD-CA", "locale": "en"},
    {"key": "guardian_md", "email": "guardian@example.org", "name": "Elena Munteanu",
     "role": "guardian", "agency": "MD-GUARD", "locale": "ro"},
    {"key": "lawyer_md", "email": "lawyer@example.org", "name": "Victor Lungu",
     "role": "legal_representative", "agency": "MD-LEGAL", "locale": "ro"},
    {"key": "monitor_md", "email": "monitor@example.org", "name": "Pavel Moraru",
     "role": "monitor", "agency": "MON-NGO", "locale": "en"},
]

# One dict per case. ``name`` is the primary name; ``aliases`` other spellings or names;
# ``child`` fields of the child's record (see caseapp.children.operations.CHILD_FIELDS);
# ``years_old`` gives a documented or declared date of birth; ``family`` people around the
# child; ``register`` moves the case to "registered".
CASES: list[dict] = [
    {
        "by": "cw_md",
        "name": ("Иванов", "Дмитрий", "Сергеевич"),
        "aliases": [("Ivanov", "Dmitrii", None), ("Ivanov", "Dima", None)],
        "years_old": 15.4,
        "child": {"sex": "male", "age_method": "document", "nationality_status": "national",
                  "nationalities": ["RU"], "languages": ["Russian"], "country_of_origin": "RU",
                  "transit_countries": ["UA"], "current_location": "Foster family, Chișinău",
                  "identified_by": "border_guard", "identified_by_name": "Border Police, Leușeni",
                  "identified_days_ago": 40, "identified_place": "Leușeni border crossing",
                  "care_status": "unaccompanied", "identity_verification": "documents_seen",
                  "legal_status": "irregular stay", "charged_irregular_entry": True},
        "family": [
            {"name": "Иванова Ольга Петровна", "relation": "mother", "country": "RU",
             "whereabouts": "Rostov-on-Don", "contact_status": "in_contact",
             "tracing_status": "traced"},
            {"name": "Иванов Пётр Алексеевич", "relation": "grandparent", "country": "RU",
             "whereabouts": "Taganrog", "tracing_status": "in_progress"},
        ],
        "register": True,
    },
    {
        "by": "cw_md",
        "name": ("Karimov", "Jasur", None),
        "aliases": [("Каримов", "Жасур", None)],
        "child": {"sex": "male", "age_min": 14, "age_max": 16, "age_method": "psychosocial",
                  "nationality_status": "national", "nationalities": ["UZ"],
                  "languages": ["Uzbek", "Russian"], "interpreter_needed": True,
                  "country_of_origin": "UZ", "transit_countries": ["RU", "UA"],
                  "current_location": "Open shelter, Chișinău", "identified_by": "police",
                  "identified_days_ago": 25, "identified_place": "Chișinău central station",
                  "care_status": "unaccompanied", "identity_verification": "not_verified",
                  "trafficking_indicators": True},
        "family": [
            {"name": "Karimova Dilnoza", "relation": "mother", "country": "UZ",
             "whereabouts": "Samarkand region", "tracing_status": "in_progress"},
        ],
    },
    {
        "by": "cw_md",
        "name": ("Ceban", "Maria", None),
        "aliases": [("Чебан", "Мария", None)],
        "years_old": 12.1,
        "child": {"sex": "female", "age_method": "document", "nationality_status": "national",
                  "nationalities": ["MD"], "languages": ["Romanian", "Russian"],
                  "country_of_origin": "MD", "transit_countries": ["RO"],
                  "current_location": "With her aunt, Ungheni", "identified_by": "social_services",
                  "identified_days_ago": 60, "identified_place": "Ungheni",
                  "care_status": "separated", "identity_verification": "confirmed_with_consulate",
                  "parents_identity_verified": True, "health_needs": True},
        "family": [
            {"name": "Ceban Elena", "relation": "aunt_uncle", "country": "MD",
             "whereabouts": "Ungheni", "contact_status": "in_contact", "tracing_status": "traced"},
            {"name": "Ceban Victor", "relation": "father", "country": "IT", "whereabouts": "Padua",
             "contact_status": "unreachable", "tracing_status": "in_progress"},
        ],
        "register": True,
    },
    {
        "by": "cw_md",
        "name": (None, "Amina", None),
        "aliases": [(None, "Амина", None)],
        "child": {"sex": "female", "age_method": "self_declared", "age_min": 11, "age_max": 13,
                  "nationality_status": "undetermined", "languages": ["Arabic"],
                  "interpreter_needed": True, "country_of_origin": "SY",
                  "transit_countries": ["TR", "UA"], "identified_by": "ngo",
                  "identified_by_name": "Children's Rights Centre", "identified_days_ago": 5,
                  "care_status": "unaccompanied", "violence_victim": True},
    },
    {
        "by": "cw_ua",
        "name": ("Коваль", "Юлия", "Андреевна"),
        "aliases": [("Koval", "Yuliia", None), ("Koval", "Julia", None)],
        "years_old": 16.2,
        "child": {"sex": "female", "age_method": "document", "nationality_status": "national",
                  "nationalities": ["MD"], "languages": ["Russian", "Romanian"],
                  "country_of_origin": "MD", "identified_by": "police", "identified_days_ago": 18,
                  "identified_place": "Odesa", "care_status": "unaccompanied",
                  "identity_verification": "documents_seen", "trafficking_indicators": True,
                  "violence_victim": True},
        "family": [
            {"name": "Коваль Андрей", "relation": "father", "country": "MD",
             "whereabouts": "Bălți", "contact_status": "refused_contact",
             "tracing_status": "traced"},
            {"name": "Коваль Светлана", "relation": "sibling", "country": "MD",
             "whereabouts": "Bălți", "contact_status": "in_contact", "tracing_status": "traced"},
        ],
        "register": True,
    },
    {
        "by": "cw_ua",
        "name": ("Hasanov", "Rustam", None),
        "aliases": [("Гасанов", "Рустам", None), ("Hasanov", "Rustam", "Elşən oğlu")],
        "child": {"sex": "male", "age_min": 15, "age_max": 17, "age_method": "multidisciplinary",
                  "nationality_status": "at_risk_of_statelessness",
                  "languages": ["Azerbaijani", "Russian"], "interpreter_needed": True,
                  "country_of_origin": "AZ", "transit_countries": ["GE", "RU"],
                  "identified_by": "border_guard", "identified_days_ago": 90,
                  "identified_place": "Kuchurhan checkpoint", "care_status": "unaccompanied",
                  "charged_irregular_entry": True},
    },
    {
        "by": "cw_ua",
        "name": ("Мельник", "Богдан", None),
        "aliases": [("Melnyk", "Bohdan", None)],
        "years_old": 9.5,
        "child": {"sex": "male", "age_method": "document", "nationality_status": "national",
                  "nationalities": ["UA"], "languages": ["Ukrainian"], "country_of_origin": "UA",
                  "identified_by": "self_referral", "identified_days_ago": 12,
                  "care_status": "accompanied", "identity_verification": "documents_seen",
                  "disability": True},
        "family": [
            {"name": "Мельник Ірина", "relation": "mother", "country": "UA",
             "whereabouts": "Odesa", "contact_status": "in_contact", "tracing_status": "traced"},
        ],
    },
    {
        "by": "cw_kg",
        "name": ("Токтогулов", "Айбек", "Маратович"),
        "aliases": [("Toktogulov", "Aibek", None)],
        "years_old": 13.8,
        "child": {"sex": "male", "age_method": "document", "nationality_status": "national",
                  "nationalities": ["KG"], "languages": ["Kyrgyz", "Russian"],
                  "country_of_origin": "KG", "transit_countries": ["KZ"],
                  "identified_by": "social_services", "identified_days_ago": 33,
                  "identified_place": "Bishkek", "care_status": "separated",
                  "identity_verification": "documents_seen"},
        "family": [
            {"name": "Токтогулов Марат", "relation": "father", "country": "RU",
             "whereabouts": "Yekaterinburg (labour migrant)", "contact_status": "in_contact",
             "tracing_status": "traced"},
            {"name": "Асанова Жылдыз", "relation": "grandparent", "country": "KG",
             "whereabouts": "Osh", "contact_status": "in_contact", "tracing_status": "traced"},
        ],
        "register": True,
    },
    {
        "by": "cw_kg",
        "name": ("Rahimov", "Farrukh", None),
        "aliases": [("Рахимов", "Фаррух", None)],
        "child": {"sex": "male", "age_method": "unknown", "nationality_status": "undetermined",
                  "languages": ["Tajik"], "interpreter_needed": True, "country_of_origin": "TJ",
                  "identified_by": "police", "identified_days_ago": 3,
                  "identified_place": "Osh bazaar", "care_status": "unaccompanied"},
    },
    {
        "by": "cw_ru",
        "name": ("Шевченко", "Анна", "Олеговна"),
        "aliases": [("Shevchenko", "Anna", None), ("Schewtschenko", "Anna", None)],
        "years_old": 17.1,
        "child": {"sex": "female", "age_method": "document", "nationality_status": "national",
                  "nationalities": ["UA"], "languages": ["Ukrainian", "Russian"],
                  "country_of_origin": "UA", "identified_by": "police", "identified_days_ago": 70,
                  "identified_place": "Moscow, Kursky station", "care_status": "unaccompanied",
                  "identity_verification": "documents_seen", "hate_crime_victim": True},
        "family": [
            {"name": "Шевченко Олег", "relation": "father", "country": "UA",
             "tracing_status": "not_found"},
            {"name": "Бондаренко Тамара", "relation": "significant_person", "country": "UA",
             "whereabouts": "Kharkiv (former neighbour)", "contact_status": "in_contact",
             "tracing_status": "traced"},
        ],
        "register": True,
    },
    {
        "by": "cw_ru",
        "name": ("Nguyen", "Van Minh", None),
        "aliases": [("Нгуен", "Ван Минь", None)],
        "child": {"sex": "male", "age_min": 15, "age_max": 18, "age_method": "medical",
                  "nationality_status": "national", "nationalities": ["VN"],
                  "languages": ["Vietnamese"], "interpreter_needed": True,
                  "country_of_origin": "VN", "transit_countries": ["CN"],
                  "identified_by": "police", "identified_days_ago": 45,
                  "identified_place": "Moscow region, garment workshop",
                  "care_status": "unaccompanied", "trafficking_indicators": True,
                  "health_needs": True},
    },
    {
        "by": "cw_ru",
        "name": ("Хомутова", "Ксения", "Игоревна"),
        "aliases": [("Khomutova", "Kseniya", None), ("Homutova", "Ksenia", None)],
        "years_old": 6.3,
        "child": {"sex": "female", "age_method": "document", "nationality_status": "stateless",
                  "languages": ["Russian"], "country_of_origin": "LV",
                  "identified_by": "social_services", "identified_days_ago": 100,
                  "care_status": "accompanied", "identity_verification": "documents_seen"},
        "family": [
            {"name": "Хомутова Ирина", "relation": "mother", "whereabouts": "Moscow",
             "country": "RU", "contact_status": "in_contact", "tracing_status": "traced"},
        ],
    },
]
# fmt: on

"""Families: siblings' cases linked in one family record, parents and caregivers as parties
(002, Rec 2: "unaccompanied children and children with families"; Rec 4: "solutions for the
entire family"; fn 12 (iii): no separation of a child from the family).

Design (issue 15, part 2): caseapp keeps one child per case — each child has their own BIA,
hearing, BID, decision and gate. A ``Family`` links the siblings' cases (``Case.family_id``)
and holds the parents or caregivers as parties (``FamilyParty``). What a party does on one
child's case — consent, notification of the decision — is a ``PartyAct`` on that case; a
party's appeal is an ordinary ``Appeal`` of that child's case (so S16 reads it). The family's
unity is read by the gate (S19, ``caseapp/gate/safeguards/family.py``).
"""

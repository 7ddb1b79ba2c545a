"""The ombudsperson institution as the named body complaints go to (002, Rec 4: "lodge
complaints with an independent and impartial authority"; Rec 1: access to complaints
mechanisms; Day 1: the Children's Ombudspersons of Moldova and Kyrgyzstan).

An ombudsperson institution is an agency of kind ``ombudsperson`` in the register; its
ombudspersons (users of that agency) see the complaints addressed to it and answer them
(``decision.operations.answer_complaint``, ``Complaint.can_answer``). They change nothing
else.
"""

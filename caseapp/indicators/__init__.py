"""Indicators for the ombudsperson: figures about the system as a whole, per period.

Seed 001 asks States to "collect and disaggregate all relevant statistical data"; seed 002,
Rec 4 asks for "an overall reduction in the numbers of children in detention", which nobody
can track without numbers. ``catalogue`` names each indicator with its definition and source,
``queries`` computes them with a fixed number of aggregate queries scoped to what the user
may see, ``charts`` draws them as SVG, ``files`` writes them as JSON, CSV and XLSX.
"""

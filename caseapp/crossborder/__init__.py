"""Return preparation: cross-border coordination with the country of origin, guarantee of care,
Central Authority approval, reintegration and travel plans, consent and the monitoring plan
(002, Rec 2 and Rec 6; Moldova practice; fn 12 (v))."""

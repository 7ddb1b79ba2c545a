"""Administration: users, agencies and policy. Admins never see child records."""

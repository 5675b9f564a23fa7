"""For admins: the district's schools and accounts, and the audit trail."""

"""For admins: the audit trail."""

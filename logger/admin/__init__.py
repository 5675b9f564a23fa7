"""For admins: accounts and their setup links, schools, and the audit trail."""

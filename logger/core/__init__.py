"""The record's foundations: models, the database, the clock, the audit trail and the data check."""

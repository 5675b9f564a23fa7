"""The record's foundations: models, database, clock, audit trail, the record's filters."""

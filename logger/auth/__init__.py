"""Signing in and out, sessions, accounts and passwords, and who may do what."""

"""The supervisor's review queue and decisions."""

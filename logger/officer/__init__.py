"""The officer's screens: New contact, My entries, fixing an entry, and the app shell."""

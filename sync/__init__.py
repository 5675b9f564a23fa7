"""The sync protocol between the officer's phone and the server (DESIGN.md, "Sync API")."""

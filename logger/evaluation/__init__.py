"""For evaluators: exports, the annual program assessment and its charts."""

"""The activities of cost loads: where files come from, their loading, and who is told."""

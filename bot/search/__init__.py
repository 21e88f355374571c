"""Full-text search over relayed communications (SQLite FTS5, French without diacritics):
``query`` turns what a member typed into a safe FTS query, ``index`` runs it."""

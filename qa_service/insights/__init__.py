"""Insights: what visitors ask, what goes unanswered and whether answers helped, kept without
personal details (docs/privacy.md) on SQLite or PostgreSQL."""

"""Storage: SQLAlchemy models, engines, migrations (SQLite files and PostgreSQL)."""

from akkord.store.project import Project, ProjectError, open_project

__all__ = ["Project", "ProjectError", "open_project"]

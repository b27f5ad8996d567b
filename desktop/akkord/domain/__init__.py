"""Plain domain types and rules: no database, no Qt."""

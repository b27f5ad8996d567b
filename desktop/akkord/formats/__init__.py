"""One module per file format: ``read_*`` and ``write_*`` functions, no database, no Qt."""

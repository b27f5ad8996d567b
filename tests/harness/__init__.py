"""The crash, concurrency, disk-full and damaged-file harness (``make crashtest``).

It proves the promises of DESIGN.md's "Rules that keep data safe" with counts rather
than examples:

* :mod:`tests.harness.crash` — a driver process performs operations (imports, exports,
  new projects, edits) and prints an acknowledgement after each returns; the parent
  kills it with SIGKILL at random moments and then checks the project (integrity,
  foreign keys, Akkord's invariants, every acknowledged operation present, the one in
  flight all-or-nothing, no partial export at its target).
* :mod:`tests.harness.concurrency` — N annotator processes write to one project (SQLite
  file, or a PostgreSQL server) at the same instants; each logs what it believes was
  saved; the run compares the logs with the database.
* :mod:`tests.harness.diskfull` — imports, edits and exports on a small tmpfs until it
  is full: a clear message, and the project opens afterwards with everything earlier.
* :mod:`tests.harness.damage` — truncated, byte-flipped and otherwise damaged projects
  given to ``list``, ``export``, ``import``, ``check``, the window's opening path and
  ``recover``: a message and a recovery path, never a traceback.

Operations are pluggable (:mod:`tests.harness.workload`): an :class:`Operation` plans
(a JSON description printed before it starts), runs (returning what it acknowledged)
and verifies. The lead's edit path plugs in as a new kind in ``OPERATIONS``.

Run ``python -m tests.harness --help`` from the repository root (``make crashtest``
runs the full set; ``tests/harness/test_harness.py`` a short one).
"""

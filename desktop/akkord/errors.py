"""The one base class for errors a user is meant to read.

Anything raised as an :class:`AkkordError` carries a message fit for the status bar or
the terminal (what went wrong, where, what to do). The CLI turns it into ``Error: …``
and exit code 1; the GUI into a message box. Anything else is a bug.
"""


class AkkordError(Exception):
    """A failure caused by input or state the user can fix; ``str(err)`` says how."""

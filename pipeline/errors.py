"""The one error type of the project: a message already phrased for the user (in French) and the exit
code the command line returns with it.

Raise it (or a subclass) wherever the user can fix the cause: a missing warehouse, an empty year, a folder
the build may not replace, an unusable rules file. The CLI prints `erreur : <message>` on one line and exits
with `exit_code`; any other exception is a bug and exits 1 (the traceback with BILAN_DEBUG=1 or `-vv`).
Library code and notebooks catch `BilanError`; nothing compares class names.
"""

from __future__ import annotations


class BilanError(Exception):
    """An error for the user. exit_code: 2 = unusable input or refused request (the default), 1 = failure."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code

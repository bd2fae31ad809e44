"""The one exception type for mistakes a user can fix.

A `UserError` is raised while the configuration is validated, before any worker starts. Its message names the
flag or file at fault and what would work; the command line prints it as one line and exits with status 2,
without a traceback.
"""


class UserError(Exception):
    """A mistake in the user's input (a flag, a file, a layout). The message says what to change."""


class TrainingError(RuntimeError):
    """Training cannot go on (a non-finite loss, say); the message says why and what to change. Raised in a
    worker, it is reported as that worker's one-line failure."""

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


# What a value read from JSON (a model config, a manifest, a hardware profile) must be: JSON allows true for 1,
# 64.0 for 64 and NaN for a number, which Python's isinstance would let through.


def is_json_int(value) -> bool:
    """An integer, and not a boolean."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_json_number(value) -> bool:
    """A finite number (integer or float), and not a boolean."""
    import math

    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

"""The real servers poflow starts on a laptop and in tests: Postgres and the Temporal dev server."""


class SetupError(Exception):
    """A problem with the environment, told in one line with what to do about it."""

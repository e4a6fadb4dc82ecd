"""What poflow runs on a laptop and in tests: the real Postgres and Temporal dev servers, and the
simulated outside world (``devstack.simulators``, served by ``devstack.outside_world``)."""


class SetupError(Exception):
    """A problem with the environment, told in one line with what to do about it."""

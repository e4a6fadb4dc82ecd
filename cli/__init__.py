"""The ``poflow`` command line: run everything, or one piece at a time."""

"""How far a reader has got in the file it streams: the offset of the reader's open descriptor
on that file, as the kernel reports it (``/proc/self/fdinfo``). The readers open their files
themselves and decompress on the fly, so this is the one measure that counts the bytes of the
file as stored (compressed or not) against its size; where /proc is absent it stays 0."""

from __future__ import annotations

import os
from pathlib import Path


class FileProgress:
    def __init__(self, path: Path) -> None:
        self._path = os.path.realpath(path)
        self._last = 0

    def bytes_read(self) -> int:
        """The furthest offset a descriptor of this process holds on the file (never going
        back, so a reader reopening the file keeps the bar where it was)."""
        try:
            descriptors = os.listdir("/proc/self/fd")
        except OSError:
            return self._last
        for fd in descriptors:
            offset = self._offset(fd)
            if offset is not None:
                self._last = max(self._last, offset)
        return self._last

    def _offset(self, fd: str) -> int | None:
        try:
            if os.readlink(f"/proc/self/fd/{fd}") != self._path:
                return None
            info = Path(f"/proc/self/fdinfo/{fd}").read_text()
        except OSError:
            return None
        for line in info.splitlines():
            if line.startswith("pos:"):
                return int(line.split()[1])
        return None

"""The `understudy` command the wheel installs: the server binary the wheel carries, run in place of
this process (so signals, standard streams and the exit status are the binary's own)."""
from __future__ import annotations

import os
import sys

from .server import UnderstudyError, find_binary


def main() -> None:
    try:
        binary = find_binary(search_path=False)
    except UnderstudyError as error:
        sys.exit(f"understudy: {error}")
    os.execv(binary, [binary, *sys.argv[1:]])

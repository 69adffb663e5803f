"""Run the real `bilan` entry point (pipeline.cli.main) in this process: same argument parsing, same
one-line error handling and exit codes as the installed command, without a Python start-up per call.
A few tests in test_cli.py still start the real executable (end to end)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline import cli

BILAN_EXE = str(Path(sys.executable).parent / "bilan")


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def bilan(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
    """`bilan ARGS` in-process; cwd and env are restored afterwards."""
    out, err = io.StringIO(), io.StringIO()
    old_argv, old_cwd, old_env = sys.argv, Path.cwd(), dict(os.environ)
    sys.argv = ["bilan", *args]
    code = 0
    try:
        if cwd is not None:
            os.chdir(cwd)
        os.environ.update(env or {})
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                cli.main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = old_argv
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(old_env)
    return Result(code, out.getvalue(), err.getvalue())


def bilan_process(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Result:
    """`bilan ARGS` as a separate process: the installed console script, end to end."""
    res = subprocess.run([BILAN_EXE, *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False,
                         env={**os.environ, **(env or {})})
    return Result(res.returncode, res.stdout, res.stderr)

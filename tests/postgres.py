"""A throwaway PostgreSQL server for the tests: Debian's binaries, a cluster in a temporary
directory, listening on 127.0.0.1 only, with trust authentication for its `postgres` user.

initdb refuses to run as root (as CI does), so as root the server runs as the `postgres`
system user that Debian's package creates, through runuser.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def bindir() -> Path | None:
    """The newest installed PostgreSQL's bin directory, if any."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_version)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version(path: Path) -> float:
    try:
        return float(path.parents[1].name)
    except ValueError:
        return 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """One server; `start()` and `stop()` may be repeated (a test stops it mid-run)."""

    def __init__(self, bin_path: Path) -> None:
        self.bin = bin_path
        # Not under pytest's tmp_path: the postgres user must be able to reach it.
        self.root = Path(tempfile.mkdtemp(prefix="policy-qa-pg-"))
        self.data = self.root / "data"
        self.port = 0
        self._user = self._server_user()
        if self._user is not None:
            entry = pwd.getpwnam(self._user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--no-instructions",
        )

    @staticmethod
    def _server_user() -> str | None:
        if os.geteuid() != 0:
            return None
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError(
                "running as root, PostgreSQL needs the 'postgres' system user "
                "(apt-get install -y postgresql creates it)"
            ) from None
        return "postgres"

    def _run(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / program), *args]
        if self._user is not None:
            command = ["runuser", "-u", self._user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60)

    def start(self) -> None:
        """Start on a free loopback port (the same one again after a stop)."""
        for attempt in range(5):
            port = self.port or _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {port} "
                f"-c unix_socket_directories={self.root} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            try:
                self._run(
                    "pg_ctl",
                    "start",
                    "-D",
                    str(self.data),
                    "-w",
                    "-t",
                    "30",
                    "-l",
                    str(self.root / "server.log"),
                    "-o",
                    options,
                )
            except subprocess.CalledProcessError:
                if self.port or attempt == 4:  # the port was taken meanwhile: try another
                    raise RuntimeError(f"PostgreSQL did not start:\n{self.log()}") from None
                continue
            self.port = port
            return

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w")

    def running(self) -> bool:
        try:
            self._run("pg_ctl", "status", "-D", str(self.data))
        except subprocess.CalledProcessError:
            return False
        return True

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> str:
        """Run one statement with psql; its unaligned output."""
        result = subprocess.run(
            [
                str(self.bin / "psql"),
                "-X",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-c",
                statement,
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return result.stdout

    def create_database(self) -> str:
        """A new, empty database; its URL."""
        name = f"test_{time.monotonic_ns()}"
        self.sql(f"CREATE DATABASE {name}")
        return self.url(name)

    def destroy(self) -> None:
        if self.running():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

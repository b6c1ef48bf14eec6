"""A wheel installed into a fresh environment answers from another folder, writing nothing
beside the installed package or in the home directory."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _files(top: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime for p in top.rglob("*")}


def _read_only(top: Path) -> None:
    for path in [top, *top.rglob("*")]:
        if not path.is_symlink():
            mode = path.stat().st_mode
            path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding only the wheel; its dependencies are read from the test environment
    (a path in a .pth file), so nothing is downloaded."""
    tmp = tmp_path_factory.mktemp("install")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp / "dist"), str(ROOT)],
        check=True,
    )  # fmt: skip
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    wheel = next((tmp / "dist").glob("policy_qa-*.whl"))
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         "--no-index", str(wheel)],
        check=True,
    )  # fmt: skip
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _read_only(venv)
    return venv


def test_a_read_only_wheel_install_answers_from_another_folder(
    installed: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _read_only(home)
    before = _files(installed) | _files(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICY_QA_", "PYTHON"))}
    env |= {"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    done = subprocess.run(
        [str(installed / "bin" / "policy-qa"), "ask", "do you sell my email", "--json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["status"] == "answered"
    assert "not selling our customers' email addresses" in answer["citations"][0]["text"]
    assert _files(installed) | _files(home) == before  # nothing written, nothing changed
    assert not list(elsewhere.iterdir())
    # The package came from the wheel, not from this checkout.
    where = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import qa_service; print(qa_service.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(installed))


def test_a_read_only_wheel_install_migrates_the_insights_database(
    installed: Path, tmp_path: Path
) -> None:
    """Alembic's scripts ship inside the package and are configured in code: no alembic.ini,
    nothing written beside the package."""
    database = tmp_path / "data" / "insights.db"
    before = _files(installed)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICY_QA_", "PYTHON"))}
    done = subprocess.run(
        [
            str(installed / "bin" / "policy-qa"),
            "db",
            "upgrade",
            "--database",
            f"sqlite:///{database}",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "schema at revision 0001" in done.stdout
    assert database.is_file()
    assert _files(installed) == before

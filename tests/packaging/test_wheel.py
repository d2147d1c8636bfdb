"""The installed wheel carries the bundled templates and finds them."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.packaging
def test_the_wheel_installed_outside_the_checkout_lists_the_five_templates(
        tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels),
                    str(REPO)], check=True, timeout=120)
    (wheel,) = wheels.glob("coworkshop-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=60)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)], check=True, timeout=120)
    # The dependencies come from this environment (offline, fast). A plain path
    # in a .pth: this environment's own .pth files (the editable checkout) are
    # not read, so coworkshop can only come from the wheel.
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], capture_output=True, text=True, check=True)
    Path(site.stdout.strip(), "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COWORKSHOP_")}
    env["COLUMNS"] = "200"
    where = subprocess.run([str(python), "-c", "import coworkshop; print(coworkshop.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert Path(where.stdout.strip()).is_relative_to(venv)
    listing = subprocess.run([str(venv / "bin" / "coworkshop"), "templates"], cwd=elsewhere,
                             env=env, capture_output=True, text=True, timeout=60)
    assert listing.returncode == 0, listing.stderr
    assert "coworkshop/canvases" in listing.stdout  # inside the installed package
    names = {line.split("│")[1].strip() for line in listing.stdout.splitlines()
             if line.startswith("│")} - {""}
    assert names == {"blank", "credex-toc-grid", "mastery-kickstart",
                     "mastery-policy-cocreation", "saccord-stakeholder-mapping"}
    # The compiled catalogues ship in the wheel: the installed command speaks Bulgarian.
    bulgarian = subprocess.run([str(venv / "bin" / "coworkshop"), "report", "none.cws",
                                "-o", "missing/r.md"], cwd=elsewhere,
                               env={**env, "COWORKSHOP_LANG": "bg"}, capture_output=True,
                               text=True, timeout=60)
    assert bulgarian.returncode == 1
    assert "грешка:" in bulgarian.stderr and "няма такава папка" in bulgarian.stderr

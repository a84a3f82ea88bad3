"""Audits GitHub Actions workflows with zizmor (PyPI), offline.

    python3 tests/validate/zizmor.py FILE...

Exit 0 clean, 1 findings (zizmor's report is printed), 3 zizmor is missing
(scripts/setup.sh installs it). `--offline` leaves out the audits that ask
GitHub (impostor commits, known-vulnerable actions); every other audit of
the default persona runs, and any finding at all counts.
"""

import shutil
import subprocess
import sys

zizmor = shutil.which("zizmor")
if zizmor is None:
    print("zizmor is not installed (scripts/setup.sh installs it)")
    sys.exit(3)
out = subprocess.run(
    [zizmor, "--offline", "--no-progress", "--format", "plain", "--", *sys.argv[1:]],
    capture_output=True,
    text=True,
    check=False,
)
print(out.stdout, end="")
print(out.stderr, end="", file=sys.stderr)
# zizmor exits 0 when it found nothing, 10-14 by the worst severity found,
# anything else on an error of its own.
if out.returncode == 0:
    sys.exit(0)
if 10 <= out.returncode <= 14:
    sys.exit(1)
print(f"zizmor failed (exit {out.returncode})")
sys.exit(2)

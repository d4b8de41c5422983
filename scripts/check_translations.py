"""Fail when a user-facing string has no Chinese translation.

Re-extracts the catalogues (so a string added without running `make messages`
is caught too), then asks msgfmt for the statistics of each zh_Hans catalogue:
every message translated, none fuzzy. A catalogue whose only change is the
extraction date is restored byte for byte, so the check leaves no noise.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
DOMAINS = ("django", "djangojs")
_DATE = re.compile(rb'^"POT-Creation-Date: .*\\n"\n', re.MULTILINE)


def _extract() -> None:
    for domain in DOMAINS:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-d",
                domain,
                "-l",
                "zh_Hans",
                "-l",
                "en",
                "--no-obsolete",
                "--ignore=.venv",
                "--ignore=var",
                "--ignore=node_modules",
                "--ignore=tests",
                "--ignore=scripts",
                "-v0",
            ],
            cwd=ROOT,
            check=True,
        )


def _statistics(po: Path) -> tuple[int, int, int]:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"{po}: msgfmt --check failed:\n{result.stderr}")
    counts = {kind: int(n) for n, kind in re.findall(r"(\d+) (translated|fuzzy|untranslated)", result.stderr)}
    return counts.get("translated", 0), counts.get("fuzzy", 0), counts.get("untranslated", 0)


def main() -> int:
    before = {po: po.read_bytes() for po in LOCALE.glob("*/LC_MESSAGES/*.po")}
    _extract()
    for po, content in before.items():
        if _DATE.sub(b"", po.read_bytes()) == _DATE.sub(b"", content):
            po.write_bytes(content)
    failures = []
    for domain in DOMAINS:
        po = LOCALE / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"
        if not po.exists():
            continue
        translated, fuzzy, untranslated = _statistics(po)
        print(f"{po.relative_to(ROOT)}: {translated} translated, {fuzzy} fuzzy, {untranslated} untranslated")
        if fuzzy or untranslated:
            failures.append(po)
    if failures:
        print("Translate these in zh_Hans (run `make messages`, then fill the empty msgstr):", file=sys.stderr)
        for po in failures:
            print(f"  {po.relative_to(ROOT)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

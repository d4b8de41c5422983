"""Wait until the health endpoint answers 200, printing what is still down.

Usage: python scripts/wait_ready.py URL [TIMEOUT_SECONDS]
"""

import json
import sys
import time
import urllib.error
import urllib.request


def main() -> int:
    url = sys.argv[1]
    deadline = time.monotonic() + float(sys.argv[2] if len(sys.argv) > 2 else 90)
    last = "no answer yet"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local health URL
                if response.status == 200:
                    return 0
        except urllib.error.HTTPError as exc:
            body = json.loads(exc.read() or b"{}")
            last = ", ".join(f"{k}: {v['detail']}" for k, v in body.get("checks", {}).items() if not v["ok"])
        except (urllib.error.URLError, OSError) as exc:
            last = str(exc)
        time.sleep(1)
    print(f"Chunfeng did not become healthy at {url}: {last}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

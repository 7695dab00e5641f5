"""Audit the pinned dependencies (``requirements.txt``) for known vulnerabilities with pip-audit.

    .venv/bin/python scripts/pip_audit.py [--requirements requirements.txt] [--service pypi|osv]

pip-audit asks a vulnerability database over the network (PyPI's JSON API, or OSV). Where it cannot be
reached, pip-audit marks every dependency "not found on PyPI" and still prints "No known
vulnerabilities found"; this script does not take that for a clean result: it reports how many
dependencies could not be audited and exits 2.

Known findings that were reviewed and accepted are listed, one per line with the reason, in
``scripts/pip_audit_accepted.txt`` (``<vulnerability id> <package> -- <reason>``); they are reported
but do not fail the audit.

Exit status: 0 every dependency audited and no unaccepted vulnerability; 1 vulnerabilities found;
2 the vulnerability database was unreachable (nothing or not everything could be audited).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCEPTED = Path(__file__).with_name("pip_audit_accepted.txt")


def accepted_ids() -> dict[str, str]:
    """``{vulnerability id: reason}`` of the reviewed findings."""
    if not ACCEPTED.exists():
        return {}
    found = {}
    for line in ACCEPTED.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            head, _, reason = line.partition("--")
            found[head.split()[0]] = reason.strip()
    return found


def audit(requirements: Path, service: str = "pypi", timeout: int = 20) -> dict:
    """Run pip-audit on ``requirements``; returns ``{"audited", "skipped", "vulnerabilities": [...]}``."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "audit.json"
        subprocess.run(
            [sys.executable, "-m", "pip_audit", "-r", str(requirements), "--disable-pip", "--no-deps",
             "--vulnerability-service", service, "--format", "json", "--progress-spinner", "off",
             "--timeout", str(timeout), "-o", str(output)],
            capture_output=True, text=True, timeout=600, check=False,
        )
        if not output.exists():
            return {"audited": 0, "skipped": -1, "vulnerabilities": []}
        data = json.loads(output.read_text())
    dependencies = data.get("dependencies", [])
    skipped = [d["name"] for d in dependencies if "skip_reason" in d]
    vulnerabilities = [{"package": d["name"], "version": d.get("version"), "id": v["id"],
                        "fix_versions": v.get("fix_versions", []), "aliases": v.get("aliases", [])}
                       for d in dependencies for v in d.get("vulns", [])]
    return {"audited": len(dependencies) - len(skipped), "skipped": len(skipped), "vulnerabilities": vulnerabilities}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requirements", type=Path, default=ROOT / "requirements.txt")
    parser.add_argument("--service", default="pypi", choices=("pypi", "osv"))
    args = parser.parse_args()
    result = audit(args.requirements, args.service)
    accepted = accepted_ids()
    open_findings = [v for v in result["vulnerabilities"] if v["id"] not in accepted]
    for finding in result["vulnerabilities"]:
        note = f"accepted: {accepted[finding['id']]}" if finding["id"] in accepted else "OPEN"
        print(f"{finding['package']} {finding['version']}: {finding['id']} (fixed in "
              f"{', '.join(finding['fix_versions']) or 'no release'}) -- {note}")
    print(f"audited {result['audited']} dependencies, {result['skipped']} not audited, "
          f"{len(result['vulnerabilities'])} known vulnerabilities ({len(open_findings)} open)")
    if result["skipped"] != 0 or result["audited"] == 0:
        print(f"vulnerability database ({args.service}) unreachable: the audit is incomplete", file=sys.stderr)
        return 2
    return 1 if open_findings else 0


if __name__ == "__main__":
    sys.exit(main())

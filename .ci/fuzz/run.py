"""Schemathesis (GraphQL mode) against a running hasone server.

    python .ci/fuzz/run.py URL --sdl FILE --report-dir DIR [--max-examples N] [--seed S]

1. Loads the schema the way `schemathesis run URL` does, by the standard
   introspection query (graphql-core's). If the server refuses it, says so
   loudly and fuzzes from FILE (the SDL printed by `hasone print-schema`,
   i.e. the schema of the very binary under test) with `--url URL`;
   FUZZ_REQUIRE_INTROSPECTION=1 turns that refusal into a failure.
2. Runs the fuzzing phase over every query and mutation field, at most
   N cases per operation (positive and negative), with the checks of
   .ci/fuzz/hooks.py plus Schemathesis' response_schema_conformance and
   negative_data_rejection. Every request carries `graphql-require-preflight: 1`.
3. Counts the cases and failures from the NDJSON report and writes them to
   REPORT_DIR/summary.txt as "N M" (.ci/steps/fuzz.sh prints them as its
   last line, `fuzz: N cases, M failures`). Exits non-zero on any failure,
   on a Schemathesis error, or when no case ran.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import graphql
import requests

HERE = Path(__file__).resolve().parent
CSRF = ("graphql-require-preflight", "1")
CHECKS = [
    "hasone_not_a_server_error",
    "hasone_response_conformance",
    "hasone_no_sql_in_errors",
    "response_schema_conformance",
    "negative_data_rejection",
]


def introspection_problem(url: str) -> str | None:
    """None when the standard introspection query works, else why not."""
    try:
        resp = requests.post(
            url,
            json={"query": graphql.get_introspection_query()},
            headers={CSRF[0]: CSRF[1]},
            timeout=60,
        )
    except requests.RequestException as exc:
        return f"request failed: {exc}"
    try:
        body = resp.json()
    except ValueError:
        return f"HTTP {resp.status_code}, not JSON: {resp.text[:300]!r}"
    if isinstance(body, dict) and isinstance(body.get("data"), dict) and "__schema" in body["data"]:
        return None
    return f"HTTP {resp.status_code}: {json.dumps(body)[:500]}"


def count(report_dir: str) -> tuple[int, int, list[str]]:
    """Cases run, cases failed, and the failures (one line each) in the NDJSON report."""
    files = sorted(glob.glob(os.path.join(report_dir, "*.ndjson")))
    if not files:
        return 0, 0, ["no NDJSON report was written"]
    cases: set[str] = set()
    failed_cases: set[str] = set()
    failures: list[str] = []
    errors: list[str] = []
    for line in open(files[-1], encoding="utf-8"):
        event = json.loads(line)
        if "NonFatalError" in event or "FatalError" in event:
            info = event.get("NonFatalError") or event.get("FatalError")
            errors.append(f"schemathesis error: {json.dumps(info)[:400]}")
        finished = event.get("ScenarioFinished")
        if not finished:
            continue
        recorder = finished["recorder"]
        label = recorder.get("label", "?")
        for case_id in recorder.get("cases", {}):
            cases.add(f"{label}/{case_id}")
        for case_id, checks in recorder.get("checks", {}).items():
            for check in checks:
                if check.get("status") == "failure":
                    failed_cases.add(f"{label}/{case_id}")
                    failure = check.get("failure_info") or {}
                    title = (failure.get("failure") or {}).get("title", "") if isinstance(failure, dict) else ""
                    message = (failure.get("failure") or {}).get("message", "") if isinstance(failure, dict) else ""
                    failures.append(f"{label} [{case_id}] {check['name']}: {title} {message}".strip()[:400])
    return len(cases), len(failed_cases), failures + errors


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--sdl", required=True, help="SDL file to fall back on")
    parser.add_argument("--report-dir", required=True)
    parser.add_argument("--max-examples", type=int, default=15)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--request-timeout", type=float, default=30)
    args = parser.parse_args()
    args.report_dir = os.path.abspath(args.report_dir)

    problem = introspection_problem(args.url)
    if problem is None:
        print(f"fuzz: schema from live introspection of {args.url}")
        location = [args.url]
    else:
        print(
            "fuzz: WARNING: the server refuses the standard introspection query "
            f"(graphql-core {graphql.version}'s get_introspection_query()): {problem}"
        )
        if os.environ.get("FUZZ_REQUIRE_INTROSPECTION") == "1":
            print("fuzz: FUZZ_REQUIRE_INTROSPECTION=1: failing")
            os.makedirs(args.report_dir, exist_ok=True)
            Path(args.report_dir, "summary.txt").write_text("0 1\n")
            return 1
        print(f"fuzz: fuzzing from {args.sdl} (hasone print-schema of the binary under test) instead")
        location = [os.path.abspath(args.sdl), "--url", args.url]

    os.makedirs(args.report_dir, exist_ok=True)
    for old in glob.glob(os.path.join(args.report_dir, "*")):
        if os.path.isfile(old):
            os.remove(old)
    env = dict(os.environ)
    env["SCHEMATHESIS_HOOKS"] = "hooks"
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # no __pycache__ in .ci/fuzz
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
    cmd = [
        str(Path(sys.executable).parent / "schemathesis"), "run", *location,
        "--header", f"{CSRF[0]}: {CSRF[1]}",
        "--phases", "fuzzing",
        "--max-examples", str(args.max_examples),
        "--seed", str(args.seed),
        "--checks", ",".join(CHECKS),
        "--request-timeout", str(args.request_timeout),
        "--workers", "1",
        "--generation-database", "none",
        "--no-color",
        "--report", "junit,ndjson",
        "--report-dir", args.report_dir,
    ]
    print("fuzz: " + shlex.join(cmd), flush=True)
    # Schemathesis keeps a cache in `.schemathesis/` of its working directory
    # (and reads a schemathesis.toml there): run it in the report directory.
    rc = subprocess.call(cmd, env=env, cwd=args.report_dir)

    cases, failed_cases, failures = count(args.report_dir)
    for failure in failures:
        print(f"fuzz: FAILURE {failure}")
    if rc != 0 and not failures:
        failures.append(f"schemathesis exited {rc}")
    if cases == 0:
        failures.append("no case ran")
    print(f"fuzz: schemathesis exited {rc}")
    print(f"fuzz: {cases - failed_cases} passed, {failed_cases} failed")
    Path(args.report_dir, "summary.txt").write_text(f"{cases} {len(failures)}\n")
    return 0 if rc == 0 and not failures else 1


if __name__ == "__main__":
    sys.exit(main())

"""Schemathesis checks for hasone, loaded through SCHEMATHESIS_HOOKS.

Schemathesis' own `not_a_server_error` counts every GraphQL error that has a
`path` as a server error, so the API's documented answers to bad input
(`NOT_FOUND` for an unknown id, `CONFLICT` for a unique key, ...) would all
be reported. These checks know the API's error codes instead (README,
"Errors carry extensions.code"; hasone-graphql/src/error.rs):

- hasone_not_a_server_error: no 5xx; no error coded `INTERNAL`, `TIMEOUT` or
  `UNAVAILABLE`,
  none without a code and none with an undocumented code.
- hasone_response_conformance: a JSON object with `data` and/or `errors`
  (and nothing else but `extensions`), served as `application/json` or
  `application/graphql-response+json`; `errors`, when present, a non-empty
  list of objects with a string `message`; a refused request has no `data`.
- hasone_no_sql_in_errors: no error message shows SQL or a database error
  (the README promises messages never contain SQL).
"""

from __future__ import annotations

import json
import re

import schemathesis

# Codes that answer a client's mistake; anything else is the server's fault.
CLIENT_CODES = frozenset(
    {
        "NOT_FOUND",
        "BAD_USER_INPUT",
        "CONFLICT",
        "GRAPHQL_PARSE_FAILED",
        "GRAPHQL_VALIDATION_FAILED",
        "LIMIT_EXCEEDED",
        "BAD_REQUEST",
    }
)
# Codes of requests refused before execution: such an answer has no `data`.
REQUEST_CODES = frozenset(
    {"GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "LIMIT_EXCEEDED", "BAD_REQUEST"}
)
SERVER_CODES = frozenset({"INTERNAL", "TIMEOUT", "UNAVAILABLE"})

JSON_TYPES = ("application/json", "application/graphql-response+json")

# What a database error or a statement looks like when it leaks (SeaORM's
# DbErr, sqlx, SQLite, PostgreSQL and MySQL messages).
SQL_LEAK = re.compile(
    r"error returned from database|DbErr|sqlx|Execution Error|Query Error|Exec Error"
    r"|RecordNotFound|constraint failed|SQLSTATE|violates .* constraint|Duplicate entry"
    r"|\bSELECT\s+.+\s+FROM\s|\bINSERT\s+INTO\s|\bUPDATE\s+\S+\s+SET\s|\bDELETE\s+FROM\s",
    re.IGNORECASE,
)


def _payload(response):
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise AssertionError(f"the body is not JSON ({exc}): {response.content[:300]!r}") from None


def _errors(payload):
    errors = payload.get("errors") if isinstance(payload, dict) else None
    return errors if isinstance(errors, list) else []


def _code(error):
    ext = error.get("extensions") if isinstance(error, dict) else None
    return ext.get("code") if isinstance(ext, dict) else None


@schemathesis.check
def hasone_not_a_server_error(ctx, response, case):
    """No 5xx, and no GraphQL error the API documents as a server failure."""
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}: {response.content[:500]!r}")
    payload = _payload(response)
    for error in _errors(payload):
        code = _code(error)
        message = error.get("message") if isinstance(error, dict) else error
        if code in SERVER_CODES:
            raise AssertionError(f"server error {code}: {message!r} (path {error.get('path')})")
        if code is None:
            raise AssertionError(f"an error without extensions.code: {error!r}")
        if code not in CLIENT_CODES:
            raise AssertionError(f"an undocumented error code {code!r}: {message!r}")
    return None


@schemathesis.check
def hasone_response_conformance(ctx, response, case):
    """The GraphQL over HTTP response shape."""
    content_type = (response.headers.get("content-type") or [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    essence = content_type.split(";")[0].strip().lower()
    if essence not in JSON_TYPES:
        raise AssertionError(f"content-type {content_type!r}, expected one of {JSON_TYPES}")
    payload = _payload(response)
    if not isinstance(payload, dict):
        raise AssertionError(f"the body is not a JSON object: {payload!r}"[:500])
    extra = set(payload) - {"data", "errors", "extensions"}
    if extra:
        raise AssertionError(f"unexpected top-level keys {sorted(extra)}")
    if "data" not in payload and "errors" not in payload:
        raise AssertionError("neither `data` nor `errors` in the response")
    if "errors" in payload:
        errors = payload["errors"]
        if not isinstance(errors, list) or not errors:
            raise AssertionError(f"`errors` must be a non-empty list: {errors!r}"[:500])
        for error in errors:
            if not isinstance(error, dict) or not isinstance(error.get("message"), str):
                raise AssertionError(f"an error without a string `message`: {error!r}"[:500])
        if all(_code(e) in REQUEST_CODES for e in errors) and "data" in payload:
            raise AssertionError("a request refused before execution has `data` in its answer")
    if "data" in payload and payload["data"] is not None and not isinstance(payload["data"], dict):
        raise AssertionError(f"`data` is neither an object nor null: {payload['data']!r}"[:500])
    return None


@schemathesis.check
def hasone_no_sql_in_errors(ctx, response, case):
    """Error messages never show SQL or a database error."""
    if response.status_code >= 500:
        return None  # reported by hasone_not_a_server_error
    payload = _payload(response)
    for error in _errors(payload):
        message = error.get("message") if isinstance(error, dict) else None
        if not isinstance(message, str):
            continue
        # Inputs are echoed in quotes ("... \"x\" is not a User id"): judge the rest.
        unquoted = re.sub(r'"(?:[^"\\]|\\.)*"|`[^`]*`', '""', message)
        if SQL_LEAK.search(unquoted):
            raise AssertionError(f"an error message shows SQL or a database error: {message!r}"[:800])
    return None

"""Kubernetes `Status` objects: what the apiserver answers on errors. No I/O happens here.

`from_error` turns litekube's error tree (litekube.errors) into the Status
upstream sends for the same failure: reason, code, message and details
(`name`, `group`, `kind`, `causes`), so kubectl prints the same line.
"""
from __future__ import annotations

import json

from litekube import errors
from litekube.model import kinds

__all__ = ["HTTPError", "status", "from_error", "body", "success", "REASONS"]

# HTTP reason phrases (the Python client shows them as ApiException.reason).
REASONS = {200: "OK", 201: "Created", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
           404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable", 409: "Conflict", 410: "Gone",
           413: "Request Entity Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Entity",
           429: "Too Many Requests", 500: "Internal Server Error", 501: "Not Implemented", 504: "Gateway Timeout"}
# field.ErrorType text -> metav1.CauseType
_CAUSES = {"Invalid value": "FieldValueInvalid", "Required value": "FieldValueRequired",
           "Unsupported value": "FieldValueNotSupported", "Duplicate value": "FieldValueDuplicate",
           "Forbidden": "FieldValueForbidden", "Too long": "FieldValueTooLong", "Too many": "FieldValueTooMany",
           "Not found": "FieldValueNotFound", "Internal error": "InternalError"}


class HTTPError(Exception):
    """A request the server refuses: answered with `status(...)`."""

    def __init__(self, code: int, reason: str, message: str, details: dict | None = None,
                 metadata: dict | None = None) -> None:
        super().__init__(message)
        self.code, self.reason, self.message, self.details = code, reason, message, details
        self.metadata = metadata  # the Status' ListMeta (an expired continuation's inconsistent token)


def status(code: int, reason: str, message: str, details: dict | None = None, metadata: dict | None = None) -> dict:
    out: dict = {"kind": "Status", "apiVersion": "v1", "metadata": dict(metadata or {}), "status": "Failure",
                 "message": message}
    if reason:
        out["reason"] = reason
    if details:
        out["details"] = details
    out["code"] = code
    return out


def success(details: dict | None = None, code: int = 200) -> dict:
    out: dict = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
    if details:
        out["details"] = details
    out["code"] = code
    return out


def body(obj: dict) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def _cause(cause: errors.Cause) -> dict:
    text = str(cause)
    prefix = f"{cause.field}: "
    message = text[len(prefix):] if text.startswith(prefix) else text
    return {"reason": _CAUSES.get(cause.type, "FieldValueInvalid"), "message": message, "field": cause.field}


def from_error(exc: BaseException, kind: kinds.Kind | None = None, name: str = "") -> dict:
    """The Status for an error raised while serving a request on `kind`/`name`."""
    if isinstance(exc, HTTPError):
        return status(exc.code, exc.reason, exc.message, exc.details, exc.metadata)
    if isinstance(exc, errors.Invalid):
        k = _kind_named(exc.kind) or kind
        qualified = k.qualified_kind if k is not None else exc.kind
        details = {"name": exc.name, "group": k.group if k is not None else "", "kind": exc.kind,
                   "causes": [_cause(c) for c in exc.causes]}
        return status(422, "Invalid", f'{qualified} "{exc.name}" is invalid: {exc.aggregate()}', details)
    causes = getattr(exc, "causes", None)
    if isinstance(exc, errors.ApiError) and isinstance(causes, list) and causes and isinstance(causes[0], dict):
        details = {"name": name, "group": kind.group if kind else "", "kind": kind.plural if kind else "",
                   "causes": causes}  # server-side apply's FieldManagerConflict causes
        return status(exc.code or 409, exc.reason, exc.message, details)
    if isinstance(exc, errors.ApiError):
        details = None
        if kind is not None and name and isinstance(exc, (errors.NotFound, errors.AlreadyExists, errors.Conflict)):
            details = {"name": name, "group": kind.group, "kind": kind.plural}
        code = exc.code if exc.code else 500
        return status(code, exc.reason, exc.message, details)
    if isinstance(exc, errors.LitekubeError):  # a manifest the server cannot decode
        return status(400, "BadRequest", str(exc))
    return status(500, "InternalError", f"Internal error occurred: {type(exc).__name__}")


def _kind_named(kind: str) -> kinds.Kind | None:
    try:
        return kinds.lookup(kind)
    except errors.ManifestError:
        return None

"""The error tree of litekube. No I/O happens here.

    LitekubeError
    ├── ManifestError      malformed YAML/JSON, unknown kind, missing apiVersion
    ├── ManyErrors         several documents failed, one line each
    ├── StoreUnavailable   the database cannot be opened
    └── ApiError           errors the API layer answers with (a Kubernetes Status)
        ├── BadRequest     400: strict decoding errors (unknown fields, wrong types)
        ├── NotFound       404
        ├── AlreadyExists  409
        ├── Conflict       409: stale resourceVersion
        │   └── ApplyConflict  409: server-side apply would change fields other managers own
        ├── Expired        410: a watch or list from before the compaction point
        ├── Forbidden      403: new content in a terminating namespace
        ├── MethodNotAllowed 405: a write to a read-only API (metrics.k8s.io)
        ├── Invalid        422: validation failed; carries field causes
        ├── RequestEntityTooLarge 413: a request body over 3 MiB
        ├── StorageError   500: what the store refuses (an object over etcd's 1.5 MiB)
        ├── TooManyRequests 429: an eviction a disruption budget refuses
        └── Timeout        504

Errors are raised by the engine and turned into a message and an exit code
only in cli.py. Each ApiError renders the exact text kubectl prints for the
corresponding Status (`Error from server (NotFound): ...`).
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "LitekubeError", "ManifestError", "ManyErrors", "StoreUnavailable", "ApiError", "BadRequest", "NotFound",
    "AlreadyExists", "Conflict", "Expired", "Invalid", "Timeout", "TooManyRequests", "RequestEntityTooLarge",
    "StorageError", "Forbidden", "MethodNotAllowed", "Cause", "Raw", "OMIT", "ApplyConflict",
]


class LitekubeError(Exception):
    """Base of every error litekube raises on purpose."""

    def render(self) -> str:
        """The one line the CLI prints for this error."""
        return f"error: {self}"


class ManifestError(LitekubeError):
    """A manifest cannot be read: malformed document, unknown kind, ..."""


class ManyErrors(LitekubeError):
    """Several documents of one command failed: each is reported on its own line, as kubectl does."""

    def __init__(self, found: list[LitekubeError]) -> None:
        super().__init__("; ".join(str(e) for e in found))
        self.errors = list(found)

    def render(self) -> str:
        return "\n".join(e.render() for e in self.errors)


class StoreUnavailable(LitekubeError):
    """The database cannot be opened (missing directory, unsupported URL, not a database)."""


class ApiError(LitekubeError):
    """An error the API server answers with; `reason` is the Status reason."""

    reason = "InternalError"
    code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.source: str | None = None

    def with_source(self, verb: str, source: str) -> "ApiError":
        """Name the file (and document) the request came from, as kubectl does."""
        self.source = f'error when {verb} {source}: '
        return self

    def render(self) -> str:
        return f"Error from server ({self.reason}): {self.source or ''}{self.message}"


class BadRequest(ApiError):
    reason, code = "BadRequest", 400


class NotFound(ApiError):
    reason, code = "NotFound", 404

    @classmethod
    def of(cls, resource: str, name: str) -> "NotFound":
        """`resource` is the plural resource with its group: `deployments.apps`."""
        return cls(f'{resource} "{name}" not found')


class AlreadyExists(ApiError):
    reason, code = "AlreadyExists", 409

    @classmethod
    def of(cls, resource: str, name: str) -> "AlreadyExists":
        return cls(f'{resource} "{name}" already exists')


class Conflict(ApiError):
    reason, code = "Conflict", 409

    @classmethod
    def of(cls, resource: str, name: str) -> "Conflict":
        return cls(
            f'Operation cannot be fulfilled on {resource} "{name}": the object has been '
            "modified; please apply your changes to the latest version and try again")


class Expired(ApiError):
    reason, code = "Expired", 410


class Forbidden(ApiError):
    """403: e.g. new content in a namespace that is being terminated."""

    reason, code = "Forbidden", 403


class MethodNotAllowed(ApiError):
    """405: e.g. a create of a PodMetrics, which metrics-server only serves for reading."""

    reason, code = "MethodNotAllowed", 405


class RequestEntityTooLarge(ApiError):
    """413: a request body over the apiserver's 3 MiB limit."""

    reason, code = "RequestEntityTooLarge", 413


class StorageError(ApiError):
    """500 with no reason: what etcd refuses (an object over its 1.5 MiB request limit)."""

    reason, code = "", 500

    def render(self) -> str:
        # kubectl prints a Status without a reason this way
        return f"Error from server: {self.source or ''}{self.message}"


class TooManyRequests(ApiError):
    """429: an eviction that would break a PodDisruptionBudget."""

    reason, code = "TooManyRequests", 429


class Timeout(ApiError):
    reason, code = "Timeout", 504


@dataclass(frozen=True)
class Cause:
    """One field error, worded as Kubernetes' field.Error renders it.

    `type` is the error type's text: "Invalid value", "Required value",
    "Unsupported value", "Duplicate value", "Forbidden", "Too long", "Not found".
    `value` is rendered only for the types that show it.
    """

    field: str
    type: str
    detail: str = ""
    value: object = None
    show_value: bool = False

    def __str__(self) -> str:
        if self.type == "Required value":
            text = f"{self.field}: Required value"
        elif isinstance(self.value, _Omitted):
            text = f"{self.field}: {self.type}"
        elif self.type in ("Forbidden", "Too long", "Too many", "Internal error"):
            text = f"{self.field}: {self.type}"
        elif self.type == "Unsupported value":
            text = f"{self.field}: Unsupported value: {_render_value(self.value)}"
        else:
            text = f"{self.field}: {self.type}: {_render_value(self.value)}"
        return f"{text}: {self.detail}" if self.detail else text


class Raw(str):
    """A value already rendered as Go would (`map[string]string{"app":"web"}`)."""


class _Omitted(Raw):
    """field.OmitValueType: the error names no value (`rules[0]: Invalid value: <detail>`)."""


OMIT = _Omitted("")


def _render_value(value: object) -> str:
    """Render a value as Go's field.Error does: strings quoted, numbers bare."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return str(value)
    return str(value)


class Invalid(ApiError):
    """422: `The Deployment "web" is invalid: spec.replicas: Invalid value: ...`."""

    reason, code = "Invalid", 422

    def __init__(self, kind: str, name: str, causes: list[Cause]) -> None:
        self.kind, self.name, self.causes = kind, name, list(causes)
        super().__init__(f'The {kind} "{name}" is invalid: {self.aggregate()}')

    def aggregate(self) -> str:
        """One cause prints bare; several print as Go's Aggregate: `[a, b]`."""
        texts = [str(c) for c in self.causes]
        return texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"

    def render(self) -> str:
        # kubectl prints Invalid from the Status details, not the message, so
        # the source goes after the kubectl text rather than inside it.
        where = f" ({self.source[:-2]})" if self.source else ""
        return f"{self.message}{where}"


class ApplyConflict(Conflict):
    """409 from server-side apply: fields another manager owns would change.

    `conflicts` are (manager, field) pairs, the manager printed as upstream's
    printManager prints it (`"kubectl-client-side-apply" using apps/v1`) and the
    field as a path (`.spec.replicas`); each becomes a Status cause of type
    FieldManagerConflict. The message is the apiserver's, word for word.
    """

    def __init__(self, conflicts: list[tuple[str, str]]) -> None:
        self.conflicts = list(conflicts)
        self.advice = False  # kubectl apply adds its advice on how to resolve conflicts
        super().__init__(_conflict_message(self.conflicts))

    @property
    def causes(self) -> list[dict]:
        """The Status details' causes, in order."""
        return [{"type": "FieldManagerConflict", "message": f"conflict with {manager}", "field": field}
                for manager, field in self.conflicts]

    def render(self) -> str:
        return f"error: {self.message}" + (f"\n{CONFLICT_ADVICE}" if self.advice else "")


CONFLICT_ADVICE = """Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the `--force-conflicts` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts"""


def _conflict_message(conflicts: list[tuple[str, str]]) -> str:
    if len(conflicts) == 1:
        manager, field = conflicts[0]
        return f"Apply failed with 1 conflict: conflict with {manager}: {field}"
    by_manager: dict[str, list[str]] = {}
    for manager, field in conflicts:
        by_manager.setdefault(manager, []).append(field)
    lines = []
    for manager in sorted(by_manager):
        lines.append(f"conflicts with {manager}:")
        lines += [f"- {field}" for field in by_manager[manager]]
    return f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)

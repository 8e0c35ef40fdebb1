"""ServiceAccount tokens (the `serviceaccounts/token` subresource, `kubectl create token`). No I/O happens here.

A TokenRequest is answered with a JSON Web Token carrying the claims the
apiserver puts in one (`iss`, `sub` system:serviceaccount:NS:NAME, `aud`,
`exp`, `iat`, `nbf`, `jti`, and `kubernetes.io` naming the ServiceAccount),
signed with HS256 under a key derived from the serve token instead of the
apiserver's RSA key. `litekube serve` accepts such a token until it expires,
as it accepts its own: litekube has one user, who may do everything.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import datetime, timezone

from litekube import errors

__all__ = ["ISSUER", "DEFAULT_SECONDS", "signing_key", "answer", "verify"]

ISSUER = "https://kubernetes.default.svc.cluster.local"
DEFAULT_SECONDS = 3600
_MIN_SECONDS = 600
_MAX_SECONDS = 1 << 32
_KIND = "TokenRequest.authentication.k8s.io"  # upstream's NewInvalid(GroupKind, "", errs)


def signing_key(serve_token: bytes) -> bytes:
    return hashlib.sha256(b"litekube serviceaccount tokens\x00" + serve_token).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _stamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _refuse(seconds: object, detail: str) -> None:
    raise errors.Invalid(_KIND, "", [errors.Cause("spec.expirationSeconds", "Invalid value", value=seconds,
                                                  detail=detail)])


def answer(key: bytes, account: dict, request: dict, now: float) -> dict:
    """The TokenRequest answered for ServiceAccount `account` (as stored); raises errors.Invalid for a bad
    expirationSeconds, as the apiserver's validation."""
    meta = account["metadata"]
    spec = request.get("spec") if isinstance(request.get("spec"), dict) else {}
    seconds = spec.get("expirationSeconds")
    seconds = DEFAULT_SECONDS if seconds is None else seconds
    if not isinstance(seconds, int) or isinstance(seconds, bool):
        _refuse(seconds, "must be an integer")
    if seconds < _MIN_SECONDS:
        _refuse(seconds, "may not specify a duration less than 10 minutes")
    if seconds > _MAX_SECONDS:
        _refuse(seconds, "may not specify a duration larger than 2^32 seconds")
    audiences = [a for a in spec.get("audiences") or [] if isinstance(a, str)] or [ISSUER]
    issued = int(now)
    claims = {"aud": audiences, "exp": issued + seconds, "iat": issued, "iss": ISSUER, "jti": str(uuid.uuid4()),
              "kubernetes.io": {"namespace": meta.get("namespace", ""),
                                "serviceaccount": {"name": meta["name"], "uid": meta.get("uid", "")}},
              "nbf": issued, "sub": f"system:serviceaccount:{meta.get('namespace', '')}:{meta['name']}"}
    header = _b64(json.dumps({"alg": "HS256", "kid": "litekube"}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = _b64(hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    out_spec = {"audiences": audiences, "boundObjectRef": spec.get("boundObjectRef"), "expirationSeconds": seconds}
    return {"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
            # not stored, so never stamped; the namespace is the request's
            "metadata": {"namespace": meta.get("namespace", ""), "creationTimestamp": None},
            "spec": out_spec,
            "status": {"token": f"{header}.{payload}.{signature}", "expirationTimestamp": _stamp(issued + seconds)}}


def verify(key: bytes, token: str, now: float) -> dict | None:
    """The claims of a token `answer` issued under `key` that has not expired, else None."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    expected = _b64(hmac.new(key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected.encode(), parts[2].encode()):
        return None
    try:
        claims = json.loads(_unb64(parts[1]))
    except ValueError:
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int) or claims["exp"] <= now:
        return None
    return claims

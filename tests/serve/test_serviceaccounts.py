"""ServiceAccount tokens: what a TokenRequest is answered with, and which tokens are accepted."""
from __future__ import annotations

import base64
import json

import pytest

from litekube import errors
from litekube.ui.kubeapi import serviceaccounts

KEY = serviceaccounts.signing_key(b"serve-token")
ROBOT = {"metadata": {"name": "robot", "namespace": "default", "uid": "u-1"}}
NOW = 1_700_000_000


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class TestAnswer:
    def test_the_default_request(self):
        answer = serviceaccounts.answer(KEY, ROBOT, {"spec": {}}, NOW)
        token = answer["status"].pop("token")
        assert answer == {"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
                          "metadata": {"namespace": "default", "creationTimestamp": None},
                          "spec": {"audiences": ["https://kubernetes.default.svc.cluster.local"],
                                   "boundObjectRef": None, "expirationSeconds": 3600},
                          "status": {"expirationTimestamp": "2023-11-14T23:13:20Z"}}
        claims = _claims(token)
        assert len(claims.pop("jti")) == 36
        assert claims == {"aud": ["https://kubernetes.default.svc.cluster.local"], "exp": NOW + 3600, "iat": NOW,
                          "iss": "https://kubernetes.default.svc.cluster.local",
                          "kubernetes.io": {"namespace": "default", "serviceaccount": {"name": "robot", "uid": "u-1"}},
                          "nbf": NOW, "sub": "system:serviceaccount:default:robot"}

    def test_audiences_and_duration_are_the_requests(self):
        answer = serviceaccounts.answer(KEY, ROBOT, {"spec": {"audiences": ["vault"], "expirationSeconds": 600}}, NOW)
        assert answer["spec"]["audiences"] == ["vault"] and _claims(answer["status"]["token"])["exp"] == NOW + 600

    @pytest.mark.parametrize("seconds, detail", [(599, "may not specify a duration less than 10 minutes"),
                                                 (2**32 + 1, "may not specify a duration larger than 2^32 seconds"),
                                                 ("1h", "must be an integer")])
    def test_durations_out_of_range_are_invalid(self, seconds, detail):
        with pytest.raises(errors.Invalid) as caught:
            serviceaccounts.answer(KEY, ROBOT, {"spec": {"expirationSeconds": seconds}}, NOW)
        assert str(caught.value) == (f'The TokenRequest.authentication.k8s.io "" is invalid: '
                                     f"spec.expirationSeconds: Invalid value: {json.dumps(seconds)}: {detail}")

    def test_the_limits_themselves_are_valid(self):
        for seconds in (600, 2**32):
            serviceaccounts.answer(KEY, ROBOT, {"spec": {"expirationSeconds": seconds}}, NOW)


class TestVerify:
    def test_a_token_is_accepted_until_it_expires(self):
        token = serviceaccounts.answer(KEY, ROBOT, {"spec": {}}, NOW)["status"]["token"]
        assert serviceaccounts.verify(KEY, token, NOW + 3599)["sub"] == "system:serviceaccount:default:robot"
        assert serviceaccounts.verify(KEY, token, NOW + 3600) is None

    def test_another_servers_token_is_refused(self):
        token = serviceaccounts.answer(serviceaccounts.signing_key(b"other"), ROBOT, {"spec": {}}, NOW)
        assert serviceaccounts.verify(KEY, token["status"]["token"], NOW) is None

    @pytest.mark.parametrize("token", ["", "a.b", "a.b.c", "a.b.c.d", "...", "e30.e30."])
    def test_malformed_tokens_are_refused(self, token):
        assert serviceaccounts.verify(KEY, token, NOW) is None

    def test_a_changed_claim_breaks_the_signature(self):
        header, payload, signature = serviceaccounts.answer(KEY, ROBOT, {"spec": {}}, NOW)["status"]["token"].split(".")
        claims = _claims(f"x.{payload}.y")
        claims["exp"] += 10**6
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        assert serviceaccounts.verify(KEY, f"{header}.{forged}.{signature}", NOW) is None

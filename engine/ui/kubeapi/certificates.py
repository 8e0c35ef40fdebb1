"""A self-signed CA and a serving certificate for `litekube serve` over TLS. This module does I/O (randomness).

Made with `cryptography` (pyca) on first need and kept in the database
by the caller, so a restarted server keeps its CA and the kubeconfigs
printed before stay valid. The serving certificate names the address
served, `localhost`, 127.0.0.1 and ::1.
"""
from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass

__all__ = ["Bundle", "generate", "names_for"]


@dataclass(frozen=True)
class Bundle:
    ca_pem: str
    cert_pem: str  # the serving certificate
    key_pem: str  # its private key


def names_for(address: str) -> list[str]:
    names = [address, "localhost", "127.0.0.1", "::1"]
    return list(dict.fromkeys(n for n in names if n))


def generate(address: str, days: int = 365) -> Bundle:
    """A new CA and a serving certificate for `address`, signed by it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "litekube-ca")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=days * 10))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    alt: list[x509.GeneralName] = []
    for name in names_for(address):
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt.append(x509.DNSName(name))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kube-apiserver")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    return Bundle(ca.public_bytes(pem).decode(), cert.public_bytes(pem).decode(),
                  key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode())

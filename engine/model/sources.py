"""ConfigMap and Secret data from `--from-literal`, `--from-file` and `--from-env-file`, as kubectl builds them.

No I/O happens here: the CLI reads the files and passes their bytes. Keys
are checked as kubectl checks them (IsConfigMapKey; env file names with
IsEnvVarName), a key given twice is refused with kubectl's message, and
file content that is not UTF-8 goes to a ConfigMap's `binaryData`.
"""
from __future__ import annotations

import base64
import posixpath
import re

from litekube.model import gofmt, names
from litekube.model.generators import GeneratorError
from litekube.model.validation.core import is_config_map_key

__all__ = ["parse_literal", "parse_file_source", "env_file_entries", "ConfigMapData", "SecretData",
           "docker_config_json"]

_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*\Z")


def parse_literal(source: str) -> tuple[str, str]:
    """`key=value` (the value may hold more `=`)."""
    key, sep, value = source.partition("=")
    if not sep or not key:
        raise GeneratorError(f"invalid literal source {source}, expected key=value")
    return key, value


def parse_file_source(source: str) -> tuple[str, str, bool]:
    """ParseFileSource: (key, path, whether the key was given)."""
    count = source.count("=")
    if count == 0:
        return posixpath.basename(source.replace("\\", "/").rstrip("/")) or source, source, False
    if count == 1 and source.startswith("="):
        raise GeneratorError(f"key name for file path {source[1:]} missing")
    if count == 1 and source.endswith("="):
        raise GeneratorError(f"file path for key name {source[:-1]} missing")
    if count > 1:
        raise GeneratorError("key names or file paths cannot contain '='")
    key, _, path = source.partition("=")
    return key, path, True


def _env_name_errors(key: str) -> list[str]:
    errs = []
    if not _ENV_NAME.match(key):
        errs.append(names.regex_error(
            "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', "
            "and must not start with a digit", "[-._a-zA-Z][-._a-zA-Z0-9]*", "my.env-name", "MY_ENV.NAME",
            "MyEnvName1"))
    return errs


def env_file_entries(data: bytes, path: str, environ: dict[str, str]) -> list[tuple[str, str]]:
    """The (key, value) pairs of an env file, as kubectl's processEnvFileLine reads each line."""
    entries = []
    for number, raw in enumerate(data.split(b"\n")):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise GeneratorError(f"env file {path} contains invalid utf8 bytes at line {number + 1}: "
                                 f"{list(raw)}") from None
        if number == 0:
            line = line.removeprefix("\ufeff")
        line = line.rstrip("\r").lstrip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        errs = _env_name_errors(key)
        if errs:
            raise GeneratorError(f"{gofmt.quote(key)} is not a valid key name: {';'.join(errs)}")
        entries.append((key, value if sep else environ.get(key, "")))
    return entries


class ConfigMapData:
    """The data and binaryData of a ConfigMap being built."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.data: dict[str, str] = {}
        self.binary: dict[str, str] = {}

    def _check(self, key: str) -> None:
        errs = is_config_map_key(key)
        if errs:
            raise GeneratorError(f"{gofmt.quote(key)} is not a valid key name for a ConfigMap: {';'.join(errs)}")
        for field, held in (("Data", self.data), ("BinaryData", self.binary)):
            if key in held:
                raise GeneratorError(f"cannot add key {gofmt.quote(key)}, another key by that name already exists "
                                     f"in {field} for ConfigMap {gofmt.quote(self.name)}")

    def add_literal(self, key: str, value: str) -> None:
        self._check(key)
        self.data[key] = value

    def add_file(self, key: str, content: bytes) -> None:
        try:
            self.add_literal(key, content.decode("utf-8"))
        except UnicodeDecodeError:
            self._check(key)
            self.binary[key] = base64.b64encode(content).decode()


class SecretData:
    """The (base64) data of a Secret being built."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.data: dict[str, str] = {}

    def add(self, key: str, content: bytes) -> None:
        errs = is_config_map_key(key)
        if errs:
            raise GeneratorError(f"{gofmt.quote(key)} is not valid key name for a Secret {';'.join(errs)}")
        if key in self.data:
            raise GeneratorError(f"cannot add key {key}, another key by that name already exists")
        self.data[key] = base64.b64encode(content).decode()


def docker_config_json(server: str, username: str, password: str, email: str = "") -> str:
    """The `.dockerconfigjson` kubectl writes for `create secret docker-registry`."""
    entry = {"username": username, "password": password}
    if email:
        entry["email"] = email
    entry["auth"] = base64.b64encode(f"{username}:{password}".encode()).decode()
    return gofmt.marshal({"auths": {server: entry}}, sort_keys=False)

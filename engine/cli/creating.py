"""`create KIND NAME --flags`: kubectl's imperative generators (deployment, configmap, secret, service, ...).

This module does I/O: it reads `--from-file` and `--from-env-file` sources,
writes through the API and prints. The objects are built by
litekube.model.generators exactly as kubectl builds them, so
`--dry-run=client -o yaml` prints what kubectl prints. (`create job` is
litekube.cli.batch's.)
"""
from __future__ import annotations

import os
from pathlib import Path

import click

from litekube.api import applying
from litekube.cli import output as output_flags
from litekube.cli.manifests import create
from litekube.cli.root import Context, handle_errors, namespace_options, pass_context
from litekube.model import generators, sources

__all__ = ["finish", "create_options"]


def create_options(fn):
    """What every `create KIND` takes: -n, --dry-run, -o and --save-config."""
    fn = click.option("--save-config", is_flag=True,
                      help="Store the object in the last-applied annotation, for a later apply.")(fn)
    fn = output_flags.print_options(fn)
    fn = click.option("--dry-run", type=click.Choice(["none", "client", "server"]), default="none",
                      help="client: only print the object; server: check everything, write nothing.")(fn)
    fn = namespace_options(fn)
    return fn


def finish(ctx: Context, obj: dict, dry_run: str, output: str | None, template: str | None,
           allow_missing_keys: bool, save_config: bool = False, namespace: str | None = None,
           verb: str = "created") -> None:
    """Send (or, with --dry-run=client, only print) a generated object, and print as kubectl does."""
    group = obj["apiVersion"].rpartition("/")[0]
    qualified = obj["kind"].lower() + (f".{group}" if group else "")  # known before the kind is served
    fmt, text = output_flags.resolve(output, template, output_flags.PRINT_FORMATS) if output else (None, None)
    if save_config:
        obj["metadata"].setdefault("annotations", {})[applying.LAST_APPLIED] = applying.last_applied(obj)
    if dry_run == "client":  # the generated object as kubectl encodes it: no apiserver in between
        if fmt is not None:
            output_flags.emit(fmt, [obj], text, single=True, allow_missing_keys=allow_missing_keys, typed=True,
                              served=False)
        else:
            click.echo(f"{qualified}/{obj['metadata']['name']} {verb} (dry run)")
        return
    with ctx.api.write(dry_run=dry_run == "server") as tx:
        created = tx.create(obj, namespace=namespace or "default")
    if fmt is not None:
        output_flags.emit(fmt, [created], text, single=True, allow_missing_keys=allow_missing_keys, typed=True)
    else:
        suffix = " (server dry run)" if dry_run == "server" else ""
        click.echo(f"{qualified}/{created['metadata']['name']} {verb}{suffix}")
    if dry_run == "none":
        ctx.settle()


def _generated(build):
    try:
        return build()
    except generators.GeneratorError as exc:
        output_flags.fail(str(exc))


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        output_flags.fail(f"error reading {path}: no such file or directory")
    except IsADirectoryError:
        output_flags.fail(f"error reading {path}: is a directory")
    except OSError as exc:
        output_flags.fail(f"error reading {path}: {exc.strerror}")
    raise AssertionError("unreachable")


def _file_entries(file_sources: tuple[str, ...]) -> list[tuple[str, bytes]]:
    """(key, content) for every --from-file: a file, key=file, or every regular file of a directory."""
    entries = []
    for source in file_sources:
        key, path, explicit = _generated(lambda: sources.parse_file_source(source))
        target = Path(path)
        if not target.exists():
            output_flags.fail(f"error reading {path}: no such file or directory")
        if target.is_dir():
            if explicit:
                output_flags.fail("cannot give a key name for a directory path")
            for item in sorted(target.iterdir()):
                if item.is_file() and not item.is_symlink():
                    entries.append((item.name, _read(os.fspath(item))))
        else:
            entries.append((key, _read(path)))
    return entries


def _env_entries(env_files: tuple[str, ...]) -> list[tuple[str, str]]:
    return [entry for path in env_files
            for entry in _generated(lambda: sources.env_file_entries(_read(path), path, dict(os.environ)))]


_SOURCES = [
    click.option("--from-literal", "literals", multiple=True, help="key=value (repeatable)."),
    click.option("--from-file", "file_sources", multiple=True,
                 help="A file (key: its name), key=file, or a directory (a key per file); repeatable."),
    click.option("--from-env-file", "env_files", multiple=True, help="A file of KEY=VALUE lines (repeatable)."),
    click.option("--append-hash", is_flag=True, help="Append a hash of the content to the name."),
]


def _with(options):
    def decorate(fn):
        for option in reversed(options):
            fn = option(fn)
        return fn
    return decorate


def _check_sources(literals, file_sources, env_files) -> None:
    if env_files and (literals or file_sources):
        output_flags.fail("from-env-file cannot be combined with from-file or from-literal")


@create.command("configmap", short_help="Create a ConfigMap from literals, files, directories or env files.")
@click.argument("name")
@_with(_SOURCES)
@create_options
@pass_context
@handle_errors
def create_configmap(ctx: Context, name, literals, file_sources, env_files, append_hash, namespace, dry_run,
                     output, template, allow_missing_template_keys, save_config) -> None:
    """Create a ConfigMap from literal values, files, directories or env files.

    \b
    Examples:
      # A configmap named my-config from the files in folder bar
      litekube create configmap my-config --from-file=path/to/bar
      # With specified keys instead of file basenames on disk
      litekube create configmap my-config --from-file=key1=/path/to/bar/file1.txt --from-file=key2=/path/to/bar/file2.txt
      # With key1=config1 and key2=config2
      litekube create configmap my-config --from-literal=key1=config1 --from-literal=key2=config2
      # From the key=value pairs in a file
      litekube create configmap my-config --from-env-file=path/to/foo.env
      # Print it without creating it
      litekube create configmap my-config --from-literal=a=b --dry-run=client -o yaml
    """
    _check_sources(literals, file_sources, env_files)
    data = sources.ConfigMapData(name)

    def build() -> dict:
        for key, content in _file_entries(file_sources):
            data.add_file(key, content)
        for literal in literals:
            data.add_literal(*sources.parse_literal(literal))
        for key, value in _env_entries(env_files):
            data.add_literal(key, value)
        return generators.config_map(name, data.data, data.binary, append_hash, namespace)

    finish(ctx, _generated(build), dry_run, output, template, allow_missing_template_keys, save_config, namespace)


@create.group("secret")
def create_secret() -> None:
    """Create a Secret: generic, tls or docker-registry."""


@create_secret.command("generic", short_help="Create a Secret from literals, files, directories or env files.")
@click.argument("name")
@_with(_SOURCES)
@click.option("--type", "secret_type", default="", help="The type of the secret (default Opaque).")
@create_options
@pass_context
@handle_errors
def create_secret_generic(ctx: Context, name, literals, file_sources, env_files, append_hash, secret_type,
                          namespace, dry_run, output, template, allow_missing_template_keys, save_config) -> None:
    """Create a secret from literal values, files, directories or env files.

    \b
    Examples:
      # A secret named my-secret with a key for each file in folder bar
      litekube create secret generic my-secret --from-file=path/to/bar
      # With specified keys instead of names on disk
      litekube create secret generic my-secret --from-file=ssh-privatekey=path/to/id_rsa
      # With key1=supersecret and key2=topsecret
      litekube create secret generic my-secret --from-literal=key1=supersecret --from-literal=key2=topsecret
      # From env files
      litekube create secret generic my-secret --from-env-file=path/to/foo.env --from-env-file=path/to/bar.env
    """
    _check_sources(literals, file_sources, env_files)
    data = sources.SecretData(name)

    def build() -> dict:
        for key, content in _file_entries(file_sources):
            data.add(key, content)
        for literal in literals:
            key, value = sources.parse_literal(literal)
            data.add(key, value.encode())
        for key, value in _env_entries(env_files):
            data.add(key, value.encode())
        return generators.secret(name, data.data, secret_type, append_hash, namespace)

    finish(ctx, _generated(build), dry_run, output, template, allow_missing_template_keys, save_config, namespace)


@create_secret.command("tls", short_help="Create a TLS secret from a certificate and its key.")
@click.argument("name")
@click.option("--cert", default="", help="The PEM certificate (chain) file.")
@click.option("--key", "key_file", default="", help="The PEM private key file.")
@click.option("--append-hash", is_flag=True, help="Append a hash of the content to the name.")
@create_options
@pass_context
@handle_errors
def create_secret_tls(ctx: Context, name, cert, key_file, append_hash, namespace, dry_run, output, template,
                      allow_missing_template_keys, save_config) -> None:
    """Create a TLS secret from the given public/private key pair.

    \b
    Examples:
      # A TLS secret named tls-secret with the given key pair
      litekube create secret tls tls-secret --cert=path/to/tls.crt --key=path/to/tls.key
    """
    if not cert or not key_file:
        output_flags.fail("key and cert must be specified")
    cert_data, key_data = _read(cert), _read(key_file)
    problem = _tls_problem(cert_data, key_data)
    if problem:
        output_flags.fail(problem)
    data = sources.SecretData(name)
    data.add("tls.crt", cert_data)
    data.add("tls.key", key_data)
    obj = generators.secret(name, data.data, "kubernetes.io/tls", append_hash, namespace)
    finish(ctx, obj, dry_run, output, template, allow_missing_template_keys, save_config, namespace)


def _tls_problem(cert: bytes, key: bytes) -> str | None:
    """What Go's tls.X509KeyPair says of a pair that is not PEM of the right blocks (no crypto check)."""
    if b"-----BEGIN" not in cert:
        return "tls: failed to find any PEM data in certificate input"
    if b"CERTIFICATE-----" not in cert:
        return "tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks " \
               "of the following types: [" + cert.split(b"-----BEGIN ")[1].split(b"-----")[0].decode() + "]"
    if b"-----BEGIN" not in key:
        return "tls: failed to find any PEM data in key input"
    if b"PRIVATE KEY-----" not in key:
        if b"CERTIFICATE-----" in key:
            return "tls: found a certificate rather than a key in the PEM for the private key"
        return "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input"
    return None


@create_secret.command("docker-registry", short_help="Create a Secret for a container registry.")
@click.argument("name")
@click.option("--docker-server", default="https://index.docker.io/v1/", show_default=True,
              help="The registry server.")
@click.option("--docker-username", default="", help="The username.")
@click.option("--docker-password", default="", help="The password.")
@click.option("--docker-email", default="", help="The email.")
@click.option("--append-hash", is_flag=True, help="Append a hash of the content to the name.")
@create_options
@pass_context
@handle_errors
def create_secret_docker_registry(ctx: Context, name, docker_server, docker_username, docker_password,
                                  docker_email, append_hash, namespace, dry_run, output, template,
                                  allow_missing_template_keys, save_config) -> None:
    """Create a new secret for use with Docker registries.

    \b
    Examples:
      # If you do not already have a .dockercfg file, create a dockercfg secret directly
      litekube create secret docker-registry my-secret --docker-server=DOCKER_REGISTRY_SERVER \\
        --docker-username=DOCKER_USER --docker-password=DOCKER_PASSWORD --docker-email=DOCKER_EMAIL
    """
    if not docker_username or not docker_password:
        output_flags.fail("either --from-file or the combination of --docker-username, --docker-password and "
                          "--docker-server is required")
    data = sources.SecretData(name)
    data.add(".dockerconfigjson", sources.docker_config_json(docker_server, docker_username, docker_password,
                                                              docker_email).encode())
    obj = generators.secret(name, data.data, "kubernetes.io/dockerconfigjson", append_hash, namespace)
    finish(ctx, obj, dry_run, output, template, allow_missing_template_keys, save_config, namespace)

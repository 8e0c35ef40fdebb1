"""`create job`: kubectl's Job generator, from an image or from a CronJob. This module does I/O."""
from __future__ import annotations

import click

from litekube import errors
from litekube.api import batch, reading
from litekube.cli import output as output_flags
from litekube.cli.manifests import create
from litekube.cli.root import Context, dry_run_option, handle_errors, namespace_options, pass_context
from litekube.model import kinds


@create.command("job", context_settings={"ignore_unknown_options": False})
@click.argument("name", required=False)
@click.argument("command", nargs=-1)
@click.option("--image", default="", help="Image name to run.")
@click.option("--from", "from_", default="", help="The resource to create a Job from (only cronjob is supported).")
@output_flags.print_options
@namespace_options
@dry_run_option
@pass_context
@handle_errors
def create_job(ctx: Context, name, command, image, from_, output, template, allow_missing_template_keys, namespace,
               dry_run) -> None:
    """Create a Job: create job NAME --image=IMAGE [-- COMMAND...] or create job NAME --from=cronjob/NAME.

    From a CronJob the Job copies its jobTemplate, gets the annotation
    `cronjob.kubernetes.io/instantiate: manual` and an ownerReference to it;
    prints `job.batch/NAME created`.
    """
    if not name:
        raise errors.ManifestError("exactly one NAME is required, got 0")
    if bool(image) == bool(from_):
        raise errors.ManifestError("either --image or --from must be specified")
    if command and from_:
        raise errors.ManifestError("cannot specify --from and command")
    ns = namespace or "default"
    fmt, text = output_flags.resolve(output, template, output_flags.PRINT_FORMATS) if output else (None, None)
    with ctx.api.write(dry_run=dry_run != "none") as tx:
        if from_:
            targets = reading.parse_targets([from_])
            if len(targets) != 1 or targets[0][1] is None:
                raise errors.ManifestError("from must be an existing cronjob")
            kind, source = targets[0]
            found = tx.get(kind.kind, ns, source)
            if kind.kind != "CronJob":
                raise errors.ManifestError(f"unknown object type *v1.{kind.kind}")
            job = batch.job_from_cronjob(found, name)
        else:
            job = batch.job_from_image(name, image, list(command))
        if dry_run == "client":  # as kubectl encodes it, with no apiserver in between
            created = batch.client_encoded(job, namespace)
        else:
            job["metadata"]["namespace"] = ns
            try:
                created = tx.create(job, namespace=ns)
            except errors.ApiError as exc:
                if isinstance(exc, errors.Invalid):
                    raise
                raise errors.LitekubeError(f"failed to create job: {exc.message}") from None
    suffix = {"none": "", "client": " (dry run)", "server": " (server dry run)"}[dry_run]
    if fmt is not None:
        output_flags.emit(fmt, [created], text, single=True, allow_missing_keys=allow_missing_template_keys,
                          typed=True, served=dry_run != "client")
    else:
        click.echo(f"{kinds.lookup('Job').qualified}/{name} created{suffix}")
    if dry_run == "none":
        ctx.settle()

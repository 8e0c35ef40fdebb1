"""`drain`: cordon a node, then evict its pods through the Eviction API, as kubectl does.

This module does I/O. Evictions that a PodDisruptionBudget refuses are
retried every 5 seconds of cluster time (virtual time when the control
plane is embedded, so a drain that waits for replacements takes no wall
time) until the timeout.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from litekube import errors
from litekube.api import operating
from litekube.api.server import Api
from litekube.model import durations
from litekube.runtime import embedded

__all__ = ["drain", "Options"]

RETRY = 5.0


@dataclass(frozen=True)
class Options:
    force: bool = False
    ignore_daemonsets: bool = False
    delete_emptydir_data: bool = False
    timeout: float = 600.0


def _controller(pod: dict) -> dict | None:
    for ref in pod["metadata"].get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


def _refusals(pods: list[dict], options: Options) -> tuple[list[dict], list[str], list[str]]:
    """(pods to evict, error lines, warning lines) as kubectl's pod filters decide."""
    keep: list[dict] = []
    problems: dict[str, list[str]] = {}
    warnings: dict[str, list[str]] = {}
    for pod in pods:
        name = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
        if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            keep.append(pod)
            continue
        ref = _controller(pod)
        if ref is not None and ref.get("kind") == "DaemonSet":
            if options.ignore_daemonsets:
                warnings.setdefault("ignoring DaemonSet-managed Pods", []).append(name)
            else:
                problems.setdefault("cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)",
                                    []).append(name)
            continue
        if ref is None:
            if not options.force:
                problems.setdefault("cannot delete Pods that declare no controller (use --force to override)",
                                    []).append(name)
                continue
            warnings.setdefault("deleting Pods that declare no controller", []).append(name)
        if any("emptyDir" in v for v in (pod.get("spec") or {}).get("volumes") or []):
            if not options.delete_emptydir_data:
                problems.setdefault("cannot delete Pods with local storage (use --delete-emptydir-data to override)",
                                    []).append(name)
                continue
        keep.append(pod)
    return (keep, [f"{k}: {', '.join(v)}" for k, v in problems.items()],
            [f"{k}: {', '.join(v)}" for k, v in warnings.items()])


def drain(api: Api, node: str, options: Options, echo: Callable[[str], None],
          warn: Callable[[str], None] | None = None) -> None:
    """Cordon and drain `node`; raises LitekubeError (kubectl's message) when it cannot finish.
    `echo` takes what kubectl prints on stdout, `warn` what it prints on stderr (the warning and each
    refused eviction); without `warn`, `echo` takes both."""
    warn = warn or echo
    echo(operating.cordon(api, node, True))
    with api.read() as tx:
        pods = tx.list("Pod", None, field_selector=f"spec.nodeName={node}").items
    pods, problems, warnings = _refusals(pods, options)
    if problems:  # an aggregate of errors prints as [a, b]; kubectl's CheckErr then prints one a line
        summary = problems[0] if len(problems) == 1 else f"[{', '.join(problems)}]"
        raise errors.ManifestError(
            f'unable to drain node "{node}" due to error: {summary}, continuing command...\n'
            f"There are pending nodes to be drained:\n {node}\n" + "\n".join(problems))
    if warnings:  # PodDeleteList.Warnings: one line, the messages joined by "; "
        warn(f"Warning: {'; '.join(warnings)}")
    waiter = _Waiter(api)
    deadline = waiter.now() + options.timeout
    pending = [(p["metadata"]["namespace"], p["metadata"]["name"], p["metadata"]["uid"]) for p in pods]
    evicted: list[tuple[str, str, str]] = []
    while pending:
        # kubectl's evictPods, one loop per pod: each try prints `evicting pod`, then gives up if the
        # global timeout has passed, else asks; a refusal (429) is retried 5 seconds later.
        refused, timed_out = [], []
        for namespace, name, uid in pending:
            echo(f"evicting pod {namespace}/{name}")
            if waiter.now() >= deadline:
                timed_out.append(f'error when evicting pods/"{name}" -n "{namespace}": global timeout reached: '
                                 f"{durations.human_duration(options.timeout)}")
                continue
            try:
                with api.write() as tx:
                    current = tx.find("Pod", namespace, name)
                    if current is not None and current["metadata"]["uid"] == uid:
                        operating.evict(tx, namespace, name)
                evicted.append((namespace, name, uid))
            except errors.TooManyRequests as exc:
                warn(f'error when evicting pods/"{name}" -n "{namespace}" (will retry after 5s): {exc.message}')
                refused.append((namespace, name, uid))
        if timed_out:
            _give_up(api, node, options, evicted, timed_out, echo, warn)
        pending = refused
        waiter.wait(RETRY if pending else 0.0)
    waiter.wait(0.0)
    for namespace, name, _ in evicted:
        echo(f"pod/{name} evicted")
    echo(f"node/{node} drained")


def _give_up(api: Api, node: str, options: Options, evicted: list[tuple[str, str, str]], timed_out: list[str],
             echo: Callable[[str], None], warn: Callable[[str], None]) -> None:
    """The global timeout, as kubectl's goroutines meet it: an evicted pod already gone was reported
    `evicted`; one still terminating failed its wait at the deadline, before the evictions still
    being retried noticed it. Then deleteOrEvictPodsSimple's error path: the pods still to go from
    the node, then the error."""
    failures = []
    with api.read() as tx:
        for namespace, name, uid in evicted:
            current = tx.find("Pod", namespace, name)
            if current is None or current["metadata"]["uid"] != uid:
                echo(f"pod/{name} evicted")
            else:
                failures.append(f'error when waiting for pod "{name}" in namespace "{namespace}" to terminate: '
                                "context deadline exceeded")
        left = tx.list("Pod", None, field_selector=f"spec.nodeName={node}").items
    failures += timed_out
    summary = failures[0] if len(failures) == 1 else f"[{', '.join(failures)}]"
    left, _, _ = _refusals(left, options)
    if left:
        warn(f'There are pending pods in node "{node}" when an error occurred: {summary}')
        for pod in left:
            warn(f"pod/{pod['metadata']['name']}")
    raise errors.ManifestError(f'unable to drain node "{node}" due to error: {summary}, continuing command...\n'
                               f"There are pending nodes to be drained:\n {node}\n" + "\n".join(failures))


class _Waiter:
    """Lets cluster time pass: the embedded control plane in virtual time, or the wall clock."""

    def __init__(self, api: Api) -> None:
        self.api = api

    def now(self) -> float:
        return self.api.store.now()

    def wait(self, seconds: float) -> None:
        if embedded.leader(self.api) is None:  # a retry comes `seconds` later, whatever else is still due
            embedded.advance(self.api, seconds, settle=not seconds)
        elif seconds:
            time.sleep(seconds)

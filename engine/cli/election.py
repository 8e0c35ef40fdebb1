"""The leader-election flags of `run` (and of any command that runs a control plane). No I/O happens here.

kube-controller-manager's and kube-scheduler's own flags, with their defaults:
--leader-elect (true), --leader-elect-lease-duration 15s,
--leader-elect-renew-deadline 10s, --leader-elect-retry-period 2s.
"""
from __future__ import annotations

import click

from litekube.cli.root import duration_seconds
from litekube.runtime.electing import Timing

__all__ = ["leader_election_options", "timing"]


def leader_election_options(fn):
    """Add the four --leader-elect* flags; the command receives `leader_elect` and `leader_timing` (a Timing)."""
    options = [
        click.option("--leader-elect", "leader_elect", type=click.BOOL, default=True, is_flag=False, flag_value=True,
                     show_default=True,
                     help="Elect a leader per component (Leases in kube-system) so that several runs share "
                          "one database; false runs every component under the control-plane lock."),
        click.option("--leader-elect-lease-duration", "lease_duration", default="15s", show_default=True,
                     help="How long a standby waits after the last renewal it saw before it takes a Lease over."),
        click.option("--leader-elect-renew-deadline", "renew_deadline", default="10s", show_default=True,
                     help="How long the leader keeps trying to renew before it stops leading."),
        click.option("--leader-elect-retry-period", "retry_period", default="2s", show_default=True,
                     help="How often candidates try to acquire and the leader renews."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def timing(lease_duration: str, renew_deadline: str, retry_period: str) -> Timing:
    """The Timing of the flags; a usage error naming the flag when client-go would refuse it."""
    result = Timing(duration_seconds(lease_duration, "--leader-elect-lease-duration"),
                    duration_seconds(renew_deadline, "--leader-elect-renew-deadline"),
                    duration_seconds(retry_period, "--leader-elect-retry-period"))
    problems = result.problems()
    if problems:
        flag = problems[0].split()[0]
        raise click.BadParameter(problems[0].removeprefix(flag + " "), param_hint=flag)
    return result

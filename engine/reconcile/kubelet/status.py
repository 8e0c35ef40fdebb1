"""What a kubelet derives from container statuses: phase, conditions, QoS class, IDs, pod IPs.

No I/O happens here. Ports of upstream kubelet helpers: `getPhase`
(pkg/kubelet/kubelet_pods.go), the condition generators of
pkg/kubelet/status/generate.go, the status manager's condition merge
(kept non-kubelet conditions first, lastTransitionTime kept while the status
is unchanged), `qos.ComputePodQOS`, and host-local IPAM over a node's podCIDR.
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import ipaddress
from datetime import datetime, timezone
from fractions import Fraction

from litekube.model import durations, quantities

__all__ = ["KUBELET_CONDITIONS", "get_phase", "generate_conditions", "merge_conditions", "qos_class",
           "container_id", "image_ref", "image_id", "allocate_ip", "go_duration", "stamp", "pod_format",
           "DEFAULT_POD_CIDR", "NodeAddresses", "UNDECIDED"]

# The condition types the kubelet owns (kubetypes.PodConditionsByKubelet), in the order it writes them.
KUBELET_CONDITIONS = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")
DEFAULT_POD_CIDR = "10.0.0.0/24"  # KWOK's shared pool, for nodes without spec.podCIDR


def stamp(t: float) -> str:
    """RFC 3339 whole seconds for a time in seconds since the epoch."""
    found = _STAMPS.get(t)  # a batch stamps the same few instants again and again: format each once
    if found is None:
        if len(_STAMPS) >= 4096:
            _STAMPS.clear()
        found = _STAMPS[t] = durations.format_time(datetime.fromtimestamp(t, tz=timezone.utc))
    return found


_STAMPS: dict[float, str] = {}


def pod_format(pod: dict) -> str:
    """format.Pod: `name_namespace(uid)`."""
    meta = pod.get("metadata") or {}
    return f"{meta.get('name', '')}_{meta.get('namespace', '')}({meta.get('uid', '')})"


def go_duration(seconds: float) -> str:
    """Go's time.Duration.String for non-negative durations: `10s`, `1m20s`, `5m0s`, `500ms`."""
    if seconds == 0:
        return "0s"
    if seconds < 1:
        return f"{round(seconds * 1000, 6):g}ms"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{int(hours)}h" if hours else ""
    if hours or minutes:
        text += f"{int(minutes)}m"
    return text + f"{round(secs, 9):g}s"


# -- phase -------------------------------------------------------------------------

def _by_name(statuses: list[dict]) -> dict:
    """Statuses by container name, the first of a name winning: O(1) lookups for
    pods with thousands of containers."""
    index: dict = {}
    for status in statuses:
        index.setdefault(status.get("name"), status)
    return index


def get_phase(pod: dict, init_statuses: list[dict], statuses: list[dict], terminal: bool = False) -> str:
    """kubelet getPhase for regular init containers and regular containers."""
    spec = pod.get("spec") or {}
    policy = spec.get("restartPolicy") or "Always"
    pending_init = failed_init = 0
    init_index, index = _by_name(init_statuses), _by_name(statuses)
    for container in spec.get("initContainers") or []:
        status = init_index.get(container["name"])
        state = (status or {}).get("state") or {}
        if status is None or "running" in state:
            pending_init += 1
        elif "terminated" in state:
            failed_init += state["terminated"].get("exitCode", 0) != 0
        elif "waiting" in state:
            last = (status.get("lastState") or {}).get("terminated")
            if last is not None:
                failed_init += last.get("exitCode", 0) != 0
            else:
                pending_init += 1
        else:
            pending_init += 1
    unknown = running = waiting = stopped = succeeded = 0
    for container in spec.get("containers") or []:
        status = index.get(container["name"])
        state = (status or {}).get("state") or {}
        if status is None:
            unknown += 1
        elif "running" in state:
            running += 1
        elif "terminated" in state:
            stopped += 1
            succeeded += state["terminated"].get("exitCode", 0) == 0
        elif "waiting" in state:
            if (status.get("lastState") or {}).get("terminated") is not None:
                stopped += 1
            else:
                waiting += 1
        else:
            unknown += 1
    if failed_init > 0 and policy == "Never":
        return "Failed"
    started = any((s.get("state") or {}).get("running") or (s.get("state") or {}).get("terminated")
                  or (s.get("lastState") or {}).get("terminated") for s in statuses)
    if (pending_init > 0 and not started) or waiting > 0:
        return "Pending"
    if running > 0 and unknown == 0:
        return "Running"
    if running == 0 and stopped > 0 and unknown == 0:
        if terminal:
            return "Succeeded" if stopped == succeeded else "Failed"
        if policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        return "Failed" if policy == "Never" else "Running"
    return "Pending"


# -- conditions ----------------------------------------------------------------------

def _containers_ready(pod: dict, statuses: list[dict], phase: str) -> dict:
    if phase in ("Succeeded", "Failed"):
        return {"type": "ContainersReady", "status": "False",
                "reason": "PodCompleted" if phase == "Succeeded" else "PodFailed"}
    unknown, unready = [], []
    index = _by_name(statuses)
    for container in (pod.get("spec") or {}).get("containers") or []:
        status = index.get(container["name"])
        if status is None:
            unknown.append(container["name"])
        elif not status.get("ready"):
            unready.append(container["name"])
    messages = []
    if unknown:
        messages.append(f"containers with unknown status: [{' '.join(unknown)}]")
    if unready:
        messages.append(f"containers with unready status: [{' '.join(unready)}]")
    if messages:
        return {"type": "ContainersReady", "status": "False", "reason": "ContainersNotReady",
                "message": ", ".join(messages)}
    return {"type": "ContainersReady", "status": "True"}


def _initialized(pod: dict, init_statuses: list[dict], statuses: list[dict], phase: str) -> dict:
    inits = (pod.get("spec") or {}).get("initContainers") or []
    if not inits:
        return {"type": "Initialized", "status": "True"}
    unknown, incomplete = [], []
    index = _by_name(init_statuses)
    for container in inits:
        status = index.get(container["name"])
        if status is None:
            unknown.append(container["name"])
        elif not status.get("ready"):
            incomplete.append(container["name"])
    if phase == "Succeeded" and not unknown:
        return {"type": "Initialized", "status": "True", "reason": "PodCompleted"}
    if any((s.get("state") or {}).get("running") or (s.get("state") or {}).get("terminated")
           or (s.get("lastState") or {}).get("terminated") for s in statuses):
        return {"type": "Initialized", "status": "True"}
    messages = []
    if unknown:
        messages.append(f"containers with unknown status: [{' '.join(unknown)}]")
    if incomplete:
        messages.append(f"containers with incomplete status: [{' '.join(incomplete)}]")
    if messages:
        return {"type": "Initialized", "status": "False", "reason": "ContainersNotInitialized",
                "message": ", ".join(messages)}
    return {"type": "Initialized", "status": "True"}


def generate_conditions(pod: dict, init_statuses: list[dict], statuses: list[dict], phase: str,
                        sandbox_ready: bool) -> list[dict]:
    """The kubelet-owned conditions, in the order generateAPIPodStatus appends them."""
    containers_ready = _containers_ready(pod, statuses, phase)
    ready = dict(containers_ready, type="Ready")
    if containers_ready["status"] == "True":
        conditions = {c.get("type"): c for c in (pod.get("status") or {}).get("conditions") or []}
        gates = []
        for gate in (pod.get("spec") or {}).get("readinessGates") or []:
            found = conditions.get(gate.get("conditionType"))
            if found is None:
                gates.append(f"corresponding condition of pod readiness gate \"{gate.get('conditionType')}\" "
                             "does not exist.")
            elif found.get("status") != "True":
                gates.append(f"the status of pod readiness gate \"{gate.get('conditionType')}\" is not "
                             f"\"True\", but {found.get('status')}")
        if gates:
            ready = {"type": "Ready", "status": "False", "reason": "ReadinessGatesNotReady",
                     "message": ", ".join(gates)}
    return [
        {"type": "PodReadyToStartContainers", "status": "True" if sandbox_ready else "False"},
        _initialized(pod, init_statuses, statuses, phase),
        ready,
        containers_ready,
        {"type": "PodScheduled", "status": "True"},
    ]


def merge_conditions(old: list[dict], generated: list[dict], when: str) -> list[dict]:
    """The status manager's merge: foreign conditions kept first, then the kubelet's own.

    A kubelet condition keeps its lastTransitionTime while its status is
    unchanged; otherwise it gets `when`. lastProbeTime is always null.
    """
    by_type = {c.get("type"): c for c in old}
    merged = [c for c in old if c.get("type") not in KUBELET_CONDITIONS]
    for condition in generated:
        previous = by_type.get(condition["type"])
        since = previous.get("lastTransitionTime") if previous and previous.get("status") == condition["status"] \
            else when
        merged.append({"lastProbeTime": None, "lastTransitionTime": since or when, **condition})
    return merged


# -- QoS ---------------------------------------------------------------------------------

def qos_class(pod: dict) -> str:
    """qos.ComputePodQOS, with requests defaulted from limits as the API server does."""
    spec = pod.get("spec") or {}
    try:  # what it depends on: the containers' limits and requests (pods of a template share them)
        key = tuple((tuple(((c.get("resources") or {}).get("limits") or {}).items()),
                     tuple(((c.get("resources") or {}).get("requests") or {}).items()))
                    for c in (spec.get("containers") or []) + (spec.get("initContainers") or []))
        found = _QOS.get(key)
    except (AttributeError, TypeError):  # not a list of containers with maps (or unhashable values)
        return _qos_class(pod)
    if found is None:
        if len(_QOS) >= 4096:
            _QOS.clear()
        found = _QOS[key] = _qos_class(pod)
    return found


_QOS: dict[tuple, str] = {}  # the containers' (limits, requests) items -> the QoS class


def _qos_class(pod: dict) -> str:
    spec = pod.get("spec") or {}
    requests: dict[str, Fraction] = {}
    limits: dict[str, Fraction] = {}
    guaranteed = True
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        resources = container.get("resources") or {}
        container_limits = resources.get("limits") or {}
        container_requests = {**{k: v for k, v in container_limits.items()}, **(resources.get("requests") or {})}
        for name, value in container_requests.items():
            if name in ("cpu", "memory") and quantities.parse(value) > 0:
                requests[name] = requests.get(name, Fraction(0)) + quantities.parse(value)
        found = set()
        for name, value in container_limits.items():
            if name in ("cpu", "memory") and quantities.parse(value) > 0:
                found.add(name)
                limits[name] = limits.get(name, Fraction(0)) + quantities.parse(value)
        if not {"cpu", "memory"} <= found:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed and all(limits.get(k) == v for k, v in requests.items()) and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"


# -- identifiers -------------------------------------------------------------------------

def _hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def image_ref(image: str) -> str:
    """The image as containerd reports it: `nginx:1.27` -> `docker.io/library/nginx:1.27`."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    if ":" not in last and not digest:
        name += ":latest"
    first = name.split("/", 1)[0]
    if "/" not in name:
        name = "docker.io/library/" + name
    elif "." not in first and ":" not in first and first != "localhost":
        name = "docker.io/" + name
    return f"{name}@{digest}" if digest else name


def image_id(image: str) -> str:
    """`<repository>@sha256:<hex>`, deterministic from the image name."""
    ref = image_ref(image)
    repository = ref.split("@", 1)[0]
    slash = repository.rfind("/")
    if repository.rfind(":") > slash:
        repository = repository[:repository.rfind(":")]
    return f"{repository}@sha256:{_hex(ref)}"


def container_id(pod: dict, name: str, restart_count: int) -> str:
    """`containerd://<hex>`, deterministic from the pod uid, container name and restart count."""
    uid = (pod.get("metadata") or {}).get("uid", "")
    return f"containerd://{_hex(f'{uid}/{name}/{restart_count}')}"


# -- pod IPs -------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def _network(cidr: str) -> "ipaddress.IPv4Network | ipaddress.IPv6Network":
    return ipaddress.ip_network(cidr, strict=False)


def allocate_ip(pod_cidr: str, used: set[str], rank: int = 0) -> str | None:
    """host-local IPAM: the `rank`-th lowest free address from .2 up to the last before broadcast (.254 in a /24)."""
    network = _network(pod_cidr or DEFAULT_POD_CIDR)
    first = int(network.network_address) + 2
    last = int(network.broadcast_address) - (1 if network.version == 4 else 0)
    skip = rank
    v4 = network.version == 4
    for value in range(first, last + 1):
        # str(ip_address(value)) for IPv4, without building an address object per candidate
        address = f"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}" if v4 \
            else str(ipaddress.ip_address(value))
        if address in used:
            continue
        if skip == 0:
            return address
        skip -= 1
    return None


def _ipv4(text: object) -> int | None:
    """The integer of a dotted-quad IPv4 address written as `allocate_ip` writes one (no leading
    zeros), else None: another spelling is never equal to an address `allocate_ip` offers."""
    if text.__class__ is not str:
        return None
    parts = text.split(".")  # type: ignore[attr-defined]
    if len(parts) != 4:
        return None
    value = 0
    for part in parts:
        if not part.isdigit() or not part.isascii():
            return None
        number = int(part)
        if number > 255 or str(number) != part:
            return None
        value = value << 8 | number
    return value


UNDECIDED = object()  # NodeAddresses.allocate's answer where the index cannot decide (walk the node's pods)


class NodeAddresses:
    """host-local IPAM's state for one node, kept as its pods change (the view's `pod_addresses`).

    It holds what `allocate_ip` is asked with, without walking the node's pods:
    the addresses its live (not Succeeded or Failed), non-hostNetwork pods hold
    (as sorted distinct integers, with a count per address), and those of such
    pods still without an address, by (namespace, name). `allocate` answers as
    the walk over the node's pods does: the `rank`-th lowest free address, the
    rank being the number of waiting pods that sort before the asking one.
    """

    def __init__(self) -> None:
        self._entries: dict = {}  # key -> (uid, address or None, (namespace, name))
        self._counts: dict[str, int] = {}  # address text -> pods holding it
        self._used: list[int] = []  # the distinct IPv4 addresses held, sorted
        self._waiting: list[tuple[str, str]] = []  # (namespace, name) of the pods waiting, sorted
        self._uids: dict = {}  # uid -> pods accounted with it

    def account(self, key: object, pod: dict, sign: int) -> None:
        """Take a pod of this node in (+1) or out (-1)."""
        if sign < 0:
            entry = self._entries.pop(key, None)
            if entry is None:
                return
            uid, address, name = entry
            self._uids[uid] -= 1
            if not self._uids[uid]:
                del self._uids[uid]
            if address is None:
                del self._waiting[bisect.bisect_left(self._waiting, name)]
                return
            self._counts[address] -= 1
            if not self._counts[address]:
                del self._counts[address]
                value = _ipv4(address)
                if value is not None:
                    del self._used[bisect.bisect_left(self._used, value)]
            return
        status = pod.get("status") or {}
        if status.get("phase") in ("Succeeded", "Failed") or (pod.get("spec") or {}).get("hostNetwork"):
            return  # the node's address, or released: not the pod CIDR's
        meta = pod.get("metadata") or {}
        uid, address = meta.get("uid"), status.get("podIP") or None
        name = (meta.get("namespace", ""), meta.get("name", ""))
        self._entries[key] = (uid, address, name)
        self._uids[uid] = self._uids.get(uid, 0) + 1
        if address is None:
            bisect.insort(self._waiting, name)
            return
        if address not in self._counts:
            value = _ipv4(address)
            if value is not None:
                bisect.insort(self._used, value)
        self._counts[address] = self._counts.get(address, 0) + 1

    def allocate(self, pod_cidr: str, key: object, pod: dict) -> "str | None | object":
        """`allocate_ip(pod_cidr, used, rank)` for `pod` (held under `key`) as the walk computes
        `used` and `rank`; UNDECIDED where this index cannot tell (an IPv6 CIDR, another pod with
        the same uid, the pod itself holding an address)."""
        meta = pod.get("metadata") or {}
        uid = meta.get("uid")
        own = self._entries.get(key)
        if own is not None and own[1] is not None:
            return UNDECIDED
        if self._uids.get(uid, 0) - (1 if own is not None and own[0] == uid else 0) > 0:
            return UNDECIDED  # the walk skips every pod with the asking pod's uid
        network = _network(pod_cidr or DEFAULT_POD_CIDR)
        if network.version != 4:
            return UNDECIDED
        rank = bisect.bisect_left(self._waiting, (meta.get("namespace", ""), meta.get("name", "")))
        first = int(network.network_address) + 2
        last = int(network.broadcast_address) - 1
        used = self._used
        lo, hi = bisect.bisect_left(used, first), bisect.bisect_right(used, last)
        # The j-th held address (from lo) has used[j] - first - (j - lo) free ones below it: the
        # first j with more than `rank` below is where the answer falls, `j - lo` held ones under it.
        j = bisect.bisect_right(range(lo, hi), rank + first - lo, key=lambda i: used[i] - i)
        value = first + rank + j
        if value > last:
            return None
        return f"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}"

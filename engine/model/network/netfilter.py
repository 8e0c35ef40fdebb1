"""A packet through kube-proxy's iptables rules: which rules match, where it is DNATed, what it is refused by.

No I/O happens here. `Tables(rules)` takes the `iptables-restore` lines
litekube.model.network.iptables writes for a node (filter and nat) and
`walk(packet, choose)` follows a new TCP connection through them as
netfilter does: nat `KUBE-SERVICES` (PREROUTING for traffic arriving at the
node, OUTPUT for the node's own), jumping into `KUBE-EXT-`, `KUBE-SVC-`,
`KUBE-SEP-` chains, `KUBE-MARK-MASQ` noted without descending; then, if
nothing DNATed it, the filter chains (`KUBE-PROXY-FIREWALL`,
`KUBE-SERVICES`, `KUBE-EXTERNAL-SERVICES`) that REJECT or DROP it.

`-m statistic --mode random --probability p` is where the path splits:
`choose(p)` answers the (matched, weight) outcomes to follow, one drawn
outcome for a seeded pick, both with their weights to list every
endpoint's probability. `-m recent --rcheck` (ClientIP affinity) never
matches: the client is new, so no entry exists yet.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Callable

__all__ = ["Packet", "Outcome", "Tables", "Chooser"]

Chooser = Callable[[float], list[tuple[bool, float]]]
_FLAGS = {"--rcheck", "--set", "--reap"}
_VERDICTS = {"DNAT", "REJECT", "DROP", "ACCEPT"}
_MARK_MASQ = "KUBE-MARK-MASQ"
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')  # iptables-save quotes comments with spaces, nothing else


@dataclass(frozen=True)
class Packet:
    """A new connection as the node sees it."""

    src: str
    dst: str
    dport: int
    proto: str = "tcp"
    src_local: bool = False  # sent by the node itself (OUTPUT)
    dst_local: bool = False  # addressed to one of the node's own addresses


@dataclass(frozen=True)
class Outcome:
    """One way through the rules: its probability, the rules that matched, the verdict (None: no rule took it)."""

    probability: float
    rules: tuple[str, ...]
    verdict: str | None = None
    to: str = ""           # DNAT's --to-destination
    masquerade: bool = False


@dataclass(frozen=True)
class _Rule:
    text: str
    options: tuple[tuple[str, str, bool], ...]  # (option, value, negated)
    target: str

    def get(self, name: str) -> str | None:
        return next((value for option, value, _ in self.options if option == name), None)


def _parse(line: str) -> tuple[str, _Rule]:
    tokens = [m.group(1) if m.group(1) is not None else m.group(2) for m in _TOKEN.finditer(line)]
    chain = tokens[1]
    options: list[tuple[str, str, bool]] = []
    target, negate, i = "", False, 2
    while i < len(tokens):
        token = tokens[i]
        if token == "!":
            negate, i = True, i + 1
            continue
        value = "" if token in _FLAGS or i + 1 >= len(tokens) else tokens[i + 1]
        i += 1 if token in _FLAGS else 2
        if token == "-j":
            target = value
        else:
            options.append((token, value, negate))
        negate = False
    return chain, _Rule(line, tuple(options), target)


def _in(ip: str, cidr: str) -> bool:
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


def _matches(rule: _Rule, pkt: Packet) -> bool:
    """Every match of the rule but `statistic`, which `walk` splits on."""
    for option, value, negated in rule.options:
        if option == "-p":
            ok = value == pkt.proto
        elif option == "-s":
            ok = _in(pkt.src, value)
        elif option == "-d":
            ok = _in(pkt.dst, value)
        elif option == "--dport":
            ok = value == str(pkt.dport)
        elif option == "--dst-type":
            ok = pkt.dst_local if value == "LOCAL" else True
        elif option == "--src-type":
            ok = pkt.src_local if value == "LOCAL" else True
        elif option == "--rcheck":
            ok = False
        else:
            continue
        if ok == negated:
            return False
    return True


class Tables:
    """The filter and nat tables of one node, parsed."""

    def __init__(self, tables: dict[str, list[str]]) -> None:
        self.lines: dict[str, dict[str, list[str]]] = {}
        for table, lines in tables.items():
            chains: dict[str, list[str]] = {}
            for line in lines:
                if line.startswith("-A "):
                    chains.setdefault(line.split(" ", 2)[1], []).append(line)
                elif line.startswith(":"):
                    chains.setdefault(line[1:].split()[0], [])
            self.lines[table] = chains
        self._parsed: dict[tuple[str, str], list[_Rule]] = {}

    def _rules(self, table: str, chain: str) -> list[_Rule]:
        """A chain's rules, parsed when the walk first enters it (a node has tens of thousands)."""
        key = (table, chain)
        if key not in self._parsed:
            self._parsed[key] = [_parse(line)[1] for line in self.lines.get(table, {}).get(chain, [])]
        return self._parsed[key]

    def walk(self, pkt: Packet, choose: Chooser) -> list[Outcome]:
        """Every way the packet goes (one with a seeded `choose`): DNAT, REJECT, DROP, or None (untouched)."""
        out: list[Outcome] = []
        for nat in self._run("nat", "KUBE-SERVICES", 0, pkt, choose, Outcome(1.0, ())):
            if nat.verdict == "DNAT":
                out.append(nat)
                continue
            found = nat
            for chain in ("KUBE-PROXY-FIREWALL", "KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES"):
                filtered = self._run("filter", chain, 0, pkt, choose, Outcome(nat.probability, nat.rules,
                                                                             None, "", nat.masquerade))
                hit = next((o for o in filtered if o.verdict in ("REJECT", "DROP")), None)
                if hit is not None:
                    found = hit
                    break
            out.append(found)
        return out

    def _run(self, table: str, chain: str, start: int, pkt: Packet, choose: Chooser, at: Outcome) -> list[Outcome]:
        rules = self._rules(table, chain)
        for i in range(start, len(rules)):
            rule = rules[i]
            if not _matches(rule, pkt):
                continue
            probability = rule.get("--probability")
            if probability is None:
                return self._apply(table, chain, i, rule, pkt, choose, at)
            out: list[Outcome] = []
            for matched, weight in choose(float(probability)):
                here = Outcome(at.probability * weight, at.rules, None, "", at.masquerade)
                out += self._apply(table, chain, i, rule, pkt, choose, here) if matched \
                    else self._run(table, chain, i + 1, pkt, choose, here)
            return out
        return [at]

    def _apply(self, table: str, chain: str, i: int, rule: _Rule, pkt: Packet, choose: Chooser,
               at: Outcome) -> list[Outcome]:
        here = Outcome(at.probability, (*at.rules, rule.text), None, "", at.masquerade)
        target = rule.target
        if target == _MARK_MASQ:
            return self._run(table, chain, i + 1, pkt, choose, Outcome(here.probability, here.rules, None, "", True))
        if target in _VERDICTS:
            return [Outcome(here.probability, here.rules, target, rule.get("--to-destination") or "",
                            here.masquerade)]
        if target == "RETURN":
            return [here]
        if target in self.lines.get(table, {}):
            out: list[Outcome] = []
            for sub in self._run(table, target, 0, pkt, choose, here):
                out += [sub] if sub.verdict else self._run(table, chain, i + 1, pkt, choose, sub)
            return out
        return self._run(table, chain, i + 1, pkt, choose, here)

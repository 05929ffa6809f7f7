"""FreeSWITCH network lists (ACLs): ``acl.conf.xml``, the built-in ``*.auto`` lists and
FreeSWITCH's matching rules, for ``apply-inbound-acl`` (spec §2, §11.1).

Matching, as FreeSWITCH 1.10's ``switch_network_list_validate_ip*`` does:

* start from the list's default (``default="allow|deny"``, allow when absent);
* among the nodes of the address's family (IPv4 nodes for IPv4 addresses, IPv6 for
  IPv6; an IPv4-mapped IPv6 address counts as IPv4) that contain the address, the one
  with the most mask bits decides; among equally specific ones, the one listed first;
  a ``/0`` node also overrides the default;
* "contains" is FreeSWITCH's subnet test: with a zero mask, a non-zero network address
  matches only itself.

A list name that is not defined but contains ``/`` is read as inline CIDRs
(comma-separated): the address passes when any of them contains it. Any other unknown
name denies. ``apply-inbound-acl`` requires every listed ACL to allow the peer.

Node forms: ``cidr="a.b.c.d/n"`` (also IPv6, also several separated by commas),
``host="a.b.c.d" mask="255.255.255.0"``, and ``domain="example.com"``, which needs a
directory: pass ``domain_users`` (domain -> users with a ``cidr``) to resolve it; the
users' nodes carry the token ``user@domain``. Port attributes are not supported (the
inbound ACL has no port) and are ignored.

Built-in lists come from :func:`builtin_lists`; the ones that depend on the host
(``localnet.auto``, ``nat.auto``) take the local network as a parameter, found by
:func:`pyerlsw.gateway.localnet.discover_local_network` in production.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeElementTree

from .config import switch_true

__all__ = [
    "ACL_CONFIG_NAME",
    "AclDecision",
    "AclError",
    "AclNode",
    "AclRegistry",
    "DomainUser",
    "LocalNetwork",
    "NetworkList",
    "builtin_lists",
    "parse_acl_conf",
]

ACL_CONFIG_NAME = "acl.conf"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AclError(ValueError):
    """An ``acl.conf`` FreeSWITCH could not load at all (bad XML, missing section)."""


@dataclass(frozen=True, slots=True)
class AclNode:
    """One rule: ``network``/``mask`` as integers of the address family."""

    version: int
    network: int
    mask: int
    bits: int
    allow: bool
    token: str | None
    text: str

    def contains(self, address: int) -> bool:
        """FreeSWITCH's ``switch_test_subnet`` / ``switch_testv6_subnet``."""
        if self.mask:
            return address & self.mask == self.network & self.mask
        if self.network:
            return address == self.network
        return True


@dataclass(frozen=True, slots=True)
class AclDecision:
    """The verdict for one address and the token of the deciding node, if any."""

    allowed: bool
    token: str | None = None


def _c_atoi(text: str) -> int:
    text = text.lstrip(" \t\n\v\f\r")
    sign = -1 if text[:1] == "-" else 1
    digits = text[1:] if text[:1] in "+-" and text else text
    count = 0
    while count < len(digits) and digits[count].isdigit() and digits[count].isascii():
        count += 1
    return sign * int(digits[:count]) if count else 0


def parse_cidr(text: str) -> tuple[int, int, int, int]:
    """``switch_parse_cidr``: ``(version, network, mask, bits)``; :class:`ValueError`
    when FreeSWITCH would refuse it (no ``/``, bits out of range, bad address)."""
    host, slash, bits_text = text.partition("/")
    if not slash:
        raise ValueError(f"{text!r} has no '/bits'")
    bits = _c_atoi(bits_text)
    version, width = (6, 128) if ":" in text else (4, 32)
    if not 0 <= bits <= width:
        raise ValueError(f"{text!r}: a /{bits} mask does not fit IPv{version}")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"{text!r}: {host!r} is not an IPv{version} address") from None
    if address.version != version:
        raise ValueError(f"{text!r}: {host!r} is not an IPv{version} address")
    mask = ((1 << width) - 1) ^ ((1 << (width - bits)) - 1)
    return version, int(address), mask, bits


@dataclass(slots=True)
class NetworkList:
    """A named ACL: a default verdict and nodes in the order they were added."""

    name: str
    default_allow: bool
    nodes: list[AclNode] = field(default_factory=list)

    def add_cidr(self, cidrs: str, allow: bool, token: str | None = None) -> list[str]:
        """Add one node per comma-separated CIDR; returns the error text of every CIDR
        that could not be added (the others are added, as in FreeSWITCH)."""
        errors: list[str] = []
        # switch_separate_string trims every comma-separated part
        for cidr in [part.strip() for part in cidrs.split(",")] if "," in cidrs else [cidrs]:
            if not cidr:
                continue
            try:
                version, network, mask, bits = parse_cidr(cidr)
            except ValueError as exc:
                errors.append(f"list {self.name}: cannot add {cidr!r}: {exc}")
                continue
            self.nodes.append(AclNode(version, network, mask, bits, allow, token or None, cidr))
        return errors

    def add_host_mask(self, host: str, mask: str, allow: bool) -> str | None:
        """Add an IPv4 ``host``/``mask`` node (bits = number of set mask bits); returns
        an error text instead when either is not an IPv4 address."""
        try:
            address = ipaddress.IPv4Address(host)
            netmask = ipaddress.IPv4Address(mask)
        except ValueError:
            return f"list {self.name}: cannot add host {host!r} mask {mask!r}"
        bits = int(netmask).bit_count()
        node = AclNode(4, int(address), int(netmask), bits, allow, None, f"{host}:{mask}")
        self.nodes.append(node)
        return None

    def decide(self, address: IPAddress) -> AclDecision:
        """The verdict for ``address`` (see the module docstring)."""
        address = _unmapped(address)
        version = address.version
        number = int(address)
        best_bits = -1
        decision = AclDecision(self.default_allow)
        for node in self.nodes:
            if node.version == version and node.bits > best_bits and node.contains(number):
                best_bits = node.bits
                decision = AclDecision(node.allow, node.token)
        return decision


def _unmapped(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _as_address(address: str | IPAddress) -> IPAddress | None:
    if isinstance(address, str):
        try:
            return ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return None
    return address


class AclRegistry:
    """Every network list by name (case-sensitive), built-in and configured."""

    __slots__ = ("_lists",)

    def __init__(self, lists: Mapping[str, NetworkList]) -> None:
        self._lists = dict(lists)

    @property
    def names(self) -> tuple[str, ...]:
        """Defined list names."""
        return tuple(self._lists)

    def get(self, name: str) -> NetworkList | None:
        """A list by name."""
        return self._lists.get(name)

    def check(self, address: str | IPAddress, list_name: str) -> AclDecision:
        """``switch_check_network_list_ip_token``: a defined list decides; an undefined
        name with ``/`` is inline CIDRs; anything else (or a bad address) denies."""
        parsed = _as_address(address)
        if parsed is None:
            return AclDecision(False)
        parsed = _unmapped(parsed)
        found = self._lists.get(list_name)
        if found is not None:
            return found.decide(parsed)
        if "/" in list_name:
            inline = NetworkList(list_name, False)
            inline.add_cidr(list_name, True)
            return AclDecision(any(
                node.version == parsed.version and node.contains(int(parsed))
                for node in inline.nodes
            ))  # fmt: skip
        return AclDecision(False)

    def allows_all(self, address: str | IPAddress, list_names: Iterable[str]) -> bool:
        """Whether every list allows ``address`` (``apply-inbound-acl``; none -> True)."""
        return all(self.check(address, name).allowed for name in list_names)


# ---------------------------------------------------------------- built-in lists


@dataclass(frozen=True, slots=True)
class LocalNetwork:
    """The host's main IPv4 address and netmask (FreeSWITCH's ``guess_ip``/mask)."""

    address: ipaddress.IPv4Address
    netmask: ipaddress.IPv4Address


_PRIVATE_V4 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
_NOT_WAN_V4 = ("0.0.0.0/8", *_PRIVATE_V4, "169.254.0.0/16", "100.64.0.0/10")


def _list(name: str, default_allow: bool, allow: bool, cidrs: Iterable[str]) -> NetworkList:
    built = NetworkList(name, default_allow)
    for cidr in cidrs:
        built.add_cidr(cidr, allow)
    return built


def builtin_lists(local: LocalNetwork | None) -> dict[str, NetworkList]:
    """FreeSWITCH's automatic lists. Without ``local`` (unknown local network),
    ``localnet.auto`` is empty (denies all) and ``nat.auto`` has no local exception."""
    lists = [
        _list("rfc6598.auto", False, True, ["100.64.0.0/10"]),
        _list("rfc1918.auto", False, True, [*_PRIVATE_V4, "fe80::/10"]),
        _list("wan.auto", True, False, [*_NOT_WAN_V4, "fe80::/10"]),
        _list("wan_v6.auto", True, False, ["0.0.0.0/0", "fe80::/10"]),
        _list("wan_v4.auto", True, False, [*_NOT_WAN_V4, "::/0"]),
        _list("any_v6.auto", True, False, ["0.0.0.0/0"]),
        _list("any_v4.auto", True, False, ["::/0"]),
    ]
    nat = NetworkList("nat.auto", False)
    localnet = NetworkList("localnet.auto", False)
    if local is not None:
        nat.add_host_mask(str(local.address), str(local.netmask), False)
        localnet.add_host_mask(str(local.address), str(local.netmask), True)
    for cidr in (*_PRIVATE_V4, "100.64.0.0/10"):
        nat.add_cidr(cidr, True)
    lists += [nat, _list("loopback.auto", False, True, ["127.0.0.0/8", "::1/128"]), localnet]
    return {item.name: item for item in lists}


# ---------------------------------------------------------------- acl.conf.xml


@dataclass(frozen=True, slots=True)
class DomainUser:
    """A directory user with a ``cidr`` attribute, for ``<node domain=...>``."""

    id: str
    cidr: str


DomainUsers = Callable[[str], Iterable[DomainUser] | None]


def _find_configuration(root: Element) -> Element | None:
    for element in root.iter("configuration"):
        if element.get("name") == ACL_CONFIG_NAME:
            return element
    return None


def _type_allows(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return bool(switch_true(value))


def _add_node(target: NetworkList, node: Element, domain_users: DomainUsers | None,
              warnings: list[str]) -> None:  # fmt: skip
    allow = _type_allows(node.get("type"), target.default_allow)
    domain = node.get("domain")
    cidr = node.get("cidr")
    host, mask = node.get("host"), node.get("mask")
    if domain is not None:
        users = domain_users(domain) if domain_users is not None else None
        if users is None:
            warnings.append(f"list {target.name}: cannot locate domain {domain}")
            return
        for user in users:
            warnings.extend(target.add_cidr(user.cidr, allow, f"{user.id}@{domain}"))
    elif cidr is not None:
        warnings.extend(target.add_cidr(cidr, allow))
    elif host is not None and mask is not None:
        problem = target.add_host_mask(host, mask, allow)
        if problem:
            warnings.append(problem)


def parse_acl_conf(
    data: bytes | str,
    source: str = f"{ACL_CONFIG_NAME}.xml",
    *,
    domain_users: DomainUsers | None = None,
) -> tuple[dict[str, NetworkList], list[str]]:
    """The lists of an ``acl.conf`` document and the problems FreeSWITCH would log
    (nodes it skips). Raises :class:`AclError` when the document is unusable.

    Lists without a name are skipped; a later list replaces an earlier one of the
    same name (and a built-in one, when merged with :func:`builtin_lists`).
    """
    try:
        root = SafeElementTree.fromstring(data)
    except Exception as exc:
        raise AclError(f"{source}: not usable XML: {exc}") from None
    configuration = _find_configuration(root)
    if configuration is None:
        raise AclError(f'{source}: no <configuration name="{ACL_CONFIG_NAME}">')
    lists: dict[str, NetworkList] = {}
    warnings: list[str] = []
    for section in configuration.findall("network-lists"):
        for element in section.findall("list"):
            name = element.get("name")
            if not name:
                warnings.append(f"{source}: a <list> without a name was skipped")
                continue
            default = element.get("default")
            target = NetworkList(name, bool(switch_true(default)) if default is not None else True)
            for node in element.findall("node"):
                _add_node(target, node, domain_users, warnings)
            lists[name] = target
    return lists, [w if w.startswith(source) else f"{source}: {w}" for w in warnings]

"""Find the host's main IPv4 address and netmask, for the ``localnet.auto`` and
``nat.auto`` ACLs (FreeSWITCH's ``switch_find_local_ip``).

This is the only part of the ACL code that looks at the machine; call it once at
start-up and pass the result to :func:`pyerlsw.gateway.acl.builtin_lists` (tests pass a
fixed :class:`~pyerlsw.gateway.acl.LocalNetwork` instead). It sends no packets: the
address is the source address the kernel would pick for a public destination, the
netmask comes from the interface that holds it (Linux ``SIOCGIFNETMASK``); where that
cannot be read the netmask is ``255.255.255.255``.
"""

from __future__ import annotations

import ipaddress
import socket
import struct

from .acl import LocalNetwork

__all__ = ["discover_local_network"]

_SIOCGIFADDR = 0x8915
_SIOCGIFNETMASK = 0x891B
_PROBE_DESTINATION = ("192.0.2.1", 9)  # TEST-NET-1: routed like any public address


def _primary_ipv4() -> ipaddress.IPv4Address | None:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(_PROBE_DESTINATION)  # UDP connect: no packet is sent
            return ipaddress.IPv4Address(probe.getsockname()[0])
    except OSError:
        return None


def _interface_ipv4(sock: socket.socket, name: str, request: int) -> ipaddress.IPv4Address | None:
    import fcntl

    packed = struct.pack("256s", name.encode()[:15])
    try:
        answer = fcntl.ioctl(sock.fileno(), request, packed)
    except OSError:
        return None
    return ipaddress.IPv4Address(answer[20:24])


def _netmask_of(address: ipaddress.IPv4Address) -> ipaddress.IPv4Address | None:
    try:
        interfaces = socket.if_nameindex()
    except (OSError, AttributeError):
        return None
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for _, name in interfaces:
                if _interface_ipv4(sock, name, _SIOCGIFADDR) == address:
                    return _interface_ipv4(sock, name, _SIOCGIFNETMASK)
    except (OSError, ImportError):
        return None
    return None


def discover_local_network() -> LocalNetwork | None:
    """The main IPv4 address with its netmask, or ``None`` without IPv4 routing."""
    address = _primary_ipv4()
    if address is None:
        return None
    netmask = _netmask_of(address) or ipaddress.IPv4Address("255.255.255.255")
    return LocalNetwork(address, netmask)

"""Network lists: acl.conf.xml, built-in lists, FreeSWITCH's matching rules."""

from __future__ import annotations

import ipaddress

import pytest

from pyerlsw.gateway.acl import (
    AclDecision,
    AclError,
    AclRegistry,
    DomainUser,
    LocalNetwork,
    NetworkList,
    builtin_lists,
    parse_acl_conf,
    parse_cidr,
)
from pyerlsw.gateway.localnet import discover_local_network

LOCAL = LocalNetwork(ipaddress.IPv4Address("192.168.1.20"), ipaddress.IPv4Address("255.255.255.0"))

ACL_CONF = b"""
<configuration name="acl.conf" description="Network Lists">
  <network-lists>
    <list name="lan" default="allow">
      <node type="deny" cidr="192.168.42.0/24"/>
      <node type="allow" cidr="192.168.42.42/32"/>
    </list>
    <list name="office" default="deny">
      <node type="allow" cidr="10.0.0.0/8, 2001:db8::/32"/>
      <node type="deny" cidr="10.1.0.0/16"/>
      <node type="allow" host="10.1.2.0" mask="255.255.255.0"/>
    </list>
    <list name="ties" default="deny">
      <node type="allow" cidr="172.16.0.0/12"/>
      <node type="deny" cidr="172.16.0.0/12"/>
    </list>
    <list name="domains" default="deny">
      <node type="allow" domain="example.com"/>
      <node type="allow" domain="unknown.example"/>
    </list>
    <list name="everything" default="deny">
      <node type="allow" cidr="0.0.0.0/0"/>
    </list>
    <list name="nodefault">
      <node type="deny" cidr="8.8.8.8/32"/>
      <node cidr="9.9.9.0/24"/>
    </list>
    <list name="broken" default="deny">
      <node type="allow" cidr="10.0.0.0"/>
      <node type="allow" cidr="10.0.0.0/33"/>
      <node type="allow" cidr="banana/8"/>
      <node type="allow" host="x" mask="255.0.0.0"/>
      <node type="allow" cidr="11.0.0.0/8"/>
    </list>
    <list name="loopback.auto" default="allow"/>
    <list default="allow"/>
  </network-lists>
</configuration>
"""


def users(domain: str):
    if domain == "example.com":
        return [DomainUser("1000", "203.0.113.10/32"), DomainUser("1001", "203.0.113.64/26")]
    return None


@pytest.fixture
def registry() -> AclRegistry:
    lists = builtin_lists(LOCAL)
    configured, _ = parse_acl_conf(ACL_CONF, domain_users=users)
    lists.update(configured)
    return AclRegistry(lists)


@pytest.mark.parametrize(
    ("name", "address", "allowed"),
    [
        ("lan", "192.168.42.1", False),
        ("lan", "192.168.42.42", True),  # the more specific node wins
        ("lan", "192.168.43.1", True),  # the default
        ("lan", "2001:db8::1", True),  # IPv4 nodes never apply to IPv6
        ("office", "10.9.9.9", True),
        ("office", "10.1.9.9", False),
        ("office", "10.1.2.3", True),  # host/mask node: 24 bits beat 16
        ("office", "11.0.0.1", False),
        ("office", "2001:db8:1::5", True),
        ("office", "2001:db9::5", False),
        ("office", "::ffff:10.9.9.9", True),  # IPv4-mapped counts as IPv4
        ("ties", "172.16.5.5", True),  # equally specific: the first listed wins
        ("everything", "1.2.3.4", True),  # a /0 node overrides the default
        ("everything", "::1", False),
        ("nodefault", "8.8.8.8", False),
        ("nodefault", "8.8.4.4", True),  # no default attribute: allow
        ("nodefault", "9.9.9.9", True),  # no type: the list default
        ("broken", "10.0.0.1", False),  # unparsable nodes were skipped
        ("broken", "11.1.1.1", True),
        ("loopback.auto", "8.8.8.8", True),  # a configured list replaces the built-in
        ("no-such-list", "127.0.0.1", False),
        ("10.0.0.0/8", "10.2.3.4", True),  # undefined names with '/' are inline CIDRs
        ("10.0.0.0/8,192.168.0.0/16", "192.168.7.7", True),
        ("10.0.0.0/8", "11.2.3.4", False),
        ("::1/128", "::1", True),
        ("lan", "not-an-address", False),
    ],
)
def test_configured_lists(registry, name, address, allowed):
    assert registry.check(address, name).allowed is allowed


def test_domain_tokens(registry):
    assert registry.check("203.0.113.10", "domains") == AclDecision(True, "1000@example.com")
    assert registry.check("203.0.113.70", "domains") == AclDecision(True, "1001@example.com")
    assert registry.check("203.0.113.11", "domains") == AclDecision(False, None)


def test_parse_warnings():
    _, warnings = parse_acl_conf(ACL_CONF, "acl.conf.xml", domain_users=users)
    text = "\n".join(warnings)
    assert "cannot locate domain unknown.example" in text
    assert "'10.0.0.0'" in text and "/33" in text and "banana" in text and "'x'" in text
    assert "without a name" in text
    assert all(w.startswith("acl.conf.xml: ") for w in warnings)
    _, warnings = parse_acl_conf(ACL_CONF)  # no directory at all
    assert "cannot locate domain example.com" in "\n".join(warnings)


@pytest.mark.parametrize(
    ("name", "address", "allowed"),
    [
        ("loopback.auto", "127.0.0.1", True),
        ("loopback.auto", "127.9.9.9", True),
        ("loopback.auto", "::1", True),
        ("loopback.auto", "10.0.0.1", False),
        ("rfc1918.auto", "10.0.0.1", True),
        ("rfc1918.auto", "172.31.255.255", True),
        ("rfc1918.auto", "172.32.0.1", False),
        ("rfc1918.auto", "fe80::1", True),
        ("rfc6598.auto", "100.64.0.1", True),
        ("rfc6598.auto", "100.128.0.1", False),
        ("wan.auto", "8.8.8.8", True),
        ("wan.auto", "192.168.1.1", False),
        ("wan.auto", "169.254.1.1", False),
        ("wan.auto", "2001:db8::1", True),
        ("wan_v4.auto", "8.8.8.8", True),
        ("wan_v4.auto", "2001:db8::1", False),
        ("wan_v6.auto", "8.8.8.8", False),
        ("wan_v6.auto", "2001:db8::1", True),
        ("wan_v6.auto", "fe80::1", False),
        ("any_v4.auto", "8.8.8.8", True),
        ("any_v4.auto", "::1", False),
        ("any_v6.auto", "::1", True),
        ("any_v6.auto", "8.8.8.8", False),
        ("localnet.auto", "192.168.1.77", True),
        ("localnet.auto", "192.168.2.77", False),
        ("nat.auto", "192.168.1.77", False),  # our own LAN is not behind NAT
        ("nat.auto", "192.168.2.77", True),
        ("nat.auto", "100.64.3.3", True),
        ("nat.auto", "8.8.8.8", False),
    ],
)
def test_builtin_lists(name, address, allowed):
    registry = AclRegistry(builtin_lists(LOCAL))
    assert registry.check(address, name).allowed is allowed


def test_builtin_lists_without_local_network():
    registry = AclRegistry(builtin_lists(None))
    assert not registry.check("192.168.1.77", "localnet.auto").allowed
    assert registry.check("192.168.1.77", "nat.auto").allowed


def test_allows_all_is_an_and(registry):
    assert registry.allows_all("127.0.0.1", [])
    assert registry.allows_all("192.168.1.5", ["rfc1918.auto", "localnet.auto"])
    assert not registry.allows_all("192.168.1.5", ["rfc1918.auto", "office"])


def test_zero_mask_with_a_network_matches_only_itself():
    acl = NetworkList("odd", False)
    assert acl.add_cidr("10.0.0.1/0", True) == []
    assert acl.decide(ipaddress.ip_address("10.0.0.1")).allowed
    assert not acl.decide(ipaddress.ip_address("10.0.0.2")).allowed


def test_parse_cidr():
    assert parse_cidr("192.168.0.0/16") == (4, 0xC0A80000, 0xFFFF0000, 16)
    assert parse_cidr("::1/128")[3] == 128
    assert parse_cidr("10.0.0.0/ 8x")[3] == 8  # C atoi
    for bad in ("10.0.0.0", "10.0.0.0/-1", "::/129", "10.0.0.256/8", "1.2.3.4/8:"):
        with pytest.raises(ValueError):
            parse_cidr(bad)


@pytest.mark.parametrize(
    "data", [b"<configuration", b"<configuration name='other.conf'/>", b"<x/>"]
)
def test_unusable_documents(data):
    with pytest.raises(AclError):
        parse_acl_conf(data)


def test_discover_local_network_smoke():
    found = discover_local_network()
    assert found is None or isinstance(found, LocalNetwork)

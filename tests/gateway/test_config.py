"""erlang_event.conf.xml parsing, validation errors and cookie resolution (§2)."""

from __future__ import annotations

import os
from importlib import resources

import pytest

from pyerlsw.gateway.config import (
    DEFAULT_COOKIE,
    ConfigError,
    CookieFileError,
    CookieSource,
    ErlangEventConfig,
    load_config,
    parse_config,
    read_cookie_file,
    resolve_cookie,
    switch_true,
)
from pyerlsw.gateway.text import Encoding


def conf(*params: tuple[str, str], name: str = "erlang_event.conf") -> bytes:
    body = "".join(f'<param name="{k}" value="{v}"/>' for k, v in params)
    return f'<configuration name="{name}"><settings>{body}</settings></configuration>'.encode()


def test_defaults():
    config = parse_config(conf())
    assert config == ErlangEventConfig()
    assert config.listen_ip == "0.0.0.0"
    assert config.listen_port == 8031
    assert config.nodename == "freeswitch"
    assert config.shortname is True
    assert config.encoding is Encoding.STRING
    assert config.compat_rel is None
    assert config.apply_inbound_acl == ()
    assert (config.max_event_bulk, config.max_log_bulk) == (1, 1)
    assert config.stop_on_bind_error is False
    assert config.max_event_queue == config.max_log_queue == config.max_call_event_queue == 100_000


def test_shipped_sample_parses():
    sample = resources.files("pyerlsw.gateway") / "defaults" / "erlang_event.conf.xml"
    config = parse_config(sample.read_bytes())
    assert config.cookie_sources == (CookieSource(kind="cookie", value="ClueCon"),)


def test_every_parameter():
    config = parse_config(
        conf(
            ("listen-ip", "127.0.0.1"),
            ("listen-port", "9031"),
            ("nodename", "fs@example.com"),
            ("cookie", "first"),
            ("cookie-file", "/tmp/c"),
            ("shortname", "false"),
            ("encoding", "BINARY"),
            ("compat-rel", "12"),
            ("apply-inbound-acl", "lan"),
            ("APPLY-INBOUND-ACL", "loopback.auto"),
            ("Max-Event-Bulk", "10"),
            ("max-log-bulk", "0"),
            ("stop-on-bind-error", "yes"),
            ("max-event-queue", "5"),
            ("max-log-queue", "6"),
            ("max-call-event-queue", "7"),
            ("nat-map", "false"),
        )
    )
    assert config.listen_ip == "127.0.0.1"
    assert config.listen_port == 9031
    assert config.nodename == "fs@example.com"
    assert config.cookie_sources == (
        CookieSource(kind="cookie", value="first"),
        CookieSource(kind="cookie-file", value="/tmp/c"),
    )
    assert config.shortname is False
    assert config.encoding is Encoding.BINARY
    assert config.compat_rel == 12
    assert config.apply_inbound_acl == ("lan", "loopback.auto")
    assert (config.max_event_bulk, config.max_log_bulk) == (10, 0)
    assert config.stop_on_bind_error is True
    assert (config.max_event_queue, config.max_log_queue, config.max_call_event_queue) == (5, 6, 7)
    assert config.ignored_params == ("nat-map",)


def test_case_sensitive_names_and_last_value_wins():
    config = parse_config(conf(("Listen-Port", "9"), ("listen-port", "1"), ("listen-port", "2")))
    assert config.listen_port == 2
    assert config.ignored_params == ("Listen-Port",)


def test_special_values():
    assert parse_config(conf(("listen-ip", "*"))).listen_ip == "0.0.0.0"
    assert parse_config(conf(("listen-ip", "::"))).listen_ip == "::"
    assert parse_config(conf(("listen-port", "0"))).listen_port == 8031
    assert parse_config(conf(("max-event-bulk", "-1"))).max_event_bulk == -1
    assert parse_config(conf(("cookie", ""))).cookie_sources == ()


def test_found_inside_a_bigger_document():
    document = (
        b'<document type="freeswitch/xml"><section name="configuration">'
        + conf(("nodename", "x"), name="other.conf")
        + conf(("nodename", "fs"))
        + b"</section></document>"
    )
    assert parse_config(document).nodename == "fs"


@pytest.mark.parametrize(
    ("params", "param", "fragment"),
    [
        ((("listen-ip", "localhost"),), "listen-ip", "IPv4/IPv6 address"),
        ((("listen-port", "80x"),), "listen-port", "integer"),
        ((("listen-port", "70000"),), "listen-port", "65535"),
        ((("listen-port", "-1"),), "listen-port", "greater than or equal to 1"),
        ((("nodename", "a b"),), "nodename", "without spaces"),
        ((("nodename", "fs@"),), "nodename", "name@host"),
        ((("nodename", ""),), "nodename", ""),
        ((("shortname", "maybe"),), "shortname", "boolean"),
        ((("encoding", "latin1"),), "encoding", "'string' or 'binary'"),
        ((("compat-rel", "6"),), "compat-rel", "7"),
        ((("compat-rel", "R12"),), "compat-rel", "integer"),
        ((("max-event-bulk", "lots"),), "max-event-bulk", "integer"),
        ((("stop-on-bind-error", "perhaps"),), "stop-on-bind-error", "boolean"),
        ((("max-event-queue", "0"),), "max-event-queue", "greater than or equal to 1"),
        ((("apply-inbound-acl", " "),), "apply-inbound-acl", "empty"),
        (tuple(("apply-inbound-acl", f"acl{i}") for i in range(101)), "apply-inbound-acl", "100"),
    ],
)
def test_validation_errors_name_file_and_param(params, param, fragment):
    with pytest.raises(ConfigError) as info:
        parse_config(conf(*params), "/etc/fs/erlang_event.conf.xml")
    error = info.value
    assert error.param == param
    assert error.source == "/etc/fs/erlang_event.conf.xml"
    message = str(error)
    assert message.startswith(f"/etc/fs/erlang_event.conf.xml: param {param!r}: ")
    assert fragment in message


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"<configuration", "not usable XML"),
        (b"<configuration name='acl.conf'/>", "no <configuration"),
        (b'<configuration name="erlang_event.conf"><settings><param name="x"/></settings>'
         b"</configuration>", "needs both name and value"),
        (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><configuration name="erlang_event.conf"/>',
         "not usable XML"),
    ],
)  # fmt: skip
def test_document_errors(data, fragment):
    with pytest.raises(ConfigError, match=fragment):
        parse_config(data, "f.xml")


def test_load_config(tmp_path):
    path = tmp_path / "erlang_event.conf.xml"
    path.write_bytes(conf(("nodename", "fs1")))
    assert load_config(path).nodename == "fs1"
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.xml")


def test_switch_true():
    assert [switch_true(v) for v in ("yes", "ON", "t", "allow", "1", "42")] == [True] * 6
    assert [switch_true(v) for v in ("no", "off", "F", "disallow", "0")] == [False] * 5
    assert switch_true("maybe") is None


# ---------------------------------------------------------------- cookies


def test_cookie_file_rules(tmp_path):
    good = tmp_path / "good"
    good.write_bytes(b"SECRET\nsecond line")
    good.chmod(0o600)
    assert read_cookie_file(good) == "SECRET"
    crlf = tmp_path / "crlf"
    crlf.write_bytes(b"ABC\r\n")
    crlf.chmod(0o400)
    assert read_cookie_file(crlf) == "ABC"
    shared = tmp_path / "shared"
    shared.write_bytes(b"X")
    shared.chmod(0o640)
    with pytest.raises(ValueError, match="group/others"):
        read_cookie_file(shared)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 257)
    big.chmod(0o600)
    with pytest.raises(ValueError, match="256"):
        read_cookie_file(big)
    with pytest.raises(ValueError, match="cannot read"):
        read_cookie_file(tmp_path / "missing")


def _reader(files: dict[str, str]):
    def read(path: str) -> str:
        if path not in files:
            raise CookieFileError(f"no {path}")
        return files[path]

    return read


def test_resolve_cookie_document_order():
    config = parse_config(conf(("cookie-file", "/a"), ("cookie", "literal"), ("cookie-file", "/b")))
    chosen = resolve_cookie(config, environ={}, read_file=_reader({"/a": "A", "/b": "B"}))
    assert (chosen.cookie, chosen.origin, chosen.problems) == ("B", "cookie-file /b", ())
    # an unusable file is reported and skipped: the earlier cookie stays
    chosen = resolve_cookie(config, environ={}, read_file=_reader({"/a": "A"}))
    assert chosen.cookie == "literal"
    assert chosen.problems and "/b" in chosen.problems[0]


def test_resolve_cookie_home_then_default():
    config = parse_config(conf())
    home_cookie = os.path.join("/home/u", ".erlang.cookie")
    chosen = resolve_cookie(config, environ={"HOME": "/home/u"},
                            read_file=_reader({home_cookie: "H"}))  # fmt: skip
    assert (chosen.cookie, chosen.origin) == ("H", home_cookie)
    chosen = resolve_cookie(config, environ={"HOME": "/home/u"}, read_file=_reader({}))
    assert chosen.cookie == DEFAULT_COOKIE
    assert len(chosen.problems) == 2
    assert resolve_cookie(config, environ={}, read_file=_reader({})).origin == "default"

"""pyerlsw.config: conf directory + pyerlsw.toml + flags -> RunConfig, or a StartupError
naming the file and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyerlsw.config import CliOverrides, StartupError, conf_tree, load_run_config

EE = """<configuration name="erlang_event.conf" description="Erlang Socket Client">
  <settings>
    <param name="listen-ip" value="127.0.0.1"/>
    <param name="listen-port" value="{port}"/>
    <param name="nodename" value="{node}"/>
    <param name="cookie" value="Secret1"/>
    <param name="encoding" value="{encoding}"/>
  </settings>
</configuration>
"""


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_embedded_defaults() -> None:
    cfg = load_run_config(None)
    assert cfg.erlang_event.nodename == "freeswitch"
    assert cfg.erlang_event.listen_port == 8031
    assert cfg.erlang_event.shortname is True
    assert str(cfg.erlang_event.encoding.value) == "string"
    assert cfg.extensions_conf is None
    assert any(rel.startswith("dialplan/") for rel in cfg.conf_files)
    assert cfg.switch.clock == "real"


def test_conf_dir_files_override_per_file(tmp_path: Path) -> None:
    write(tmp_path, "autoload_configs/erlang_event.conf.xml",
          EE.format(port=9031, node="sw", encoding="binary"))
    write(tmp_path, "extensions.conf", "[devices]\nexten => 201,1,Answer()\n")
    cfg = load_run_config(tmp_path)
    assert cfg.erlang_event.listen_port == 9031
    assert cfg.erlang_event.nodename == "sw"
    assert str(cfg.erlang_event.encoding.value) == "binary"
    assert cfg.extensions_conf == tmp_path / "extensions.conf"
    # no dialplan/ in the conf dir: the embedded dialplan stays
    assert "dialplan/default.xml" in cfg.conf_files
    assert "erlang_event" in cfg.sources["erlang_event"]


def test_user_dialplan_replaces_the_embedded_one(tmp_path: Path) -> None:
    write(tmp_path, "dialplan/mine.xml",
          '<include><context name="mine"><extension name="x"/></context></include>')
    tree = conf_tree(tmp_path)
    assert "dialplan/mine.xml" in tree
    assert "dialplan/default.xml" not in tree
    assert any(rel.startswith("directory/") for rel in tree)


def test_flags_override_files(tmp_path: Path) -> None:
    write(tmp_path, "autoload_configs/erlang_event.conf.xml",
          EE.format(port=9031, node="sw", encoding="string"))
    cfg = load_run_config(tmp_path, CliOverrides(sname="other", listen_port=9999,
                                                  encoding="binary", clock="virtual"))
    assert cfg.erlang_event.nodename == "other"
    assert cfg.erlang_event.listen_port == 9999
    assert str(cfg.erlang_event.encoding.value) == "binary"
    assert cfg.switch.clock == "virtual"
    full = load_run_config(None, CliOverrides(name="fs@example.org"))
    assert full.erlang_event.nodename == "fs@example.org"


def test_pyerlsw_toml(tmp_path: Path) -> None:
    write(tmp_path, "pyerlsw.toml", """
data_dir = "var"
[switch]
hostname = "box"
clock = "virtual"
[devices.alice]
sim_answer_after = "2"
[asterisk]
astdb = "db.sqlite3"
""")
    cfg = load_run_config(tmp_path)
    assert cfg.switch.hostname == "box"
    assert cfg.switch.devices["alice"] == {"sim_answer_after": "2"}
    assert cfg.data_dir == (tmp_path / "var").resolve()
    assert cfg.asterisk.astdb == "db.sqlite3"


@pytest.mark.parametrize(
    ("rel", "text", "needle"),
    [
        ("autoload_configs/erlang_event.conf.xml", "<configuration><settings>", "erlang_event"),
        ("autoload_configs/erlang_event.conf.xml",
         EE.format(port=8031, node="fs", encoding="ebcdic"), "encoding"),
        ("pyerlsw.toml", "[switch\nhostname=1", "pyerlsw.toml"),
        ("pyerlsw.toml", "[switch]\nno_such_key = 1\n", "no_such_key"),
        ("pyerlsw.toml", "bogus = 1\n", "bogus"),
    ],
)
def test_bad_configuration_names_file_and_problem(
    tmp_path: Path, rel: str, text: str, needle: str
) -> None:
    write(tmp_path, rel, text)
    with pytest.raises(StartupError) as info:
        load_run_config(tmp_path)
    message = str(info.value)
    assert needle in message
    assert str(tmp_path) in message or "embedded" not in message


def test_bad_flags() -> None:
    with pytest.raises(StartupError, match="--name"):
        load_run_config(None, CliOverrides(name="nohost"))
    with pytest.raises(StartupError, match="only one"):
        load_run_config(None, CliOverrides(name="a@b", sname="a"))
    with pytest.raises(StartupError, match="encoding"):
        load_run_config(None, CliOverrides(encoding="ebcdic"))
    with pytest.raises(StartupError, match="does not exist"):
        load_run_config("/nonexistent/conf/dir")


def test_cookie_flag_wins_over_files(tmp_path: Path) -> None:
    from pyerlsw.gateway.config import resolve_cookie

    write(tmp_path, "autoload_configs/erlang_event.conf.xml",
          EE.format(port=8031, node="fs", encoding="string"))
    assert resolve_cookie(load_run_config(tmp_path).erlang_event).cookie == "Secret1"
    flagged = load_run_config(tmp_path, CliOverrides(cookie="FromFlag"))
    assert resolve_cookie(flagged.erlang_event).cookie == "FromFlag"
    with pytest.raises(StartupError, match="--cookie"):
        load_run_config(None, CliOverrides(cookie=""))


def test_acl_conf_lists_join_the_builtin_ones(tmp_path: Path) -> None:
    from pyerlsw.runner import _acl_registry

    write(tmp_path, "autoload_configs/acl.conf.xml", """
<configuration name="acl.conf"><network-lists>
  <list name="office" default="deny"><node type="allow" cidr="10.1.0.0/16"/></list>
</network-lists></configuration>""")
    registry = _acl_registry(load_run_config(tmp_path))
    assert registry.check("10.1.2.3", "office").allowed
    assert not registry.check("10.2.0.1", "office").allowed
    assert registry.check("127.0.0.1", "loopback.auto").allowed
    write(tmp_path, "autoload_configs/acl.conf.xml", "<configuration")
    with pytest.raises(StartupError, match=r"acl\.conf\.xml"):
        _acl_registry(load_run_config(tmp_path))


async def test_astdb_defaults_to_a_file_under_data_dir_and_survives_a_restart(
    tmp_path: Path,
) -> None:
    """Issue #5: AstDB is a real SQLite file, by default ``<data_dir>/astdb.sqlite3``."""
    from pyerlsw.runner import _install_asterisk
    from pyerlsw.switch.asterisk.install import uninstall_asterisk
    from tests.switch.support import make_switch

    write(tmp_path, "pyerlsw.toml", 'data_dir = "var"\n[asterisk]\nspool = false\n')
    cfg = load_run_config(tmp_path)
    for value in ("put phones 201/device SIP/0004f2040001", "get phones 201/device"):
        switch = make_switch()
        await switch.start()
        layer = _install_asterisk(switch, cfg)
        try:
            result = await switch.api("database", value)
        finally:
            await switch.stop()
            uninstall_asterisk(layer)
    assert result.output == "Value: SIP/0004f2040001\n"
    assert (tmp_path / "var" / "astdb.sqlite3").is_file()

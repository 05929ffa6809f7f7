"""The embedded extensions.conf (what `pyerlsw run` loads without --conf): every seed
example in it parses without a warning and runs."""

from __future__ import annotations

from importlib.resources import files

from tests.switch.asterisk.conftest import Factory

EMBEDDED = files("pyerlsw.switch.asterisk").joinpath("defaults/extensions.conf").read_text()


async def test_embedded_dialplan_parses_cleanly(asterisk: Factory) -> None:
    ast = await asterisk(EMBEDDED)
    problems = [line for line in ast.lines(level=4)
                if "extensions.conf" in line or "WARNING" in line or "ERROR" in line]
    assert problems == []
    for context in ("devices", "extensions-delay", "devices-callerid", "devices-callfile",
                    "devices-parallel", "internal-limit", "internal-outer", "hdlr1", "default"):
        assert context in ast.layer.dialplan.contexts


async def test_trivial_local_example_runs(asterisk: Factory) -> None:
    ast = await asterisk(EMBEDDED)
    await ast.call("201", "devices", name="SIP/caller-00000001")
    await ast.settle(5)
    assert any("Made it to the Local channel" in line for line in ast.lines())
    assert ast.named("SIP/some-named-extension") is not None


async def test_cascading_handlers_run(asterisk: Factory) -> None:
    ast = await asterisk(EMBEDDED)
    caller = await ast.call("cascade", "default", name="SIP/alice-00000001")
    await ast.ended(caller)
    executed = [line for line in ast.asterisk_lines() if line.startswith(" Executed")]
    assert executed == [" Executed First", " Executed Second", " Executed Third"]


async def test_delay_example_dials_cellphone_six_seconds_later(asterisk: Factory) -> None:
    ast = await asterisk(EMBEDDED, devices={"0004f2040001": {"sim_result": "noanswer"}})
    await ast.call("201", "devices-delay", name="SIP/caller-00000002")
    await ast.settle(10)
    created = {e.get("Channel-Name"): float(e.get("Event-Date-Timestamp") or 0) / 1e6
               for e in ast.fired("CHANNEL_CREATE")}
    desk = next(t for n, t in created.items() if n and n.startswith("SIP/0004f2040001"))
    cell = next(t for n, t in created.items() if n and n.startswith("DAHDI/"))
    assert round(cell - desk) == 6

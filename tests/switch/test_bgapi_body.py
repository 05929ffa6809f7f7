"""BACKGROUND_JOB bodies: mod_erlang_event's flavour keeps empty output empty (spec
§4.3); mod_commands' bgapi reports it as 'Command returned no output!'."""

from __future__ import annotations

from pyerlsw.switch import Switch


async def _job_body(job_successful_header: bool) -> tuple[str | None, str | None]:
    async with Switch(clock="virtual", heartbeat_interval=None) as switch:
        jobs = switch.subscribe("BACKGROUND_JOB")
        switch.bgapi("global_getvar", "no_such_variable",
                     job_successful_header=job_successful_header)
        event = await jobs.get()
        return event.body, event.get("Job-Successful")


async def test_mod_erlang_event_flavour_keeps_empty_output() -> None:
    body, successful = await _job_body(True)
    assert not body
    assert successful is not None


async def test_mod_commands_flavour_reports_no_output() -> None:
    body, successful = await _job_body(False)
    assert body == "Command returned no output!"
    assert successful is None

from __future__ import annotations

import pytest

from pyerlsw.switch.asterisk.diagnostics import LogCollector
from pyerlsw.switch.asterisk.hangup_handlers import (
    USAGE_CHANNEL,
    HandlerPopped,
    HandlerPushed,
    HangupHandlerStack,
    core_show_hanguphandlers,
    expand_handler,
    is_handler_item,
)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("4(no_call0,CALLER,no_call0,1)", "test_context,no_call0,4(no_call0,CALLER,no_call0,1)"),
        ("hhandler,c1(x)", "test_context,hhandler,c1(x)"),
        ("hdlr1,s,1", "hdlr1,s,1"),
        ("hdlr1,,1", "hdlr1,no_call0,1"),
        ("hdlr3,s,1(args)", "hdlr3,s,1(args)"),
        ("hhandler,xtn,c2(201,callee,xtn,1)", "hhandler,xtn,c2(201,callee,xtn,1)"),
        ("s,1()", "test_context,s,1"),  # empty arguments are dropped
        (",s,1", "test_context,s,1"),
        ('1( "a" ,\\b)', 'test_context,no_call0,1( "a" ,\\b)'),  # arguments verbatim
    ],
)
def test_expand(written: str, stored: str) -> None:
    assert expand_handler(written, context="test_context", exten="no_call0") == stored


def test_expand_without_closing_paren() -> None:
    log = LogCollector()
    assert expand_handler("h,s,1(a", context="c", exten="e", log=log) == "h,s,1(a)"
    assert log.messages() == ["Ouch.  No closing paren: 'h,s,1(a'?"]


def test_push_pop_wipe_events_and_order() -> None:
    stack = HangupHandlerStack()

    def write(item: str, value: str) -> object:
        return stack.apply_write(item, value, context="default", exten="s")

    for name in ("hdlr3", "hdlr2", "hdlr1"):
        assert write("hangup_handler_push", f"{name},s,1(args)") == [
            HandlerPushed(f"{name},s,1(args)")
        ]
    assert stack.handlers == ("hdlr1,s,1(args)", "hdlr2,s,1(args)", "hdlr3,s,1(args)")
    # pop with a value replaces the top one
    assert write("HANGUP_HANDLER_POP", "hdlr4,s,1(args)") == [
        HandlerPopped("hdlr1,s,1(args)"),
        HandlerPushed("hdlr4,s,1(args)"),
    ]
    assert write("hangup_handler_pop", "") == [HandlerPopped("hdlr4,s,1(args)")]
    assert write("hangup_handler_push", "") == []
    assert write("hangup_handler_wipe", "1") == [
        HandlerPopped("hdlr2,s,1(args)"),
        HandlerPopped("hdlr3,s,1(args)"),
        HandlerPushed("default,s,1"),
    ]
    assert write("hangup_handler_wipe", "") == [HandlerPopped("default,s,1")]
    assert write("hangup_handler_pop", "") == []  # empty: silent
    assert write("language", "en") is None
    assert len(stack) == 0


def test_pop_with_value_on_empty_stack_is_a_push() -> None:
    stack = HangupHandlerStack()
    assert stack.apply_write("hangup_handler_pop", "h,s,1", context="c", exten="e") == [
        HandlerPushed("h,s,1")
    ]


def test_run_order_and_masquerade_swap() -> None:
    a = HangupHandlerStack(["a1", "a2"])
    b = HangupHandlerStack(["b1"])
    a.swap(b)
    assert a.handlers == ("b1",) and b.handlers == ("a1", "a2")
    assert [b.take_next(), b.take_next(), b.take_next()] == ["a1", "a2", None]


def test_is_handler_item() -> None:
    assert is_handler_item("hangup_handler_push")
    assert is_handler_item("Hangup_Handler_anything")
    assert not is_handler_item("language")


def test_cli_layout() -> None:
    channels = {
        "PJSIP/alice-00000001": ["hdlr1,s,1(args)", "hdlr2,s,1(args)", "hdlr3,s,1(args)"],
        "PJSIP/bob-00000002": [],
        "Local/a-very-long-channel-name@ctx-00000000;2": ["h,s,1"],
    }
    ok, out = core_show_hanguphandlers(["PJSIP/alice-00000001"], channels)
    assert ok
    assert out == (
        "Channel                        Handler\n"
        "PJSIP/alice-00000001           hdlr1,s,1(args)\n"
        "                               hdlr2,s,1(args)\n"
        "                               hdlr3,s,1(args)\n"
    )
    assert out.splitlines()[0].index("Handler") == 31
    assert core_show_hanguphandlers(["PJSIP/bob-00000002"], channels) == (
        True,
        "Channel                        Handler\n",
    )
    ok, out = core_show_hanguphandlers(["all"], channels)
    assert out.splitlines() == [
        "Channel                        Handler",
        "PJSIP/alice-00000001           hdlr1,s,1(args)",
        "                               hdlr2,s,1(args)",
        "                               hdlr3,s,1(args)",
        "Local/a-very-long-channel-name@ctx-00000000;2 h,s,1",
    ]
    assert core_show_hanguphandlers(["nope"], channels) == (False, "Channel does not exist.\n")
    assert core_show_hanguphandlers([], channels) == (False, USAGE_CHANNEL)

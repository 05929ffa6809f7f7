"""The reply terms mod_erlang_event sends for each command (spec §4, §4.18).

Replies are plain terms for :func:`pyerlsw.etf.encode`. Text inside them follows the
connection's ``encoding`` (:class:`~pyerlsw.gateway.text.Encoding`, spec §3.4) exactly
where FreeSWITCH applies it: api/bgapi output and job UUID, fetch_reply UUIDs and the
filter log. Error reasons and other atoms never change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pyerlsw.etf.terms import Atom, Pid, Term

from .text import Encoding, text_term

__all__ = [
    "ERROR_ACLDENY",
    "ERROR_BADARG",
    "ERROR_BADMEM",
    "ERROR_BADSESSION",
    "ERROR_BADUUID",
    "ERROR_INVALID_UUID",
    "ERROR_NOSESSION",
    "ERROR_NOTFOUND",
    "ERROR_NOTLISTENING",
    "ERROR_SESSION_ATTACH_FAILED",
    "ERROR_UNDEF",
    "INVALID_SYNTAX",
    "NO_OUTPUT",
    "OK",
    "ApiOutcome",
    "FilterAdded",
    "FilterDeleted",
    "FilterInvalid",
    "FilterLogEntry",
    "api_reply",
    "background_job_headers",
    "bgapi_accepted",
    "bgapi_result",
    "error",
    "fetch_reply_accepted",
    "fetch_reply_late",
    "filter_reply",
    "getpid_reply",
    "ping_reply",
]

OK = Atom("ok")
"""The plain ``ok`` reply."""

_ERROR = Atom("error")


def error(reason: str) -> tuple[Atom, Atom]:
    """``{error, Reason}`` with an atom reason."""
    return (_ERROR, Atom(reason))


ERROR_BADARG = error("badarg")
ERROR_UNDEF = error("undef")
ERROR_NOTLISTENING = error("notlistening")
ERROR_NOSESSION = error("nosession")
ERROR_BADMEM = error("badmem")
ERROR_BADSESSION = error("badsession")
ERROR_BADUUID = error("baduuid")
ERROR_SESSION_ATTACH_FAILED = error("session_attach_failed")
ERROR_NOTFOUND = error("notfound")
ERROR_INVALID_UUID = error("invalid_uuid")
ERROR_ACLDENY = error("acldeny")

NO_OUTPUT = "Command returned no output!"
"""What api replies (as an error) when a command printed nothing."""


# ---------------------------------------------------------------- api / bgapi


@dataclass(frozen=True, slots=True)
class ApiOutcome:
    """What running an API command gave, before mod_erlang_event judges it.

    ``found`` is false when the command does not exist or its function did not return
    success (FreeSWITCH then discards ``output``).
    """

    command: str
    found: bool
    output: str

    def judged(self, *, background: bool) -> tuple[bool, str]:
        """``(success, text)`` by mod_erlang_event's rules (§4.2, §4.3).

        Not found -> ``"<cmd>: Command not found!\\n"``; output starting with ``-`` is a
        failure; empty output is a failure with :data:`NO_OUTPUT` for ``api`` but a
        success with ``""`` for ``bgapi``.
        """
        if not self.found:
            return False, f"{self.command}: Command not found!\n"
        if self.output.startswith("-"):
            return False, self.output
        if not self.output and not background:
            return False, NO_OUTPUT
        return True, self.output


def api_reply(outcome: ApiOutcome, encoding: Encoding) -> tuple[Atom, Term]:
    """``{ok, Output}`` or ``{error, Output}`` for ``{api, ...}``."""
    success, text = outcome.judged(background=False)
    return (OK if success else _ERROR, text_term(text, encoding))


def bgapi_accepted(job_uuid: str, encoding: Encoding) -> tuple[Atom, Term]:
    """``{ok, JobUUID}``: the immediate answer to ``{bgapi, ...}``."""
    return (OK, text_term(job_uuid, encoding))


def bgapi_result(job_uuid: str, outcome: ApiOutcome, encoding: Encoding) -> tuple[Atom, Term, Term]:
    """``{bgok, JobUUID, Output}`` or ``{bgerror, JobUUID, Output}``."""
    success, text = outcome.judged(background=True)
    tag = Atom("bgok" if success else "bgerror")
    return (tag, text_term(job_uuid, encoding), text_term(text, encoding))


def background_job_headers(
    job_uuid: str, args: str, outcome: ApiOutcome
) -> tuple[tuple[tuple[str, str], ...], str]:
    """Headers (after the standard ones) and body of the ``BACKGROUND_JOB`` event a
    bgapi job fires before it answers. ``Job-Command-Arg`` is left out when ``args``
    is empty, as FreeSWITCH drops headers with empty values."""
    success, text = outcome.judged(background=True)
    headers = [("Job-UUID", job_uuid), ("Job-Command", outcome.command)]
    if args:
        headers.append(("Job-Command-Arg", args))
    headers.append(("Job-Successful", "true" if success else "false"))
    return tuple(headers), text


# ---------------------------------------------------------------- other commands


def getpid_reply(own_pid: Pid) -> tuple[Atom, Pid]:
    """``{ok, FsPid}`` for ``getpid``."""
    return (OK, own_pid)


def fetch_reply_accepted(fetch_uuid: str, encoding: Encoding) -> tuple[Atom, Term]:
    """``{ok, FetchUUID}``: the reply was handed to the waiting lookup."""
    return (OK, text_term(fetch_uuid, encoding))


def fetch_reply_late(fetch_uuid: str, reason: str, encoding: Encoding) -> tuple[Atom, Term, Atom]:
    """``{error, FetchUUID, Reason}`` with ``reason`` one of ``duplicate_response``,
    ``timeout``, ``not_ready`` (a fetch that is gone entirely gets
    :data:`ERROR_INVALID_UUID` instead)."""
    if reason not in ("duplicate_response", "timeout", "not_ready"):
        raise ValueError(f"not a fetch_reply error reason: {reason!r}")
    return (_ERROR, text_term(fetch_uuid, encoding), Atom(reason))


def ping_reply(tag: Term) -> tuple[Term, Atom]:
    """``{Tag, yes}``: the answer to ``net_adm:ping/1``'s ``is_auth`` call."""
    return (tag, Atom("yes"))


# ---------------------------------------------------------------- filter log


@dataclass(frozen=True, slots=True)
class FilterAdded:
    """A filter spec that added (or, with an empty value, cleared) a header filter."""

    header: str
    value: str


@dataclass(frozen=True, slots=True)
class FilterDeleted:
    """A ``delete`` spec; ``value`` is ``""`` when none was given."""

    header: str
    value: str


@dataclass(frozen=True, slots=True)
class FilterInvalid:
    """A spec FreeSWITCH could not parse."""


FilterLogEntry = FilterAdded | FilterDeleted | FilterInvalid

INVALID_SYNTAX = Atom("-ERR invalid syntax")


def filter_reply(entries: Iterable[FilterLogEntry], encoding: Encoding) -> tuple[Atom, list[Term]]:
    """``{filter_command_processing_log, [Entry, ...]}``, one entry per spec."""
    log: list[Term] = []
    for entry in entries:
        if isinstance(entry, FilterInvalid):
            log.append(INVALID_SYNTAX)
        else:
            action = "added" if isinstance(entry, FilterAdded) else "deleted"
            log.append(
                (
                    text_term(action, encoding),
                    text_term(entry.header, encoding),
                    text_term(entry.value, encoding),
                )
            )
    return (Atom("filter_command_processing_log"), log)

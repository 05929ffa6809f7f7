"""FreeSWITCH events, log lines and XML fetch requests as Erlang messages (spec §5.1,
§6, §9.5, §10).

The input is neutral, so any event source can be adapted: an ordered sequence of
``(name, value)`` header pairs plus an optional body, or a :class:`LogRecord`.

:class:`PreparedEvent` encodes lazily and **at most once per encoding**; every
connection and attached call that gets the event shares the same ``bytes``:

* :meth:`PreparedEvent.payload` -- ``{event, [UniqueID | Pairs]}`` for event handlers;
* :meth:`PreparedEvent.call_payload` -- ``{call, {event, ...}}``, the first message to
  an outbound/handlecall handler;
* :meth:`PreparedEvent.call_event_payload` -- ``{call_event, {event, ...}}``.

Payloads start with the 131 version byte (a complete ``term_to_binary``); the
``*_body`` variants leave it out for framing that shares one version byte.

Event shape (§5.1): the list starts with ``Str(Unique-ID)`` (looked up
case-insensitively, value sent as is) or the atom ``undefined``; then one
``{Str(Name), Str(Value)}`` per header in order (duplicates kept) with the *value*
URL-decoded like ``switch_url_decode``; then ``{Str("body"), Str(Body)}`` when there
is a body. Log messages always use charlists (§6).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pyerlsw.etf import fragments
from pyerlsw.etf.terms import Atom, Term

from .eventnames import lookup_event_type
from .loglevels import level_name
from .text import Encoding, ascii_lower, text_term, to_c_bytes, url_decode

__all__ = [
    "DEFAULT_PAIR_CACHE",
    "FetchRequest",
    "LogRecord",
    "PairCache",
    "PreparedEvent",
    "PreparedLog",
    "format_log_line",
]

_PAIR = fragments.tuple_header(2)
_EVENT = fragments.atom("event")
_EVENT_TUPLE = _PAIR + _EVENT
_CALL_TUPLE = fragments.VERSION + _PAIR + fragments.atom("call")
_CALL_EVENT_TUPLE = fragments.VERSION + _PAIR + fragments.atom("call_event")
_PAYLOAD_PREFIX = fragments.VERSION + _EVENT_TUPLE
_CALL_PREFIX = _CALL_TUPLE + _EVENT_TUPLE
_CALL_EVENT_PREFIX = _CALL_EVENT_TUPLE + _EVENT_TUPLE
_UNDEFINED = fragments.atom("undefined")
_BODY_NAME = b"body"




def _c_text(text: str) -> bytes:
    """``to_c_bytes`` for ``str`` with the common no-NUL case first."""
    data = text.encode("utf-8", "surrogateescape")
    return data if b"\0" not in data else data[: data.find(0)]


def _value_bytes(text: str) -> bytes:
    """A header value as FreeSWITCH sends it: C string, then ``switch_url_decode``."""
    data = text.encode("utf-8", "surrogateescape")
    if b"%" in data or b"\0" in data:
        return url_decode(to_c_bytes(data))
    return data


def _pair_bytes(name: bytes, value: bytes, binary: bool) -> bytes:
    """``{Name, Value}`` (names and values already C bytes)."""
    return fragments.text_pair(name, value, charlist=not binary)


DEFAULT_PAIR_CACHE = 8192
"""Encoded header pairs a :class:`PairCache` keeps per encoding before it starts over."""


class PairCache:
    """Encoded ``{Name, Value}`` header pairs shared by the events of one producer.

    Header names always repeat from event to event and most values do (the core UUID,
    host names, a call's caller profile and variables), so most pairs of an event are
    found here instead of being encoded again. Keys are the exact ``(name, value)``
    pairs, so a hit is always the same bytes; the table is emptied when it holds
    ``max_entries`` pairs (values that never repeat, like timestamps, only churn it).
    """

    __slots__ = ("_tables", "max_entries")

    def __init__(self, max_entries: int = DEFAULT_PAIR_CACHE) -> None:
        if max_entries < 1:
            raise ValueError("a pair cache needs room for at least one entry")
        self.max_entries = max_entries
        self._tables: dict[bool, dict[tuple[str, str], bytes]] = {False: {}, True: {}}

    def __len__(self) -> int:
        return sum(len(table) for table in self._tables.values())

    def encode(self, headers: tuple[tuple[str, str], ...], binary: bool) -> list[bytes]:
        """The encoded pairs of ``headers``, in order."""
        table = self._tables[binary]
        found: list[bytes | None] = list(map(table.get, headers))
        if None in found:
            for index, encoded in enumerate(found):
                if encoded is None:
                    found[index] = self._add(table, headers[index], binary)
        return found  # type: ignore[return-value]  # no None is left

    def _add(self, table: dict[tuple[str, str], bytes], header: tuple[str, str],
             binary: bool) -> bytes:
        name, value = header
        encoded = _pair_bytes(_c_text(name), _value_bytes(value), binary)
        if len(table) >= self.max_entries:
            table.clear()
        table[header] = encoded
        return encoded


def _find_unique_id(headers: tuple[tuple[str, str], ...]) -> str | None:
    """The first ``Unique-ID`` header, name compared case-insensitively (a scan: cheaper
    than building the header index when only this one is needed). Only a 9-character
    name can match, and ``str.lower`` agrees with ASCII lowering on this name."""
    for key, value in headers:
        if len(key) == 9 and key.lower() == "unique-id":
            return value
    return None


class _Derive:
    """Marker: take the value from the headers."""


_DERIVE = _Derive()


class PreparedEvent:
    """One event, shared by every subscriber; treat it as immutable.

    ``event_type`` defaults to the canonical name of the ``Event-Name`` header,
    ``subclass`` to the ``Event-Subclass`` header and ``unique_id`` to the
    ``Unique-ID`` header; pass them (``None`` included) when the source knows them,
    which saves a header scan (the unique ID must then equal the header's value).
    ``pairs`` is a :class:`PairCache` shared with other events (faster encoding).
    """

    __slots__ = ("_body", "_cache", "_event_type", "_headers", "_index", "_pairs", "_parts",
                 "_subclass", "_unique_id")

    def __init__(
        self,
        headers: Iterable[tuple[str, str]],
        body: str | None = None,
        *,
        event_type: str | _Derive | None = _DERIVE,
        subclass: str | _Derive | None = _DERIVE,
        unique_id: str | _Derive | None = _DERIVE,
        pairs: PairCache | None = None,
    ) -> None:
        self._headers = tuple(headers)
        self._body = body
        self._index: dict[str, str] | None = None
        self._cache: dict[tuple[str, Encoding], bytes] = {}
        self._parts: dict[Encoding, list[bytes]] = {}
        self._pairs = pairs
        self._unique_id = unique_id
        if isinstance(event_type, _Derive):
            name = self.header("Event-Name")
            event_type = lookup_event_type(name) if name is not None else None
        self._event_type = event_type
        self._subclass = (
            self.header("Event-Subclass") if isinstance(subclass, _Derive) else subclass
        )

    def __repr__(self) -> str:
        return f"PreparedEvent({self._event_type!r}, {len(self._headers)} headers)"

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        """The header pairs as given (raw values, not URL-decoded)."""
        return self._headers

    @property
    def body(self) -> str | None:
        """The body, or ``None`` (an empty string is a body and is sent)."""
        return self._body

    @property
    def event_type(self) -> str | None:
        """Canonical type name (``"CHANNEL_CREATE"``...) used for subscriptions."""
        return self._event_type

    @property
    def subclass(self) -> str | None:
        """CUSTOM subclass used for subscriptions, or ``None``."""
        return self._subclass

    def header(self, name: str) -> str | None:
        """First value of a header, names compared case-insensitively (raw value)."""
        index = self._index
        if index is None:
            headers = self._headers
            if all(key.isascii() for key, _ in headers):
                # later duplicates first, so the first occurrence wins
                index = {key.lower(): value for key, value in reversed(headers)}
            else:
                index = {}
                for key, value in headers:
                    index.setdefault(ascii_lower(key), value)
            self._index = index
        return index.get(name.lower() if name.isascii() else ascii_lower(name))

    @property
    def unique_id(self) -> str | None:
        """The ``Unique-ID`` header: which call the event belongs to, if any."""
        known = self._unique_id
        if isinstance(known, _Derive):
            known = self._unique_id = _find_unique_id(self._headers)
        return known

    # ------------------------------------------------------------ encoding

    def _list_parts(self, encoding: Encoding) -> list[bytes]:
        """The encoded pieces of ``[UniqueID | Pairs]``, after an empty first slot where
        a shape's prefix goes while it is joined (computed once per encoding)."""
        parts = self._parts.get(encoding)
        if parts is not None:
            return parts
        binary = encoding is Encoding.BINARY
        count = len(self._headers) + 1 + (self._body is not None)
        parts = [b"", fragments.list_header(count)]
        uuid = self.unique_id
        if uuid is None:
            parts.append(_UNDEFINED)
        else:
            parts.append(fragments.text(_c_text(uuid), charlist=not binary))
        if self._pairs is not None:
            parts.extend(self._pairs.encode(self._headers, binary))
        else:
            parts.extend(
                _pair_bytes(_c_text(name), _value_bytes(value), binary)
                for name, value in self._headers
            )
        if self._body is not None:
            parts.append(_pair_bytes(_BODY_NAME, _c_text(self._body), binary))
        parts.append(fragments.NIL)
        self._parts[encoding] = parts
        return parts

    def _shape(self, kind: str, prefix: bytes, encoding: Encoding) -> bytes:
        """``prefix + list_body``, joined once from the pieces (cached per shape)."""
        key = (kind, encoding)
        found = self._cache.get(key)
        if found is None:
            parts = self._list_parts(encoding)
            parts[0] = prefix
            try:
                found = b"".join(parts)
            finally:
                parts[0] = b""
            self._cache[key] = found
        return found

    def list_body(self, encoding: Encoding) -> bytes:
        """``[UniqueID | Pairs]`` without a version byte (also the ``Params`` of a
        fetch request)."""
        return self._shape("list", b"", encoding)

    def event_body(self, encoding: Encoding) -> bytes:
        """``{event, [...]}`` without a version byte."""
        return self._shape("event", _EVENT_TUPLE, encoding)

    def payload(self, encoding: Encoding) -> bytes:
        """``{event, [...]}`` as a complete external term (starts with 131)."""
        return self._shape("payload", _PAYLOAD_PREFIX, encoding)

    def call_payload(self, encoding: Encoding) -> bytes:
        """``{call, {event, [...]}}`` as a complete external term."""
        return self._shape("call", _CALL_PREFIX, encoding)

    def call_event_payload(self, encoding: Encoding) -> bytes:
        """``{call_event, {event, [...]}}`` as a complete external term."""
        return self._shape("call_event", _CALL_EVENT_PREFIX, encoding)

    def list_term(self, encoding: Encoding) -> list[Term]:
        """``[UniqueID | Pairs]`` as a Python term (for tests and debugging: slow)."""
        uuid = self.unique_id
        items: list[Term] = [Atom("undefined") if uuid is None else text_term(uuid, encoding)]
        for name, value in self._headers:
            decoded = url_decode(to_c_bytes(value))
            items.append((text_term(name, encoding), text_term(decoded, encoding)))
        if self._body is not None:
            items.append((text_term("body", encoding), text_term(self._body, encoding)))
        return items

    def term(self, encoding: Encoding) -> tuple[Atom, list[Term]]:
        """``{event, [...]}`` as a Python term (for tests and debugging: slow)."""
        return (Atom("event"), self.list_term(encoding))


# ---------------------------------------------------------------- fetch requests (§10)


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """An XML lookup sent to the bound processes:
    ``{fetch, Section, Tag, Key, Value, FetchUUID, Params}``.

    ``section`` is the core's section name (``configuration``, ``directory``,
    ``dialplan``...); a missing tag/key/value is sent as the *string* ``"undefined"``;
    ``params`` is the request's parameter event, sent as an event list, or ``[]``.
    Every binder gets the same clean 7-tuple (no stray ``Params`` copies).
    """

    section: str
    tag: str | None
    key: str | None
    value: str | None
    fetch_uuid: str
    params: PreparedEvent | None = None

    def _fields(self) -> tuple[str, str, str, str]:
        return (
            self.tag if self.tag is not None else "undefined",
            self.key if self.key is not None else "undefined",
            self.value if self.value is not None else "undefined",
            self.fetch_uuid,
        )

    def payload(self, encoding: Encoding) -> bytes:
        """The message as a complete external term."""
        charlist = encoding is not Encoding.BINARY
        parts = [fragments.VERSION, fragments.tuple_header(7), fragments.atom("fetch"),
                 fragments.atom(self.section)]
        parts.extend(fragments.text(to_c_bytes(field), charlist=charlist)
                     for field in self._fields())
        parts.append(self.params.list_body(encoding) if self.params is not None else fragments.NIL)
        return b"".join(parts)

    def term(self, encoding: Encoding) -> tuple[Term, ...]:
        """The message as a Python term (for tests and debugging)."""
        params = self.params.list_term(encoding) if self.params is not None else []
        fields = [text_term(field, encoding) for field in self._fields()]
        return (Atom("fetch"), Atom(self.section), *fields, params)


# ---------------------------------------------------------------- logs (§6)


@dataclass(frozen=True, slots=True)
class LogRecord:
    """One log line as a log handler receives it.

    ``data`` is the complete line (see :func:`format_log_line`), ``file`` the source
    base name, ``user_data`` the session UUID of session logs (else ``None``).
    """

    level: int
    file: str
    func: str
    line: int
    data: str
    user_data: str | None = None


def format_log_line(text: str, *, level: int, file: str, line: int, when: datetime,
                    idle_cpu: float) -> str:  # fmt: skip
    """The ``data`` of a non-"clean" log line:
    ``YYYY-MM-DD HH:MM:SS.uuuuuu NN.NN% [LEVEL] file:N text``."""
    stamp = f"{when:%Y-%m-%d %H:%M:%S}.{when.microsecond:06d}"
    return f"{stamp} {idle_cpu:.2f}% [{level_name(level)}] {file}:{line} {text}"


class PreparedLog:
    """A :class:`LogRecord` encoded once for every log handler (charlists only)."""

    __slots__ = ("_payload", "record")

    def __init__(self, record: LogRecord) -> None:
        self.record = record
        self._payload: bytes | None = None

    def term(self) -> tuple[Atom, list[Term]]:
        """``{log, [{level, L}, {text_channel, L}, {file, F}, {func, Fn}, {line, N},
        {data, Text}, {user_data, U}]}`` (``text_channel`` repeats the level)."""
        r = self.record
        charlist = Encoding.STRING
        return (
            Atom("log"),
            [
                (Atom("level"), r.level),
                (Atom("text_channel"), r.level),
                (Atom("file"), text_term(r.file, charlist)),
                (Atom("func"), text_term(r.func, charlist)),
                (Atom("line"), r.line),
                (Atom("data"), text_term(r.data, charlist)),
                (Atom("user_data"), text_term(r.user_data or "", charlist)),
            ],
        )

    def payload(self) -> bytes:
        """The ``{log, [...]}`` message as a complete external term."""
        if self._payload is None:
            r = self.record
            level = fragments.integer(r.level)
            parts = [
                fragments.VERSION, _PAIR, fragments.atom("log"), fragments.list_header(7),
                _PAIR, fragments.atom("level"), level,
                _PAIR, fragments.atom("text_channel"), level,
                _PAIR, fragments.atom("file"), fragments.text(to_c_bytes(r.file), charlist=True),
                _PAIR, fragments.atom("func"), fragments.text(to_c_bytes(r.func), charlist=True),
                _PAIR, fragments.atom("line"), fragments.integer(r.line),
                _PAIR, fragments.atom("data"), fragments.text(to_c_bytes(r.data), charlist=True),
                _PAIR, fragments.atom("user_data"),
                fragments.text(to_c_bytes(r.user_data or ""), charlist=True),
                fragments.NIL,
            ]  # fmt: skip
            self._payload = b"".join(parts)
        return self._payload

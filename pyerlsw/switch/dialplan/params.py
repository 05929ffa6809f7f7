"""The request parameters of a dialplan fetch, as FreeSWITCH builds them.

``dialplan_xml_locate`` fills a ``REQUEST_PARAMS`` event with the channel's data
(``Channel-State``, ``Unique-ID``, ``Caller-*`` profile, ``variable_*``...) and then the
caller profile being hunted under the prefix ``Hunt-`` (``Hunt-Destination-Number``,
``Hunt-Context``, ...). mod_erlang_event forwards them as the ``Params`` of
``{fetch, dialplan, ...}``.
"""

from __future__ import annotations

from pyerlsw.switch.dialplan.base import HuntTarget, RequestParamsSource
from pyerlsw.switch.profile import TEXT_FIELDS

__all__ = ["PROFILE_FIELDS", "dialplan_request_params"]

PROFILE_FIELDS: tuple[tuple[str, str], ...] = (
    ("Direction", "direction"),
    ("Logical-Direction", "logical_direction"),
    *TEXT_FIELDS,
)
"""(header suffix, caller-field name) of a caller profile, in FreeSWITCH's order."""


def profile_field(target: HuntTarget, name: str, destination: str, context: str) -> str:
    """A caller field of the profile being hunted: ``destination_number`` and
    ``context`` are the hunt's own, the rest the channel's ("" when unknown)."""
    if name == "destination_number":
        return destination
    if name == "context":
        return context
    return target.caller_field(name) or ""


def dialplan_request_params(target: HuntTarget, destination: str, context: str) -> dict[str, str]:
    """Channel data (from :meth:`RequestParamsSource.request_params` when the target
    offers it, else ``Event-Name``, ``Unique-ID``, ``Channel-Name`` and the ``Caller-``
    profile) followed by the ``Hunt-`` profile. Empty fields are left out."""
    params: dict[str, str] = {}
    if isinstance(target, RequestParamsSource):
        for name, value in target.request_params():
            params.setdefault(name, value)
    else:
        params["Event-Name"] = "REQUEST_PARAMS"
        params["Unique-ID"] = target.uuid
        params["Channel-Name"] = target.name
        for suffix, field in PROFILE_FIELDS:
            value = target.caller_field(field) or ""
            if value:
                params[f"Caller-{suffix}"] = value
    for suffix, field in PROFILE_FIELDS:
        value = profile_field(target, field, destination, context)
        if value:
            params[f"Hunt-{suffix}"] = value
    return params

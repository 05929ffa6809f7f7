"""Users in a FreeSWITCH ``directory`` section: finding them and merging their settings.

A domain holds users directly (``<domain><users><user id=...>``) or in groups
(``<domain><groups><group name=...><users><user id=...>``); group entries with
``type="pointer"`` only reference a user defined elsewhere and are skipped. A user is
found by ``id`` or by ``number-alias``. Settings (``<params><param name value>`` and
``<variables><variable name value>``) merge domain, then group, then user, the most
specific winning, as FreeSWITCH does.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element

__all__ = ["DirectoryEntry", "find_user"]


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """A user found in a domain: the ``domain``, the ``group`` it was found in (None
    when listed directly under the domain) and the ``user`` element."""

    domain: Element
    group: Element | None
    user: Element

    @property
    def user_id(self) -> str:
        return self.user.get("id") or ""

    @property
    def domain_name(self) -> str:
        return self.domain.get("name") or ""

    def params(self) -> dict[str, str]:
        """Merged ``<params>``: domain, then group, then user (later ones win)."""
        return self._merged("params", "param")

    def variables(self) -> dict[str, str]:
        """Merged ``<variables>``: domain, then group, then user (later ones win)."""
        return self._merged("variables", "variable")

    def _merged(self, container: str, item: str) -> dict[str, str]:
        merged: dict[str, str] = {}
        for owner in (self.domain, self.group, self.user):
            if owner is None:
                continue
            for block in owner.iterfind(container):
                for entry in block.iterfind(item):
                    name = entry.get("name")
                    if name:
                        merged[name] = entry.get("value") or ""
        return merged


def find_user(domain: Element, user: str) -> DirectoryEntry | None:
    """The entry for ``user`` (an ``id`` or ``number-alias``) in ``domain``, or None."""
    for users in domain.iterfind("users"):
        found = _match(users, user)
        if found is not None:
            return DirectoryEntry(domain, None, found)
    for group in domain.iterfind("groups/group"):
        for users in group.iterfind("users"):
            found = _match(users, user)
            if found is not None:
                return DirectoryEntry(domain, group, found)
    return None


def _match(users: Element, user: str) -> Element | None:
    for candidate in users.iterfind("user"):
        if (candidate.get("type") or "").lower() == "pointer":
            continue
        if candidate.get("id") == user or candidate.get("number-alias") == user:
            return candidate
    return None

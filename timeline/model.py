"""The domain model: frozen values, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from timeline.dates import EDate


@dataclass(frozen=True, slots=True)
class Role:
    """An office an actor held, with the span they held it (either end may be unknown)."""

    title: str
    aliases: tuple[str, ...] = ()
    org: str | None = None
    start: EDate | None = None
    end: EDate | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    roles: tuple[Role, ...] = ()
    line: int = 0
    sectors: tuple[str, ...] = ()  # what kind of actor: "Government", "Business" (as coded event data says)


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    name: str
    kind: str | None = None
    url: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Citation:
    """A source as an event cites it, optionally with the article's own address."""

    id: str
    url: str | None = None
    published: EDate | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class DateClaim:
    """One dated claim about when an event happened, with the sources that make it."""

    date: EDate
    sources: tuple[str, ...] = ()
    preferred: bool = False
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    date: EDate
    title: str
    summary: str = ""
    type: str | None = None
    actors: tuple[str, ...] = ()
    # (actor id, office) pairs where the store says in which office an actor took part.
    offices: tuple[tuple[str, str], ...] = ()
    tags: tuple[str, ...] = ()
    sources: tuple[Citation, ...] = ()
    in_response_to: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    # Several claims only when sources disagree; `date` is then the preferred claim's date.
    claims: tuple[DateClaim, ...] = ()
    line: int = 0
    index: int = 0

    @property
    def source_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.sources)

    @property
    def cited(self) -> tuple[str, ...]:
        """Every source the event rests on, once each: its citations, then its date claims'."""
        return tuple(dict.fromkeys([*(c.id for c in self.sources), *(s for cl in self.claims for s in cl.sources)]))

    @property
    def disputed(self) -> bool:
        return len(self.claims) > 1

    @property
    def undecided(self) -> bool:
        """Sources disagree on the date and no claim is preferred: the event spans them all."""
        return self.disputed and not any(cl.preferred for cl in self.claims)


@dataclass(frozen=True, slots=True)
class Store:
    """A loaded store. `by_id` is derived from `events`, so a store built by hand keeps its links."""

    path: str
    events: Sequence[Event]
    actors: Mapping[str, Actor] = field(default_factory=dict)
    sources: Mapping[str, Source] = field(default_factory=dict)
    title: str | None = None
    description: str | None = None
    check: Mapping[str, Any] = field(default_factory=dict)
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def by_id(self) -> Mapping[str, Event]:
        """Events by id (the first of each id)."""
        found = self._derived.get("by_id")
        if found is None:
            found = getattr(self.events, "by_id", None)  # a lazily loaded store looks ids up itself
            if found is None:
                found = {}
                for e in self.events:
                    found.setdefault(e.id, e)
            self._derived["by_id"] = found
        return found


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about a store or an input: coded, located as far as known, with what to do.

    Every layer returns these; only the CLI turns them into lines. `message` says what is wrong
    and, after a semicolon, how to fix it; `field` names the key (or the flag, for `add`).
    """

    code: str
    severity: str  # "error", "warning" or "note"
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    event_id: str | None = None

    def where(self, file: str | None = None) -> str:
        """'events.toml:12:5', 'events.toml:12' or 'events.toml' (`file` overrides the problem's own)."""
        out = file if file is not None else self.file or ""
        if self.line:
            out += f":{self.line}"
            if self.column:
                out += f":{self.column}"
        return out

    def format(self, file: str | None = None) -> str:
        """The compiler-style line `timeline check` prints: 'FILE:LINE:COL: CODE severity: message'."""
        return f"{self.where(file)}: {self.code} {self.severity}: {self.message}"

    def brief(self, file: str | None = None) -> str:
        """The line an error stops a command with: 'FILE:LINE: message'."""
        where = self.where(file)
        return f"{where}: {self.message}" if where else self.message

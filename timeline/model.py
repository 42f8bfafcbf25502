"""The domain model: frozen values, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from timeline.dates import EDate

# What kind of claim an event is (PLOVER's mode, CaseMap's fact status); "happened" is the default.
STATUSES = ("happened", "reported", "announced", "planned", "threatened", "denied", "hypothetical")
# The Admiralty scale: source reliability A (completely reliable) to E (unreliable), F cannot be
# judged; information credibility 1 (confirmed by other sources) to 5 (improbable), 6 cannot be judged.
RELIABILITY = ("A", "B", "C", "D", "E", "F")
CREDIBILITY = (1, 2, 3, 4, 5, 6)


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
    file: str = ""  # the included file it is written in; "" for the store's own file


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    name: str
    kind: str | None = None
    url: str | None = None
    line: int = 0
    reliability: str | None = None  # A-F on the Admiralty scale
    file: str = ""  # the included file it is written in; "" for the store's own file


@dataclass(frozen=True, slots=True)
class Citation:
    """A source as an event cites it, optionally with the article's own address.

    `said` is the source's own words for the date ("last Friday"), read against `published`.
    """

    id: str
    url: str | None = None
    published: EDate | None = None
    note: str | None = None
    credibility: int | None = None  # 1-6 on the Admiralty scale
    said: str | None = None


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
    # (actor id, role) pairs: the office an actor acted in, where the store names it (TOML `role`,
    # JSON `roles`); one of the roles the actor holds in `Actor.roles`.
    roles: tuple[tuple[str, str], ...] = ()
    tags: tuple[str, ...] = ()
    sources: tuple[Citation, ...] = ()
    in_response_to: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    # Several claims only when sources disagree; `date` is then the preferred claim's date.
    claims: tuple[DateClaim, ...] = ()
    line: int = 0
    index: int = 0  # position in the whole store (its files in load order)
    status: str = "happened"  # one of STATUSES
    file: str = ""  # the included file it is written in; "" for the store's own file

    @property
    def source_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.sources)

    @property
    def cited(self) -> tuple[str, ...]:
        """Every source the event rests on, once each: its citations, then its date claims'."""
        return tuple(dict.fromkeys([*(c.id for c in self.sources), *(s for cl in self.claims for s in cl.sources)]))

    @property
    def independent(self) -> tuple[tuple[str, ...], ...]:
        """The sources the event rests on, grouped so that one report counts once.

        Citations that give the same address are one publication (an outlet's report and the
        outlet it relays, as this store records a republished report), so they form one group.
        """
        group_of: dict[str, int] = {}
        by_url: dict[str, int] = {}
        groups: list[list[str]] = []
        for c in self.sources:
            if c.id in group_of:
                if c.url:
                    by_url.setdefault(c.url, group_of[c.id])
                continue
            n = by_url.get(c.url) if c.url else None
            if n is None:
                n = len(groups)
                groups.append([])
                if c.url:
                    by_url[c.url] = n
            group_of[c.id] = n
            groups[n].append(c.id)
        for sid in self.cited:
            if sid not in group_of:
                group_of[sid] = len(groups)
                groups.append([sid])
        return tuple(tuple(g) for g in groups)

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
    # The files `[store] include` added (relative to the main file's folder), in load order, each
    # with the Event.index its first [[events]] table has: an index counts tables across files.
    files: Mapping[str, int] = field(default_factory=dict)
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

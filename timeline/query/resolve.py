"""Who a typed name means: the one resolution of actor (and source, event) names for every command.

`list --actor`, the `actor:` term, `actors show`, `add --actor` and `import` all ask `resolve_actor`
(or a `Names` built by `actor_names`), so a name means the same everywhere. A typed name is tried
in tiers, and the first tier with any match decides:

1. an id, exactly as written;
2. a name or alias, exactly as written (surrounding spaces aside);
3. an id, name or alias ignoring case, accents and repeated spaces (`spellings` says which forms);
4. a name or alias in another script or romanisation (Жапаров, Dzhaparov for Japarov; see
   `timeline.names`), worked out only when the first three find nothing.

One id in the deciding tier is the answer; several are an `Ambiguous` error listing each with its
id; none is `Unknown`, naming the closest. So "Japan" means the actor named "Japan" even when
"Business (Japan)" has the id `japan`, and `japan` means that id.
"""

from __future__ import annotations

from collections.abc import Iterable

from timeline.model import Actor, Store
from timeline.text import close_matches, fold, short


class Unknown(LookupError):
    """A typed name that matches nothing; str() says what and suggests ids."""


class Ambiguous(Unknown):
    """A typed name that matches several entries equally well; str() lists them with their ids."""


def spellings(text: str) -> tuple[str, ...]:
    """The loose forms a name is also found by (tier 3). Today: case, accents and spaces folded."""
    return (fold(text),)


class Names:
    """An index of ids and the names and aliases that stand for them, answering in tiers."""

    def __init__(self, kind: str, *, hint: str = "", scripts: bool = False) -> None:
        self.kind = kind
        self.hint = hint
        self.scripts = scripts  # tier 4: names of people and places, typed in another script or romanisation
        self._ids: set[str] = set()
        self._exact: dict[str, set[str]] = {}
        self._loose: dict[str, set[str]] = {}
        self._label: dict[str, str] = {}  # id -> "id (first name)"
        self._named: dict[str, tuple[str, ...]] = {}  # id -> its names, for tier 4
        self._other: dict[str, dict[str, str]] | None = None  # tier 4: key -> {id: spelling}, built on first use

    def add(self, ident: str, *names: str) -> None:
        """Make `ident` known, with the names and aliases it goes by."""
        self._ids.add(ident)
        for key in spellings(ident):
            self._loose.setdefault(key, set()).add(ident)
        for name in names:
            self._exact.setdefault(name.strip(), set()).add(ident)
            for key in spellings(name):
                self._loose.setdefault(key, set()).add(ident)
            if ident not in self._label and name != ident:
                self._label[ident] = f"{ident} ({short(name)})"
        self._named[ident] = (*self._named.get(ident, ()), *names)
        if self._other is not None:
            self._index_other(ident, names)

    def __contains__(self, ident: object) -> bool:
        return ident in self._ids

    def label(self, ident: str) -> str:
        """'japan (Japan)': an id with its first name, for messages."""
        return self._label.get(ident, ident)

    def matches(self, typed: str) -> list[str]:
        """The ids of the first tier that has any for `typed`, sorted; [] when nothing matches."""
        return sorted(self.spelt(typed))

    def spelt(self, typed: str) -> dict[str, str | None]:
        """The ids of the deciding tier for `typed`, each with the name `typed` is another spelling
        of (tier 4), or None (tiers 1-3)."""
        typed = typed.strip()
        if typed in self._ids:
            return {typed: None}
        hits = self._exact.get(typed)
        if not hits:
            hits = set().union(*(self._loose.get(key, ()) for key in spellings(typed)))
        if hits:
            return dict.fromkeys(sorted(hits))
        return self._in_other_scripts(typed) if self.scripts else {}

    def _in_other_scripts(self, typed: str) -> dict[str, str | None]:
        from timeline import names

        if self._other is None:
            self._other = {}
            for ident, named in self._named.items():
                self._index_other(ident, named)
        found: dict[str, str | None] = {}
        for key in names.keys(typed):
            for ident, spelling in self._other.get(key, {}).items():
                found.setdefault(ident, spelling)
        return dict(sorted(found.items()))

    def _index_other(self, ident: str, named: Iterable[str]) -> None:
        from timeline import names

        assert self._other is not None
        for name in named:
            for key in names.keys(name):
                self._other.setdefault(key, {}).setdefault(ident, name)

    def find(self, typed: str) -> str:
        """The one id `typed` stands for; raises Ambiguous or Unknown with the message to show."""
        hits = self.matches(typed)
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise Ambiguous(self.ambiguity(typed, hits))
        raise Unknown(f"unknown {self.kind} '{short(typed)}'; {self.closest(typed)}")

    def ambiguity(self, typed: str, ids: Iterable[str]) -> str:
        """ "actor 'Japan' could be any of: a (A), b (B); give the id" — the same words in every command."""
        listed = ", ".join(self.label(i) for i in ids)
        return f"{self.kind} '{short(typed)}' could be any of: {listed}; give the id"

    def closest(self, typed: str) -> str:
        """'closest: a (Name), b', else the hint for adding one."""
        close = close_matches(fold(typed), self._loose, n=5)
        if not close and self.scripts and not typed.isascii():
            from timeline import names

            # A misspelt name in another script: compare its romanisations with the known spellings.
            close = [c for form in sorted(names.romanisations(typed)) for c in close_matches(form, self._loose, n=2)]
        found = list(dict.fromkeys(i for c in close for i in sorted(self._loose[c])))[:3]
        if found:
            labels = ", ".join(self.label(i) for i in found)
            return f"closest: {labels}" + (f"; or {self.hint}" if self.hint else "")
        return self.hint or "check the id"

    def clashes(self, ident: str, *names: str) -> list[str]:
        """Known ids that a new entry's id or names would also match: what registering it makes ambiguous."""
        keys = {k for text in (ident, *names) for k in spellings(text)}
        found = {i for k in keys for i in self._loose.get(k, ())} - {ident}
        return sorted(found)


def actor_spellings(actor: Actor) -> tuple[str, ...]:
    """The names an actor is found by: its name, then its aliases."""
    return (actor.name, *actor.aliases)


def actor_names(store: Store) -> Names:
    """A fresh index of the store's actors (an import adds the ones it registers to it)."""
    names = Names("actor", hint="register it with 'timeline actors add'", scripts=True)
    for actor in store.actors.values():
        names.add(actor.id, *actor_spellings(actor))
    return names


def source_names(store: Store) -> Names:
    """A fresh index of the store's sources by id and name."""
    names = Names("source", hint="register it with 'timeline sources add'")
    for source in store.sources.values():
        names.add(source.id, source.name)
    return names


def resolve_actor(store: Store, typed: str) -> str:
    """The id of the one actor `typed` (an id, name or alias) means; raises Unknown or Ambiguous.

    The entry point every command uses; the store's index is built once and kept with the store.
    """
    return actor_index(store).find(typed)


def actor_matches(store: Store, typed: str) -> dict[str, str | None]:
    """The ids of the deciding tier for `typed`, each with the name it is another spelling of, or None."""
    return actor_index(store).spelt(typed)


def actor_ids(store: Store, typed: str) -> set[str]:
    """The ids of the deciding tier for `typed`: one id, several when ambiguous, none when unknown.

    For narrowing candidates (the cache's index); a command resolves with `resolve_actor`.
    """
    return set(actor_index(store).matches(typed))


def actor_index(store: Store) -> Names:
    """The store's actor names, indexed once per loaded store."""
    # Built once per loaded store: a store is immutable, and list may resolve many --actor values.
    index = store._derived.get("actor_names")
    if index is None:
        index = store._derived["actor_names"] = actor_names(store)
    return index

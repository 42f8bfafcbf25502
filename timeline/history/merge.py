"""Three versions of a store merged fact by fact: what `timeline merge-driver` does for git.

Our version is the skeleton and keeps its bytes. Each block (see `timeline.history.blocks`)
the other side added is put in: an event before the first of ours that comes later when ours
are in timeline order, anything else after the block it follows in theirs. A block one side
changed and the other left alone takes the changed text; one side's delete of a block the
other left alone is taken. When both changed a block, its lines are merged as git would;
failing that its fields are (each side's `key = value` text kept verbatim); a date both
changed differently becomes disputed `dates` claims with none preferred. Anything else both
changed, and an edit against a delete, is left between standard conflict markers around that
block alone.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from typing import Any

from timeline.history.blocks import Block, Key, join, key_spans, split
from timeline.history.compare import plain

_MISSING = object()
_DATES = frozenset({"date", "dates"})


@dataclass(slots=True)
class Result:
    """The merged text, the blocks left with conflict markers, and what was resolved on the way."""

    text: str
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def merge(base: str, ours: str, theirs: str, *, marker_size: int = 7) -> Result | None:
    """Merge three versions of store text; None when one cannot be cut into blocks (merge its lines instead)."""
    if ours == theirs or base == theirs:
        return Result(ours)
    if base == ours:
        return Result(theirs)
    b, o, t = split(base), split(ours), split(theirs)
    if b is None or o is None or t is None:
        return None
    nl = "\r\n" if "\r\n" in ours else "\n"
    return _Merge(b, o, t, marker_size, nl).run()


class _Merge:
    def __init__(self, base: list[Block], ours: list[Block], theirs: list[Block], marker_size: int, nl: str) -> None:
        self.base = {x.key: x for x in base}
        self.ours = ours
        self.theirs = theirs
        self.ours_by_key = {x.key: x for x in ours}
        self.theirs_by_key = {x.key: x for x in theirs}
        self.marker = marker_size
        self.nl = nl
        self.out: list[Block] = []
        self.result = Result("")
        self._when: dict[int, tuple | None] = {}

    def run(self) -> Result:
        for o in self.ours:
            merged = self._ours_block(o)
            if merged is not None:
                self.out.append(merged)
        in_order = _in_order([x for x in self.out if _is_event(x.key)])
        for n, t in enumerate(self.theirs):
            if t.key in self.ours_by_key:
                continue
            b = self.base.get(t.key)
            if b is not None and _same(t, b):
                continue  # ours deleted it; theirs left it alone
            if b is not None:
                block = self._conflict(None, t, f"{_what(t.key)}: ours deleted it, theirs changed it")
            else:
                block = Block(t.key, self._ours_newlines(t.text), "", t.data)
            self._insert(block, n, in_order)
        self.result.text = join(self.out)
        return self.result

    def _ours_block(self, o: Block) -> Block | None:
        """What becomes of one of our blocks: kept, replaced by theirs, dropped, merged or conflicted."""
        b, t = self.base.get(o.key), self.theirs_by_key.get(o.key)
        if t is None:
            if b is None:
                return o  # ours added it
            if _same(o, b):
                return None  # theirs deleted it; ours left it alone
            return self._conflict(o, None, f"{_what(o.key)}: ours changed it, theirs deleted it")
        if _same(o, t) or (b is not None and _same(t, b)):
            return o
        if b is not None and _same(o, b):
            return Block(o.key, self._ours_newlines(t.text), o.gap, t.data)
        return self._both(b, o, t)

    def _both(self, b: Block | None, o: Block, t: Block) -> Block:
        """A block both sides changed (or both added): lines, then fields, then conflict markers."""
        lines = _merge_lines(b.text if b else "", o.text, t.text)
        if lines is not None:
            parsed = _parse_one(lines, o.key)
            if parsed is not _MISSING:
                return Block(o.key, lines, o.gap, parsed)
        base_table = plain(b.data) if b else {}
        ours_table, theirs_table = plain(o.data), plain(t.data)
        if not all(isinstance(x, dict) for x in (base_table, ours_table, theirs_table)):
            return self._conflict(o, t, f"{_what(o.key)}: both sides changed it")
        merged, clashes = _fields(base_table, ours_table, theirs_table)
        if clashes and not (_is_event(o.key) and set(clashes) <= _DATES):
            names = ", ".join(sorted(clashes))
            how = f"both sides changed {names}" if b else f"both sides added it, with different {names}"
            return self._conflict(o, t, f"{_what(o.key)}: {how}")
        replace: dict[str, str | None] = {}
        has_header = o.key != ("preamble",)
        theirs_spans = _spans(t, has_header)
        for k, v in merged.items():
            if ours_table.get(k, _MISSING) != v and k not in clashes:
                if theirs_spans is None or k not in theirs_spans:
                    return self._conflict(o, t, f"{_what(o.key)}: both sides changed it")
                replace[k] = theirs_spans[k]
        for k in ours_table:
            if k not in merged:
                replace[k] = None
        if clashes:
            claims = _claims_union(ours_table, theirs_table)
            merged = {k: v for k, v in merged.items() if k not in _DATES}
            merged["dates"] = claims
            # The claims go where our date was written.
            where = "date" if "date" in ours_table else "dates"
            replace["date"] = replace["dates"] = None
            replace[where] = _dates_text(claims, self.nl)
            self.result.notes.append(
                f"{_what(o.key)}: both sides changed the date ({_date_words(ours_table)} and "
                f"{_date_words(theirs_table)}); both are kept as disputed claims, none preferred: "
                "mark the right one preferred = true"
            )
        text = _splice(o.text, has_header, replace, self.nl)
        parsed = _parse_one(text, o.key) if text is not None else _MISSING
        if parsed is _MISSING or plain(parsed) != merged:
            return self._conflict(o, t, f"{_what(o.key)}: both sides changed it")
        return Block(o.key, text, o.gap, parsed)  # type: ignore[arg-type]

    def _conflict(self, o: Block | None, t: Block | None, why: str) -> Block:
        self.result.conflicts.append(why)
        m, nl = self.marker, self.nl
        ours_text = _ends(o.text, nl) if o else ""
        theirs_text = _ends(self._ours_newlines(t.text), nl) if t else ""
        text = f"{'<' * m} ours{nl}{ours_text}{'=' * m}{nl}{theirs_text}{'>' * m} theirs{nl}"
        key = (o or t).key  # type: ignore[union-attr]
        return Block(key, text, o.gap if o else "", None)

    def _date(self, block: Block) -> tuple | None:
        if id(block) not in self._when:
            self._when[id(block)] = _when(block.data)
        return self._when[id(block)]

    def _ours_newlines(self, text: str) -> str:
        return text.replace("\r\n", "\n").replace("\n", self.nl) if self.nl == "\r\n" else text.replace("\r\n", "\n")

    def _insert(self, block: Block, n: int, in_order: bool) -> None:
        """Put a block only theirs has where it belongs (see the module's note)."""
        at = None
        when = self._date(block) if _is_event(block.key) and in_order else None
        if when is not None:
            events = [i for i, x in enumerate(self.out) if _is_event(x.key)]
            later = [i for i in events if (self._date(self.out[i]) or when) > when]
            at = later[0] if later else (events[-1] + 1 if events else None)
        if at is None:
            placed = {x.key: i for i, x in enumerate(self.out)}
            anchor = next((placed[x.key] for x in reversed(self.theirs[:n]) if x.key in placed), None)
            at = anchor + 1 if anchor is not None else min(1, len(self.out))
        if at >= len(self.out):
            last = self.out[-1]
            last.text = _ends(last.text, self.nl)
            block.gap, last.gap = last.gap, self.nl
        else:
            block.gap = self.nl
            if at > 0 and self.out[at - 1].text and not self.out[at - 1].gap:
                self.out[at - 1].gap = self.nl
        block.text = _ends(block.text, self.nl) if at < len(self.out) else block.text
        self.out.insert(at, block)


def _same(a: Block, b: Block) -> bool:
    return a.text.replace("\r\n", "\n") == b.text.replace("\r\n", "\n")


def _is_event(key: Key) -> bool:
    return key[0] == "events" and len(key) == 2


def _what(key: Key) -> str:
    if len(key) == 2:
        return f"{key[0][:-1]} '{key[1]}'"
    return "the text before the first table" if key == ("preamble",) else f"[{key[0]}]"


def _ends(text: str, nl: str) -> str:
    return text if text.endswith("\n") or not text else text + nl


def _when(table: Any) -> tuple | None:
    """The event's place by date (earliest, latest), or None when its date cannot be read."""
    from timeline import dates

    if not isinstance(table, dict):
        return None
    try:
        if "date" in table:
            return dates.from_toml(table["date"]).sort_key()
        claims = [c for c in table.get("dates") or [] if isinstance(c, dict)]
        chosen = [c for c in claims if c.get("preferred") is True] or claims
        parsed = [dates.from_toml(c["date"]) for c in chosen]
        return dates.one_of(parsed).sort_key() if len(parsed) > 1 else parsed[0].sort_key()
    except (dates.DateError, KeyError, IndexError, TypeError):
        return None


def _in_order(events: list[Block]) -> bool:
    """Are these events written in timeline order: can each have begun no later than the next one ends?

    A coarse date ("Feb 2024") written after the days it spans still counts as in order.
    """
    keys = [_when(x.data) for x in events]
    if any(k is None for k in keys):
        return False
    return all(a[0] <= b[1] for a, b in zip(keys, keys[1:], strict=False))  # type: ignore[index]


def _fields(base: dict, ours: dict, theirs: dict) -> tuple[dict[str, Any], list[str]]:
    """Field by field: a side's change is taken where the other left the field alone; two different changes clash."""
    merged: dict[str, Any] = {}
    clashes: list[str] = []
    for k in dict.fromkeys([*ours, *theirs, *base]):
        b, o, t = base.get(k, _MISSING), ours.get(k, _MISSING), theirs.get(k, _MISSING)
        if o == t or t == b:
            v = o
        elif o == b:
            v = t
        else:
            clashes.append(k)
            v = o
        if v is not _MISSING:
            merged[k] = v
    return merged, clashes


def _spans(block: Block, has_header: bool) -> dict[str, str] | None:
    """Each top-level `key = value` text of a block, verified by parsing it alone; None if any fails."""
    import tomli

    found = key_spans(block.text, has_header)
    if found is None or not isinstance(block.data, dict):
        return None
    spans, _ = found
    out = {}
    for k, (a, z) in spans.items():
        text = block.text[a:z]
        try:
            if plain(tomli.loads(text)) != {k: plain(block.data.get(k))}:
                return None
        except (tomli.TOMLDecodeError, ValueError, RecursionError):
            return None
        out[k] = text
    return out


def _splice(text: str, has_header: bool, replace: dict[str, str | None], nl: str) -> str | None:
    """Our block's text with some keys' text replaced (None: removed) or added before the block's sub-tables."""
    found = key_spans(text, has_header)
    if found is None:
        return None
    spans, end = found
    edits: list[tuple[int, int, str]] = []
    added = ""
    for k, new in replace.items():
        if k in spans:
            a, z = spans[k]
            edits.append((a, z, _ends(new, nl) if new else ""))
        elif new:
            added += _ends(new, nl)
    if added:
        edits.append((end, end, ("" if end == 0 or text[:end].endswith("\n") else nl) + added))
    for a, z, new in sorted(edits, reverse=True):
        text = text[:a] + new + text[z:]
    return text.rstrip("\r\n") + nl if text.strip() else text


def _claims(table: dict) -> list[dict[str, Any]]:
    if isinstance(table.get("dates"), list):
        return [dict(c) for c in table["dates"] if isinstance(c, dict)]
    return [{"date": table["date"]}] if "date" in table else []


def _chosen(table: dict) -> Any:
    """The date a side gives the event: its one date, its preferred claim's, or None when undecided."""
    if "date" in table:
        return table["date"]
    return next((c.get("date") for c in _claims(table) if c.get("preferred") is True), None)


def _claims_union(ours: dict, theirs: dict) -> list[dict[str, Any]]:
    """Every claim of both sides, one per date (sources joined); preferred only where both sides prefer one date."""
    out: dict[Any, dict[str, Any]] = {}
    for claim in [*_claims(ours), *_claims(theirs)]:
        kept = out.setdefault(claim.get("date"), dict(claim))
        if kept is not claim:
            sources = list(dict.fromkeys([*(kept.get("sources") or []), *(claim.get("sources") or [])]))
            if sources:
                kept["sources"] = sources
    agreed = _chosen(ours) is not None and _chosen(ours) == _chosen(theirs)
    for claim in out.values():
        claim.pop("preferred", None)
        if agreed and claim.get("date") == _chosen(ours):
            claim["preferred"] = True
    return list(out.values())


def _dates_text(claims: list[dict[str, Any]], nl: str) -> str:
    from timeline.write import toml_out

    return f"dates = [{nl}" + "".join(f"  {toml_out.value(c)},{nl}" for c in claims) + f"]{nl}"


def _date_words(table: dict) -> str:
    return ", ".join(str(c.get("date")) for c in _claims(table)) or "no date"


def _parse_one(text: str, key: Key) -> Any:
    """The table a block's text holds, if it is still the one block `key`; else _MISSING."""
    found = split(text)
    if found is None or [x.key for x in found if x.key != ("preamble",) or x.text] != [key]:
        return _MISSING
    return next(x.data for x in found if x.key == key)


def _merge_lines(base: str, ours: str, theirs: str) -> str | None:
    """git's own line merge of three texts; None when it leaves a conflict (or git cannot run)."""
    with tempfile.TemporaryDirectory(prefix="timeline-merge-") as folder:
        names = []
        for label, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = os.path.join(folder, label)
            with open(path, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
            names.append(path)
        try:
            proc = subprocess.run(["git", "merge-file", "-p", *names], capture_output=True, check=False)
        except OSError:
            return None
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8")


def merge_lines(base: bytes, ours: bytes, theirs: bytes, *, marker_size: int = 7) -> tuple[bytes, int]:
    """git's line merge of whole files, with conflict markers; the text and the number of conflicts."""
    with tempfile.TemporaryDirectory(prefix="timeline-merge-") as folder:
        names = []
        for label, data in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = os.path.join(folder, label)
            with open(path, "wb") as fh:
                fh.write(data)
            names.append(path)
        labels = ["-L", "ours", "-L", "base", "-L", "theirs"]
        proc = subprocess.run(
            ["git", "merge-file", "-p", f"--marker-size={marker_size}", *labels, *names],
            capture_output=True,
            check=False,
        )
    if proc.returncode < 0 or proc.returncode > 127:
        from timeline.errors import TimelineError

        raise TimelineError(f"git merge-file failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc.stdout, proc.returncode

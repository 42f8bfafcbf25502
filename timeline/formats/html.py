"""HTML: one standalone, accessible page with a vertical timeline; no script, nothing from the network.

Every piece of store text is HTML-escaped, only http(s) addresses become links, and a
Content-Security-Policy that forbids scripts backs that up should an escape ever be missed.
Dates are `<time datetime>` elements holding only as much of the date as the store knows,
with the exact bounds in `data-earliest`/`data-latest` and in the tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from timeline import dates
from timeline.formats import Context
from timeline.formats.text import (
    actor_labels,
    also_reported,
    citation_extra,
    citation_url,
    clean,
    event_title,
    exact,
    headline,
    relations,
    sections,
    selection,
    source_name,
    web_url,
)
from timeline.model import Citation, DateClaim, Event, Store

_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
# Light and dark, print-friendly, system fonts only: nothing is fetched.
CSS = """
:root {
  color-scheme: light dark;
  --bg: #fbfbfa; --fg: #1c2127; --muted: #545f6b; --rail: #c5ccd3;
  --dot: #1f5fbf; --link: #0b50c0; --warn: #7a4f00;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111417; --fg: #e4e7eb; --muted: #a2acb7; --rail: #3b434c;
    --dot: #6aa8ff; --link: #8ab4f8; --warn: #e0b450;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif;
}
header, main { max-width: 50rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 2rem; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 0 0 .5rem; }
.description { margin: 0 0 .75rem; }
.selection, .legend { margin: .25rem 0; color: var(--muted); font-size: .92rem; }
.dot {
  display: inline-block; width: .7em; height: .7em; border-radius: 50%;
  background: var(--dot); border: 2px solid var(--dot); vertical-align: -.05em;
}
.dot.open { background: transparent; margin-left: .75em; }
h2 { font-size: 1.4rem; margin: 2rem 0 .5rem; padding-bottom: .2rem; border-bottom: 2px solid var(--rail); }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .6rem; color: var(--muted); }
ol.timeline { list-style: none; margin: 0 0 0 .4rem; padding: 0 0 0 1.4rem; border-left: 2px solid var(--rail); }
li.event { position: relative; margin: 0 0 1.4rem; }
li.event::before {
  content: ""; position: absolute; left: calc(-1.4rem - 8px); top: .4em;
  width: 14px; height: 14px; border-radius: 50%;
  background: var(--dot); border: 2px solid var(--dot); box-shadow: 0 0 0 3px var(--bg);
}
li.event.inexact::before { background: var(--bg); }
.when { margin: 0; color: var(--dot); font-weight: 600; font-variant-numeric: tabular-nums; }
.also { color: var(--warn); font-weight: 400; }
h4 { font-size: 1.1rem; line-height: 1.35; margin: .1rem 0 .3rem; }
.summary { margin: .3rem 0; }
.meta { margin: .2rem 0; color: var(--muted); font-size: .92rem; }
.label { font-weight: 600; }
ol.sources { margin: .1rem 0 .2rem; padding-left: 1.6rem; color: var(--muted); font-size: .92rem; }
.id { margin: .2rem 0 0; color: var(--muted); font-size: .8rem; }
a { color: var(--link); overflow-wrap: anywhere; }
a:focus-visible { outline: 2px solid var(--link); outline-offset: 2px; }
@media print {
  :root { --bg: #fff; --fg: #000; --muted: #333; --rail: #888; --dot: #000; --link: #000; --warn: #000; }
  body { font-size: 10.5pt; }
  header, main { max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; }
  li.event { break-inside: avoid; }
  ol.sources a::after { content: " <" attr(href) ">"; font-size: .85em; overflow-wrap: anywhere; }
}
"""


def escape_text(text: str) -> str:
    """Store text for an HTML text node or attribute."""
    return escape(clean(text), quote=True)


def citation_item(c: Citation, store: Store, link_attributes: str = "") -> str:
    """One citation as an `<li>`: the source's name, linked when there is an http(s) address."""
    name = escape_text(source_name(store, c.id))
    url = web_url(citation_url(c, store))
    if url:
        name = f'<a href="{escape(url, quote=True)}"{link_attributes}>{name}</a>'
    return f"<li>{name}{escape_text(citation_extra(c, store))}</li>"


def datetime_value(d: dates.EDate) -> str | None:
    """A valid HTML datetime for `d`: the day, month or year its bounds share; None if they share none."""
    lo, hi = d.known_earliest, d.known_latest
    if lo is None or hi is None:
        return None
    if d.time and lo == hi:
        return f"{lo.isoformat()}T{d.time}"
    if lo == hi:
        return lo.isoformat()
    if (lo.year, lo.month) == (hi.year, hi.month):
        return f"{lo.year:04d}-{lo.month:02d}"
    if lo.year == hi.year:
        return f"{lo.year:04d}"
    return None


def time_element(d: dates.EDate, text: str | None = None) -> str:
    """`<time>` (or a `<span>` when no datetime fits) with the bounds in data attributes and title."""
    words = escape_text(text if text is not None else dates.display(d))
    lo = d.known_earliest.isoformat() if d.known_earliest else None
    hi = d.known_latest.isoformat() if d.known_latest else None
    attrs = ""
    if lo:
        attrs += f' data-earliest="{lo}"'
    if hi:
        attrs += f' data-latest="{hi}"'
    tip = f"on {lo}" if lo and lo == hi else f"earliest {lo or 'unknown'}, latest {hi or 'unknown'}"
    attrs += f' title="{escape_text(tip)}"'
    value = datetime_value(d)
    if value is None:
        return f'<span class="date"{attrs}>{words}</span>'
    return f'<time datetime="{escape_text(value)}"{attrs}>{words}</time>'


def _claim(cl: DateClaim, store: Store) -> str:
    who = ", ".join(source_name(store, s) for s in cl.sources)
    return time_element(cl.date) + (f" ({escape_text(who)})" if who else "")


def _when(e: Event, store: Store) -> str:
    if e.undecided:
        claims = " or ".join(_claim(cl, store) for cl in e.claims)
        return f'<p class="when"><span class="also">disputed:</span> {claims}</p>'
    extra = also_reported(e, store)
    also = f'<span class="also"> · {escape_text(extra)}</span>' if extra else ""
    return f'<p class="when">{time_element(e.date)}{also}</p>'


def _event(e: Event, ctx: Context, shown: set[str]) -> list[str]:
    store = ctx.store
    kind = "exact" if exact(e.date) else "inexact"
    out = [
        f'<li class="event {kind}" id="event-{escape_text(e.id)}">',
        _when(e, store),
        f"<h4>{escape_text(headline(e))}</h4>",
    ]
    if e.summary:
        out.append(f'<p class="summary">{escape_text(e.summary)}</p>')
    actors = actor_labels(e, store)
    if actors:
        out.append(f'<p class="meta"><span class="label">Actors:</span> {escape_text(", ".join(actors))}</p>')
    for label, ids in relations(e, ctx.responses):
        refs = "; ".join(
            f'<a href="#event-{escape_text(i)}">{escape_text(event_title(store, i))}</a>'
            if i in shown
            else escape_text(event_title(store, i))
            for i in ids
        )
        out.append(f'<p class="meta"><span class="label">{label}:</span> {refs}</p>')
    note = ctx.notes.get(e.id)
    if note:
        out.append(
            f'<p class="meta matched"><span class="label">{escape_text(ctx.note_label)}:</span> {escape_text(note)}</p>'
        )
    if e.sources:
        out.append('<p class="meta label">Sources:</p>')
        out.append('<ol class="sources">')
        out += [citation_item(c, store, ' rel="noopener noreferrer"') for c in e.sources]
        out.append("</ol>")
    out += [f'<p class="id">id: <code>{escape_text(e.id)}</code></p>', "</li>"]
    return out


def _header(ctx: Context, count: int) -> list[str]:
    store = ctx.store
    title = ctx.title or store.title or "Timeline"
    out = ["<header>", f"<h1>{escape_text(title)}</h1>"]
    if store.description and ctx.title in (None, store.title):
        out.append(f'<p class="description">{escape_text(" ".join(store.description.split()))}</p>')
    out.append(f'<p class="selection">{escape_text(selection(count, ctx.filters, ctx.total))}</p>')
    out.append(
        '<p class="legend"><span class="dot" aria-hidden="true"></span> a known day '
        '<span class="dot open" aria-hidden="true"></span> a partial, hedged or disputed date</p>'
    )
    return out + ["</header>"]


def render(events: Sequence[Event], ctx: Context) -> str:
    """The timeline as a complete HTML document."""
    title = ctx.title or ctx.store.title or "Timeline"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        f"<title>{escape_text(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        *_header(ctx, len(events)),
        "<main>",
    ]
    shown = {e.id for e in events}
    n = 0
    for year, months in sections(events):
        n += 1
        out += [f'<section aria-labelledby="h-{n}">', f'<h2 id="h-{n}">{escape_text(year)}</h2>']
        for month, group in months:
            n += 1
            if month:
                out += [f'<section aria-labelledby="h-{n}">', f'<h3 id="h-{n}">{escape_text(month)}</h3>']
            out.append('<ol class="timeline">')
            for e in group:
                out += _event(e, ctx, shown)
            out.append("</ol>")
            if month:
                out.append("</section>")
        out.append("</section>")
    if not events:
        out.append('<p class="empty">No events match.</p>')
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"

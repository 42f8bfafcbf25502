"""Make a realistic synthetic store for benchmarks: `python benchmarks/generate.py N [--seed S] > big.toml`.

The same N and seed always give the same bytes. The store looks like a hand-kept one that grew
over years, in the format the README documents:

- 500 actors (about one in ten with a Cyrillic or accented name, most with an office and its span,
  some with aliases), 15 sources with kinds and addresses;
- N events, about 490 bytes each, written in a shuffled order (sorting is real work): dates of
  mixed precision over 1995-2024 (70 % days, 20 % months, 8 % years, 2 % spans or hedged dates),
  a title and a summary drawn from the vocabulary of diplomatic reporting, one to four actors
  (some with the office they acted in), up to five tags, one or two sources (half as citations
  with an article address, some with a publication date), a type;
- links that the dates allow: about 12 % answer an earlier event (`in_response_to`), 2 % are
  `after` one and 1 % `before` a later one; about 1 % have a disputed date (`dates` claims).

Standard library only, so it runs anywhere the project does.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta

START_YEAR = 1995
YEARS = 30
WORDS = [
    "agreement",
    "talks",
    "ministry",
    "statement",
    "embassy",
    "delegation",
    "visit",
    "bilateral",
    "cooperation",
    "security",
    "trade",
    "sanctions",
    "summit",
    "treaty",
    "border",
    "energy",
    "water",
    "resources",
    "investment",
    "grant",
    "programme",
    "parliament",
    "bill",
    "foreign",
    "agents",
    "law",
    "non-governmental",
    "organisations",
    "media",
    "civil",
    "society",
    "election",
    "observers",
    "consultations",
    "protocol",
    "memorandum",
    "signed",
    "ratified",
    "postponed",
    "condemned",
    "welcomed",
    "expressed",
    "concern",
    "urged",
    "reaffirmed",
    "commitment",
    "partnership",
    "strategic",
    "dialogue",
    "regional",
    "stability",
    "development",
    "assistance",
    "loan",
    "customs",
    "union",
    "transit",
    "corridor",
    "railway",
    "pipeline",
    "hydropower",
    "migration",
    "labour",
    "remittances",
    "visa",
    "regime",
    "consulate",
    "ambassador",
    "envoy",
    "counterpart",
]
VERBS = [
    "meets",
    "signs",
    "announces",
    "rejects",
    "criticises",
    "welcomes",
    "hosts",
    "visits",
    "summons",
    "proposes",
    "ratifies",
    "suspends",
]
PLACES = [
    "Bishkek",
    "Moscow",
    "Washington",
    "Astana",
    "Tashkent",
    "Dushanbe",
    "Beijing",
    "Brussels",
    "Ankara",
    "Geneva",
    "Vienna",
    "Osh",
]
TYPES = ("meeting", "statement", "letter", "visit", "agreement", "law", "call", "protest")
ROLES = (
    ("Minister of Foreign Affairs", "foreign minister"),
    ("President", None),
    ("Prime Minister", None),
    ("Ambassador", None),
    ("Deputy Foreign Minister", None),
    ("Spokesperson", None),
    ("Secretary of State", None),
    ("Speaker of Parliament", "speaker"),
    ("Special Envoy", "envoy"),
)
SOURCES = (
    ("tass", "TASS", "news agency"),
    ("ria", "RIA Novosti", "news agency"),
    ("reuters", "Reuters", "news agency"),
    ("ap", "Associated Press", "news agency"),
    ("afp", "Agence France-Presse", "news agency"),
    ("kabar", "Kabar", "news agency"),
    ("24kg", "24.kg", "news agency"),
    ("akipress", "AKIpress", "news agency"),
    ("rferl", "Radio Liberty (RFE/RL)", "broadcaster"),
    ("state-dept", "US State Department", "ministry"),
    ("kg-mfa", "Ministry of Foreign Affairs of the Kyrgyz Republic", "ministry"),
    ("interfax", "Interfax", "news agency"),
    ("xinhua", "Xinhua", "news agency"),
    ("eurasianet", "Eurasianet", "magazine"),
    ("omct", "World Organisation Against Torture (OMCT)", "NGO"),
)
LATIN = [
    "ka",
    "ru",
    "bek",
    "zhan",
    "ai",
    "nur",
    "sul",
    "tan",
    "mir",
    "lan",
    "da",
    "vid",
    "ro",
    "bert",
    "an",
    "na",
    "ma",
    "ri",
    "el",
]
CYRILLIC = ["ка", "ру", "бек", "жан", "ай", "нур", "сул", "тан", "мир", "лан"]
ACCENTED = ["é", "ö", "ü", "ñ", "ç", "ğ", "ş"]
COUNTRIES = ("KG", "US", "RU", "KZ", "UZ", "CN", "TJ", "DE")


def q(text: str) -> str:
    """A TOML basic string (the generated text holds no control characters)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def person(rng: random.Random) -> str:
    """A two-word name; one in ten Cyrillic, one in twenty with an accented letter."""
    roll = rng.random()
    syllables = CYRILLIC if roll < 0.10 else LATIN

    def word() -> str:
        w = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3)))
        if 0.10 <= roll < 0.15:
            cut = rng.randrange(1, len(w))
            w = w[:cut] + rng.choice(ACCENTED) + w[cut:]
        return w.capitalize()

    return f"{word()} {word()}"


def sentence(rng: random.Random, length: int) -> str:
    out: list[str] = []
    size = 0
    while size < length:
        w = rng.choice(WORDS)
        out.append(w)
        size += len(w) + 1
    text = " ".join(out)
    return text[0].upper() + text[1:] + "."


def day(rng: random.Random) -> date:
    return date(START_YEAR, 1, 1) + timedelta(days=rng.randrange(YEARS * 365))


def written(d: date, rng: random.Random) -> str:
    """The date as a curator would write it, at the precision the sources gave."""
    roll = rng.random()
    if roll < 0.70:
        return d.isoformat()
    if roll < 0.90:
        return d.isoformat()[:7]
    if roll < 0.98:
        return str(d.year)
    if roll < 0.99:
        end = d + timedelta(days=rng.randint(1, 20))
        return f"{d.isoformat()}/{end.isoformat()}"
    return d.isoformat()[:7] + rng.choice("?~")


def actors(rng: random.Random, out) -> list[tuple[str, str, str]]:
    """Write 500 [actors.*] tables; return (id, office title or '', name) per actor."""
    made: list[tuple[str, str, str]] = []
    names: set[str] = set()
    while len(made) < 500:
        name = person(rng)
        if name in names:
            continue
        names.add(name)
        aid = f"a{len(made):03d}"
        out.write(f"[actors.{aid}]\nname = {q(name)}\n")
        if rng.random() < 0.2:
            out.write(f"aliases = [{q(name.split()[-1])}]\n")
        out.write(f"country = {q(rng.choice(COUNTRIES))}\n")
        title = ""
        if rng.random() < 0.85:
            title, alias = rng.choice(ROLES)
            start = date(START_YEAR + rng.randrange(YEARS), rng.randint(1, 12), 1)
            end = date(min(start.year + rng.randint(1, 8), 2030), rng.randint(1, 12), 1)
            extra = f", aliases = [{q(alias)}]" if alias else ""
            span = f', start = "{start.isoformat()}"' + (f', end = "{end.isoformat()}"' if rng.random() < 0.7 else "")
            out.write(f"roles = [\n  {{ title = {q(title)}{extra}, org = {q(rng.choice(PLACES))}{span} }},\n]\n")
        out.write("\n")
        made.append((aid, title, name))
    return made


def generate(n: int, seed: int, out) -> None:
    """Write a store of n events to `out`."""
    rng = random.Random(seed)
    out.write(f"# Synthetic store for benchmarks: {n} events, seed {seed}.\n\n")
    out.write(f'[store]\ntitle = "Synthetic diplomatic events ({n})"\n')
    out.write('description = "Made by benchmarks/generate.py; every fact here is invented."\n\n')
    cast = actors(rng, out)
    for sid, name, kind in SOURCES:
        out.write(f'[sources.{sid}]\nname = {q(name)}\nkind = {q(kind)}\nurl = "https://{sid}.example/"\n\n')
    # Days are drawn first and sorted, so that a link can always point the way the dates allow.
    days = sorted(day(rng) for _ in range(n))
    order = list(range(n))
    rng.shuffle(order)
    ids = [f"evt-{i + 1:07d}" for i in range(n)]
    for i in order:
        event(rng, out, i, days, ids, cast)


def event(rng: random.Random, out, i: int, days: list[date], ids: list[str], cast: list[tuple[str, str, str]]) -> None:
    """Write the [[events]] table of the i-th event (by date)."""
    when = days[i]
    out.write(f"[[events]]\nid = {q(ids[i])}\n")
    if rng.random() < 0.01:
        other = when + timedelta(days=rng.randint(1, 3))
        first, second = rng.sample([s for s, _, _ in SOURCES], 2)
        out.write(
            f'dates = [\n  {{ date = "{when.isoformat()}", sources = [{q(first)}], preferred = true }},\n'
            f'  {{ date = "{other.isoformat()}", sources = [{q(second)}], note = "a later report" }},\n]\n'
        )
    else:
        out.write(f"date = {q(written(when, rng))}\n")
    lead = rng.randrange(len(cast))
    title = f"{cast[lead][2].split()[-1]} {rng.choice(VERBS)} {sentence(rng, 30)[:-1].lower()} in {rng.choice(PLACES)}"
    out.write(f"title = {q(title[:90])}\nsummary = {q(sentence(rng, 210))}\ntype = {q(rng.choice(TYPES))}\n")
    people = list(dict.fromkeys([lead, *rng.sample(range(len(cast)), rng.randint(0, 3))]))
    named = []
    for p in people:
        aid, office, _ = cast[p]
        named.append(f"{{ id = {q(aid)}, role = {q(office)} }}" if office and rng.random() < 0.1 else q(aid))
    out.write(f"actors = [{', '.join(named)}]\n")
    tags = rng.sample(range(50), rng.randint(0, 5))
    out.write(f"tags = [{', '.join(q(f'tag{t}') for t in tags)}]\n")
    cited = []
    for sid, _, _ in rng.sample(SOURCES, rng.randint(1, 2)):
        if rng.random() < 0.5:
            cited.append(q(sid))
            continue
        extra = (
            f', published = "{(when + timedelta(days=rng.randint(0, 2))).isoformat()}"' if rng.random() < 0.3 else ""
        )
        cited.append(f'{{ id = {q(sid)}, url = "https://{sid}.example/{rng.randint(10**6, 10**7 - 1)}"{extra} }}')
    out.write(f"sources = [{', '.join(cited)}]\n")
    roll = rng.random()
    if i > 0 and roll < 0.12:
        out.write(f"in_response_to = [{q(ids[rng.randrange(max(0, i - 2000), i)])}]\n")
    elif i > 0 and roll < 0.14:
        out.write(f"after = [{q(ids[rng.randrange(max(0, i - 2000), i)])}]\n")
    elif i + 1 < len(ids) and roll < 0.15:
        out.write(f"before = [{q(ids[rng.randrange(i + 1, min(len(ids), i + 2000))])}]\n")
    out.write("\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="how many events")
    ap.add_argument("--seed", type=int, default=20240403)
    args = ap.parse_args(argv)
    generate(args.n, args.seed, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

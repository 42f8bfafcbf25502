"""Reading the store file: bytes to text (UTF-8, no NUL, not empty), text to parsed TOML."""

from __future__ import annotations

import stat
from pathlib import Path

from timeline.errors import StoreError
from timeline.model import Problem


def read_text(path: Path) -> str:
    """The store's text, or a StoreError that says what is wrong with the file."""
    name = shown(path)
    try:
        mode = path.stat().st_mode
        # A device or socket is not a store, and /dev/zero would never end; a pipe is fine.
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
            raise StoreError(f"{name}: not a regular file; pass the .toml store file itself")
        data = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(f"{name}: no such file; create it with 'timeline init {name}' or check the path") from None
    except IsADirectoryError:
        raise StoreError(f"{name}: is a folder, not a store file; pass the .toml file itself") from None
    except PermissionError:
        raise StoreError(f"{name}: permission denied; check the file's permissions") from None
    except OSError as e:
        raise StoreError(f"{name}: cannot read: {e.strerror or e}") from None
    return decode(data, name)


def decode(data: bytes, name: str) -> str:
    """Store bytes as text; the wrong encoding, a NUL byte or an empty file is a StoreError."""
    # UTF-32's little-endian mark starts with UTF-16's, so it is looked for first.
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise StoreError(f"{name}:1:1: the file is UTF-32; save it as UTF-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise StoreError(f"{name}:1:1: the file is UTF-16; save it as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, col = _place(data, e.start, b"\n")
        byte = data[e.start]
        raise StoreError(f"{name}:{line}:{col}: not valid UTF-8 (byte 0x{byte:02x}); save the file as UTF-8") from None
    # Editors on Windows may start the file with a byte-order mark; TOML parsers reject it,
    # but it carries no meaning in UTF-8, so it is dropped rather than reported.
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text or text.isspace():
        raise StoreError(f"{name}: the file is empty; add [[events]] tables, or remove it and run 'timeline init'")
    nul = text.find("\0")
    if nul >= 0:
        line, col = _place(text, nul, "\n")
        # UTF-16 without a byte-order mark puts a NUL beside every ASCII letter, UTF-32 three.
        if nul < 4 and "\0\0\0" in text[:4]:
            what = "UTF-32 or binary"
        else:
            what = "UTF-16 or binary" if nul < 2 else "binary or damaged"
        raise StoreError(f"{name}:{line}:{col}: a NUL byte; the file looks {what}, save it as UTF-8 text")
    return text


def _place(text, index: int, newline) -> tuple[int, int]:
    """1-based line and column of `index` in `text` (str or bytes)."""
    line_start = text.rfind(newline, 0, index) + 1
    return text.count(newline, 0, index) + 1, index - line_start + 1


def shown(path: Path) -> str:
    """The path as messages name it: control characters escaped."""
    from timeline.text import printable

    return printable(str(path))


def parse_toml(text: str, name: str) -> dict:
    """Parse TOML text; a syntax error becomes a located StoreError."""
    import tomli

    from timeline.text import printable

    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as e:
        line, col = getattr(e, "lineno", None), getattr(e, "colno", None)
        msg = printable(str(getattr(e, "msg", e)))
        problem = Problem("E001", "error", f"TOML syntax error: {msg}; fix the file and try again", name, line, col)
        raise StoreError(problem.brief(), problems=(problem,)) from None
    except RecursionError as e:
        from timeline.store.locate import nesting_start

        if "key has more than" in str(e):
            # tomli's own limit on the parts of a dotted key such as a.b.c
            line = next((n for n, raw in enumerate(text.splitlines(), 1) if raw.count(".") >= 999), None)
            where = f"{name}:{line}" if line else name
            raise StoreError(f"{where}: a dotted key with too many parts to read; shorten it") from None
        deep = nesting_start(text)
        where = f"{name}:{deep[0]}:{deep[1]}" if deep else name
        raise StoreError(f"{where}: arrays or tables nested too deeply to read; flatten them") from None
    except ValueError as e:
        # Python refuses to convert integers of thousands of digits.
        if "digits" in str(e):
            where = _first(text, _LONG_NUMBER, name)
            raise StoreError(f"{where}: a number too long to read; shorten it or quote it as a string") from None
        raise StoreError(f"{name}: cannot parse as TOML: {printable(str(e))}") from None
    except MemoryError:
        raise StoreError(f"{name}: too large to parse as TOML") from None


# Used only after the parser has failed, to say where.
_LONG_NUMBER = r"[0-9][0-9_]{999}"


def _first(text: str, pattern: str, name: str) -> str:
    import re

    m = re.search(pattern, text)
    if m is None:
        return name
    line, col = _place(text, m.start(), "\n")
    return f"{name}:{line}:{col}"

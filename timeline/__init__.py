"""timeline: keep and query a sourced fact timeline stored as TOML."""

__version__ = "0.1.0"

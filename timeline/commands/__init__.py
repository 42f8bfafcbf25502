"""Command bodies, one module per area; `timeline.cli` registers them on the app."""

"""A diagnostic baseline: one typer command with parameters of the same kinds as `timeline list`.

It prints one line and imports nothing of timeline, so the gap between it and typer_min.py is
what typer itself spends on a command with many options.
"""

from typing import Annotated, Optional

import typer

app = typer.Typer()

Many = Annotated[Optional[list[str]], typer.Option()]


@app.command()
def list_(
    terms: Annotated[Optional[list[str]], typer.Argument()] = None,
    actor: Many = None,
    tag: Many = None,
    source: Many = None,
    type_: Many = None,
    text: Many = None,
    since: Annotated[Optional[str], typer.Option()] = None,
    until: Annotated[Optional[str], typer.Option()] = None,
    strict: Annotated[bool, typer.Option("--strict")] = False,
    explain: Annotated[bool, typer.Option("--explain")] = False,
    limit: Annotated[Optional[int], typer.Option(min=0)] = None,
    reverse: Annotated[bool, typer.Option("--reverse")] = False,
    fmt: Annotated[Optional[str], typer.Option("--format")] = None,
    output: Annotated[Optional[str], typer.Option()] = None,
    width: Annotated[Optional[int], typer.Option(min=20)] = None,
    title: Annotated[Optional[str], typer.Option()] = None,
    file: Annotated[Optional[str], typer.Option("--file")] = None,
) -> None:
    print("listed")


if __name__ == "__main__":
    app()

"""Housekeeping commands: where things are (`locate`), the store's health (`db check`),
and the config file (`config --path`, `config --edit`, `config --check`)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from notetui.cli.common import (
    PATH,
    db_option,
    echo_json,
    editor_command,
    fail,
    notes_option,
    run_editor,
)
from notetui.core.config import Config, create_config, load_config
from notetui.core.locations import (
    Locations,
    cache_dir,
    config_path,
    database_path,
    default_notes,
    export_dir,
)
from notetui.core.text import sanitize_line


def user_config(*, quiet: bool = False) -> Config:
    """The config file's settings; its problems go to stderr, one line each."""
    config, problems = load_config(config_path())
    if not quiet:
        for problem in problems:
            click.echo(f"notetui: config: {sanitize_line(problem)}", err=True)
    return config


def configured_notes(path: Path | None) -> Path:
    """The notes folder a command reads: --notes, $NOTETUI_NOTES, the config's `notes`,
    ./notes, then the bundled samples."""
    if path is not None:
        return path
    if os.environ.get("NOTETUI_NOTES", "").strip():
        return default_notes()
    return default_notes(user_config().notes)


def locations(notes: Path | None, db: Path | None) -> Locations:
    return Locations(
        notes=configured_notes(notes).expanduser().absolute(),
        database=database_path(db).expanduser().absolute(),
        config=config_path().expanduser().absolute(),
        export=export_dir().expanduser().absolute(),
        cache=cache_dir().expanduser().absolute(),
    )


@click.command("locate")
@notes_option
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the locations as a JSON object.")
def locate_command(notes: Path | None, db: Path | None, as_json: bool) -> None:
    """Print where notetui reads and writes, one `name: path` per line.

    \b
    notes     the notes folder read when no PATH is given
    database  the annotations and tags store ($NOTETUI_DB, --db)
    config    the config file ($NOTETUI_CONFIG, $NOTETUI_CONFIG_DIR)
    export    where exports go ($NOTETUI_EXPORT)
    cache     the cache folder ($NOTETUI_CACHE)
    """
    found = locations(notes, db)
    rows = {
        "notes": found.notes,
        "database": found.database,
        "config": found.config,
        "export": found.export,
        "cache": found.cache,
    }
    if as_json:
        echo_json({k: str(v) for k, v in rows.items()})
        return
    for name, path in rows.items():
        click.echo(sanitize_line(f"{name}: {path}"))


@click.group("db")
def db_group() -> None:
    """The annotations store."""


@db_group.command("check")
@db_option
def db_check_command(db: Path | None) -> None:
    """Check the store without changing it.

    Prints "ok: N annotations, M tag sets" and exits 0 when the store is healthy (a
    store that does not exist yet is healthy and empty); otherwise prints each
    problem on one line and exits 1. The store and its journal are only read, never
    written.
    """
    from notetui.core.annotations.schema import summarize_store

    path = database_path(db).expanduser()
    summary = summarize_store(path)
    if summary.problems:
        for problem in summary.problems:
            click.echo(sanitize_line(" ".join(problem.split())))
        raise SystemExit(1)
    where = "" if summary.exists else f" (no store at {path} yet)"
    if summary.journal_entries:
        where += f" ({summary.journal_entries} recent changes in its journal)"
    click.echo(
        sanitize_line(f"ok: {summary.annotations} annotations, {summary.tag_sets} tag sets{where}")
    )


@db_group.command("compact")
@db_option
def db_compact_command(db: Path | None) -> None:
    """Fold the journal of recent changes into the store's main file now.

    A big store keeps its newest changes in a journal beside the main file, folded
    in now and then; compact before you copy or commit the main file on its own.
    """
    from notetui.cli.common import open_store
    from notetui.core.annotations.errors import StoreError

    store = open_store(db)
    try:
        store.compact()
    except StoreError as error:
        fail(str(error), 1)
    finally:
        store.close()
    click.echo(sanitize_line(f"compacted {store.path}"))


@click.command("config")
@click.option("--path", "show_path", is_flag=True, help="Print the config file's path.")
@click.option(
    "--edit",
    is_flag=True,
    help="Open the config file in $VISUAL or $EDITOR (created from a template if missing).",
)
@click.option("--check", is_flag=True, help="Check the config file: problems exit 1.")
@click.option(
    "--config",
    "config_file",
    type=PATH,
    default=None,
    help="Use this config file (default: $NOTETUI_CONFIG or the config folder).",
)
@click.pass_context
def config_command(
    ctx: click.Context, show_path: bool, edit: bool, check: bool, config_file: Path | None
) -> None:
    """The config file: notes folder, theme, keymap and thresholds (TOML).

    \b
    notetui config --path    print where it is
    notetui config --edit    edit it (a commented template is written first)
    notetui config --check   print its problems, one line each; exit 1 if any
    """
    if show_path + edit + check != 1:
        if show_path or edit or check:
            fail("use one of --path, --edit and --check")
        click.echo(ctx.get_help())
        return
    path = config_path(config_file).expanduser().absolute()
    if show_path:
        click.echo(sanitize_line(str(path)))
    elif edit:
        _edit(path)
    else:
        _, problems = load_config(path)
        for problem in problems:
            click.echo(sanitize_line(problem))
        if problems:
            raise SystemExit(1)
        where = sanitize_line(str(path))
        click.echo(f"ok: {where}" + ("" if path.exists() else " (not written yet: defaults)"))


def _edit(path: Path) -> None:
    command = editor_command(f" (the config file is {path})")
    try:
        if create_config(path):
            click.echo(sanitize_line(f"wrote a commented template to {path}"), err=True)
    except OSError as error:
        fail(f"cannot write {path} ({error.strerror or error})", 1)
    run_editor(command, path)
    _, problems = load_config(path)
    for problem in problems:
        click.echo(f"notetui: config: {sanitize_line(problem)}", err=True)
    if problems:
        raise SystemExit(1)

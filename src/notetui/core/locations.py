"""Where notetui keeps things. Each location has an environment variable override;
the CLI's flags override those in turn."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import platformdirs

APP_NAME = "notetui"


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    return _env_path("NOTETUI_DATA") or Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return _env_path("NOTETUI_CONFIG_DIR") or Path(
        platformdirs.user_config_dir(APP_NAME, appauthor=False)
    )


def cache_dir() -> Path:
    return _env_path("NOTETUI_CACHE") or Path(
        platformdirs.user_cache_dir(APP_NAME, appauthor=False)
    )


def database_path(override: Path | None = None) -> Path:
    return override or _env_path("NOTETUI_DB") or data_dir() / "annotations.json"


def config_path(override: Path | None = None) -> Path:
    return override or _env_path("NOTETUI_CONFIG") or config_dir() / "config.toml"


def export_dir(override: Path | None = None) -> Path:
    return (
        override
        or _env_path("NOTETUI_EXPORT")
        or Path(platformdirs.user_documents_dir()) / "notetui-exports"
    )


def bundled_notes() -> Path:
    """The sample notes shipped inside the package (or beside it, in a source checkout)."""
    packaged = Path(str(resources.files("notetui") / "sample_notes"))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "notes"


def default_notes(configured: Path | None = None) -> Path:
    """NOTETUI_NOTES, then the configured folder, then ./notes, then the bundled samples."""
    if env := _env_path("NOTETUI_NOTES"):
        return env
    if configured is not None:
        return configured.expanduser()
    local = Path.cwd() / "notes"
    if local.is_dir():
        return local
    return bundled_notes()


@dataclass(frozen=True)
class Locations:
    notes: Path
    database: Path
    config: Path
    export: Path
    cache: Path

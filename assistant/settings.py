"""One place for configuration: defaults, a config file, `QUALIFY_*` env vars, CLI flags."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "qualify"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def default_data_dir() -> Path:
    """Per-user data directory (platformdirs), e.g. ~/.local/share/qualify."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class Settings(BaseSettings):
    """Runtime settings. Env vars: QUALIFY_DB, QUALIFY_TEAM_NAMES, QUALIFY_MODEL_DIR, ..."""

    model_config = SettingsConfigDict(env_prefix="QUALIFY_", extra="ignore")

    db: Path = Field(default_factory=lambda: default_data_dir() / "qualify.db")
    data_dir: Path = Field(default_factory=default_data_dir)
    # Our own team: speakers with these names, or senders from these domains, are reps.
    team_names: list[str] = Field(default_factory=list)
    team_domains: list[str] = Field(default_factory=list)
    max_bytes: int = DEFAULT_MAX_BYTES
    model_dir: Path | None = None
    # Use the transformer layer (semantic signals, sentiment, semantic search) when installed.
    use_model: bool = True
    spacy_model: str | None = None

    @property
    def heads_dir(self) -> Path:
        """Where `qualify train` puts an accepted head; extraction prefers it to the shipped one."""
        return Path(self.data_dir) / "heads"

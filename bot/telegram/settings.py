"""Settings of the Telegram bot, read from the environment once and validated with one clear line per problem."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from engine.content.loader import DEFAULT_DIALOGUES, DEFAULT_SCRIPTS

BOT_TOKEN = re.compile(r"^\d+:\S+$")  # aiogram's own check, without importing aiogram before it is needed
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
REDIS_SCHEMES = ("redis", "rediss", "unix")


class Settings(BaseSettings):
    """Every field is an environment variable of the same name in upper case (see .env.dist)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      case_sensitive=False, frozen=True)

    bot_token: SecretStr = Field(description="Bot token from @BotFather")
    telegram_api_url: str | None = Field(default=None, description="Base URL of a Bot API server")
    admin_ids: str = Field(default="", description="Comma-separated Telegram user ids of trainers")
    redis_url: str | None = Field(default=None, description="Redis for dialogue state (memory if unset)")
    webhook_url: str | None = Field(default=None, description="Public URL Telegram posts updates to")
    webhook_secret: SecretStr | None = Field(default=None, description="Secret token checked on every webhook call")
    webhook_host: str = Field(default="0.0.0.0", description="Interface the webhook server listens on")
    webhook_port: int = Field(default=8080, ge=1, le=65535, description="Port the webhook server listens on")
    db_path: Path | None = Field(default=None, description="SQLite file for records")
    database_url: SecretStr | None = Field(default=None, description="PostgreSQL for records instead of SQLite "
                                                                     "(postgresql://user:password@host/db)")
    dialogues_dir: Path = Field(default=DEFAULT_DIALOGUES, description="Content: YAML folder")
    scripts_dir: Path = Field(default=DEFAULT_SCRIPTS, description="Content: Jinja2 speech folder")
    throttle_rate: int = Field(default=6, ge=1, description="Messages a user may send per throttle period")
    throttle_period: float = Field(default=5.0, gt=0, description="Throttle period, seconds")
    max_text_length: int = Field(default=1000, ge=1, le=4096, description="Longer messages get a polite refusal")
    polling_timeout: int = Field(default=30, ge=0, le=50, description="getUpdates long-poll timeout, seconds")
    typing_after: float = Field(default=0.5, ge=0, description="«typing…» is shown when an answer takes longer, "
                                                                "seconds (0: always)")

    @field_validator("bot_token")
    @classmethod
    def _token(cls, value: SecretStr) -> SecretStr:
        if not BOT_TOKEN.match(value.get_secret_value()):
            raise ValueError("malformed token: expected <digits>:<secret> as given by @BotFather")
        return value

    @field_validator("telegram_api_url", "webhook_url", "redis_url", "webhook_secret", "database_url", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_api_url", "webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parsed = urlparse(value.strip())
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value.strip()

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is not None and urlparse(value.strip()).scheme not in REDIS_SCHEMES:
            raise ValueError(f"not a Redis URL (redis://host:port/db): {value!r}")
        return value.strip() if value else value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and urlparse(value.get_secret_value()).scheme not in ("postgresql", "postgres"):
            raise ValueError("not a PostgreSQL URL (postgresql://user:password@host:port/db)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not SECRET_TOKEN.match(value.get_secret_value()):
            raise ValueError("1-256 characters, only A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("admin_ids")
    @classmethod
    def _admin_ids(cls, value: str) -> str:
        bad = [part.strip() for part in value.split(",") if part.strip() and not part.strip().isdigit()]
        if bad:
            raise ValueError(f"not Telegram user ids: {', '.join(bad)} (use digits separated by commas)")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET: required when WEBHOOK_URL is set")
        return self

    @property
    def admins(self) -> frozenset[int]:
        return frozenset(int(part) for part in self.admin_ids.split(",") if part.strip())

    @property
    def webhook_path(self) -> str:
        return urlparse(self.webhook_url).path or "/" if self.webhook_url else "/webhook"


def settings_problems(error: ValidationError) -> list[str]:
    """One line per problem, naming the environment variable."""
    lines = []
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]).upper()
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "required, not set"
        lines.append(f"{name}: {message}" if name else message)
    return lines


def load_settings(**overrides) -> tuple[Settings | None, list[str]]:
    try:
        return Settings(**overrides), []
    except ValidationError as exc:
        return None, settings_problems(exc)

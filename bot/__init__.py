"""Front ends: the console and Telegram. Transport only — every decision is the engine's."""

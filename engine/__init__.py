"""The headless engine of Собеседник: content, understanding, rules, sessions and records."""

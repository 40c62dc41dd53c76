"""Every size and time limit on input, in one place (README.md, «Limits», states them for users).

Each limit turns hostile or broken input into one clear error instead of a hang, a crash or unbounded memory.
"""
from __future__ import annotations

# Content (YAML written by trainers)
MAX_YAML_BYTES = 256 * 1024  # one content file (the largest shipped one has 34 KB); parsing it takes about 2 s
MAX_YAML_NODES = 100_000  # values of one file after its aliases are expanded (stops «billion laughs»)
MAX_YAML_DEPTH = 64  # nesting of mappings and lists in one file
TEMPLATE_RENDER_SECONDS = 2.0  # rendering one speech template with every sample context at validation

# Input of the command-line tools
MAX_LINE_BYTES = 64 * 1024  # one line of play --script, classify, eligibility, offers: longer is an error
MAX_DIALOGUE_BYTES = 4 * 1024 * 1024  # the JSON file of score

# Numbers a customer profile or an eligibility context may hold (roubles)
MAX_MONEY = 1_000_000_000
MAX_INTEGER_DIGITS = 18  # a JSON integer with more digits is refused before Python converts it

# customers import
MAX_CSV_FIELD_CHARS = 128 * 1024  # one CSV field
MAX_JSON_IMPORT_BYTES = 64 * 1024 * 1024  # a JSON base is read at once; a larger base is imported as CSV
IMPORT_BATCH_ROWS = 500  # rows per write transaction: the bot waits at most one batch for the database

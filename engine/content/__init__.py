"""Content as data: YAML in dialogues/ and Jinja2 speech modules in scripts_ru/, loaded typed and all-or-nothing."""

"""The book's one command-line entry point: ``python -m dharm --help``."""
from .cli import app

app(prog_name="python -m dharm")

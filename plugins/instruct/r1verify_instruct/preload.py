"""Imported once in the engine's fork server: loads the checkers and NLTK data there, so workers start warm."""

from .checkers import registries

registries()

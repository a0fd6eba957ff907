"""Imported once in the engine's fork server: loads the default detector there, so workers start warm."""

from .detectors import get_detector

get_detector("langdetect")

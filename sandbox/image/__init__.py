"""The sandbox image's build context: ``Dockerfile`` and the in-container ``runner.py`` (stdlib only)."""

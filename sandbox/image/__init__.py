"""The sandbox image's build context: ``Dockerfile``, the in-container runner's script ``runner.py`` and its
package ``r1runner/`` (stdlib only)."""

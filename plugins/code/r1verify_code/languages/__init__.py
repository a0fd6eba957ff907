"""Java, JavaScript (node), Go and Rust for the sandbox, registered through ``register_languages``.

Each is a plain :class:`r1verify_sandbox.LanguageSpec`, exactly what a third-party plugin registers: a source
file, a compile command run once per program and a run command run once per test. The toolchains are Debian
bookworm's, installed in the offline-built image (``r1verify sandbox build --offline``).
"""

from __future__ import annotations

from .go import GO
from .java import JAVA
from .javascript import JAVASCRIPT
from .rust import RUST

LANGUAGES = (JAVA, JAVASCRIPT, GO, RUST)

__all__ = ["GO", "JAVA", "JAVASCRIPT", "LANGUAGES", "RUST"]

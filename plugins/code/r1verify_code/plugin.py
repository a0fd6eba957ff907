"""Entry point of r1verify-code: registers its verifiers with r1verify."""

from r1verify import hookimpl  # noqa: F401

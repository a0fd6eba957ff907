"""Docker sandbox with a warm pool for running untrusted model code."""

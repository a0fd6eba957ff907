"""code execution verifier (Docker sandbox) for r1verify."""

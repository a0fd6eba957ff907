"""R1 language-consistency reward for r1verify."""

"""math answer equivalence (math-verify) for r1verify."""

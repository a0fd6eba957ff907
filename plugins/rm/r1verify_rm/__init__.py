"""reward-model scoring (transformers) for r1verify."""

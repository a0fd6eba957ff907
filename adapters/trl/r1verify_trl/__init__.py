"""TRL GRPOTrainer reward functions from r1verify recipes."""

"""OpenRLHF reward function, HTTP reward server and agent from r1verify recipes."""

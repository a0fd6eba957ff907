"""R1 think-format, tag counting and length/repetition shaping rewards for r1verify."""

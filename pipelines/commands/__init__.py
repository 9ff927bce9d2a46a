"""Sub-commands of the nq57 command line, one module each."""

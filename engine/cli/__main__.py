"""`python -m litekube.cli ARGS`: the litekube command. This module does I/O."""
from litekube.cli import main

main()

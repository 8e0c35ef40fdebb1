"""`python -m litekube.cli ARGS`: the litekube command, through the same entry point as the
installed one (signals first, the quick exit). This module does I/O."""
from litekube.entry import main

main()

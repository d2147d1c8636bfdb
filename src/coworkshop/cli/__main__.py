"""``python -m coworkshop.cli``."""

from . import main

main()

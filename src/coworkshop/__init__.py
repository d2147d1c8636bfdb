"""coworkshop: facilitate policy co-creation workshops from the terminal."""

__version__ = "0.1.0"

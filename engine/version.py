"""Version of the engine code, reported in every assessment."""

__version__ = "0.1.0"

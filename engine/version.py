"""Version of the engine code, reported in every assessment."""

__version__ = "0.2.0"

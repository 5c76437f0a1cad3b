"""kinetic-chain: the command line for clinicians (`python cli.py ...` from a checkout).

The commands live in `engine.commands`; the installed console script points there too, so the wheel
installs no top-level `cli` module.
"""

from engine.commands import run

if __name__ == "__main__":
    run()

"""The r1verify sandbox runner's script: ``python3 -I runner.py --work DIR [--scrub DIR ...] [--preload ...]``.

The runner itself is the package next to this script, ``r1runner/`` (its ``__init__`` describes the protocol and
what every run gets). ``-I`` keeps the script's folder off ``sys.path``, so the script puts it there just long
enough to import the package and then takes it off again: the Python programs the runner executes in its forks
see the ``sys.path`` they always did (the standard library), and the package's modules live under ``r1runner.``
in ``sys.modules``, where no program's own module names can collide with them.

Standard library only: it runs on whatever python3 the image has (3.9 or newer).
"""

import os
import sys


def _main():
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    try:
        from r1runner.main import main
    finally:
        sys.path.remove(here)
    return main


if __name__ == "__main__":
    sys.exit(_main()(sys.argv[1:]))

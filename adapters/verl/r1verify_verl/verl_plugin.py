"""veRL's ``verl.plugins`` entry point: importing veRL registers the ``r1verify`` reward managers.

Set ``VERL_USE_EXTERNAL_PLUGINS=none`` to keep veRL from importing it.
"""

from . import manager  # noqa: F401 - registration happens at import

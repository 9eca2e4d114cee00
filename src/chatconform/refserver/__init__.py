"""The reference provider: a real HTTP server on loopback that follows every documented behaviour.

No model: answers are deterministic text. Faults (per request: header `x-chatconform-fault`, or for the
whole server) break one rule each, so the self-test can prove every check catches what it claims.
"""

from chatconform.refserver._faults import FAULTS, Fault
from chatconform.refserver._guard import Limits
from chatconform.refserver._http import ReferenceServer

__all__ = ["FAULTS", "Fault", "Limits", "ReferenceServer"]

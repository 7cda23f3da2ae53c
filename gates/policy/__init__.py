"""The policy, ``gates.toml``: its schema, loading it, what a mistake meant, the base branch's, waivers.

* :mod:`gates.policy.schema`: the keys and their JSON Schema (built from :mod:`gates.catalog`);
* :mod:`gates.policy.load`: ``gates.toml`` -> a typed :class:`~gates.policy.load.Policy`;
* :mod:`gates.policy.hints`: what a misspelt or misplaced name was meant to be;
* :mod:`gates.policy.names`: a policy's stage, tool and path names against the evidence there;
* :mod:`gates.policy.base`: a pull request judged by its base branch's policy, tightened only;
* :mod:`gates.policy.waivers`: which waiver covers which finding, gate or problem.
"""

from gates.policy.load import GateSpec, Policy, load_policy, parse_policy
from gates.policy.settings import Settings
from gates.policy.waivers import Waiver

__all__ = ["GateSpec", "Policy", "Settings", "Waiver", "load_policy", "parse_policy"]

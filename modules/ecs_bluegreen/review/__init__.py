"""The plan review (`bluegreen review`): a Terraform plan, sorted by what each change means for a
blue/green service.

The plan is Terraform's JSON (`terraform show -json PLANFILE`), checked at the door (plan.py).
Every change falls in one class (findings.FindingClass: what each means, and whether it blocks),
by the first that applies, and some in two. Each concern reads the changes on its own and returns
what it found: impact.py (the traffic path, data, health checks), network.py and iam.py (who can
reach what), deploys.py (what waits for the next deployment), migration.py (a move to the
ECS-native engine, told as notes: step 1 hands the service to ECS in place, step 2 removes the
CodeDeploy resources no service deploys through any more, which interrupts nothing); classify.py
puts them together, and formats.py says the result as text, markdown or JSON.

Which resource plays which part (the test listener, the blue target group, the service) comes from
the stack's outputs in the plan (roles.py), never from names; the rollout timeline (timeline.py)
from the same parts. A task definition's change is told by the differ `deploy` uses
(revisions.py): variables and secrets by name only. Light on purpose: no CDKTF, no boto3, and
nothing of the command.
"""

from __future__ import annotations

from .classify import review
from .findings import Finding, FindingClass, Review
from .formats import FORMATS
from .plan import PlanError, load_plan

__all__ = ["FORMATS", "Finding", "FindingClass", "PlanError", "Review", "load_plan", "review"]

"""The constructs: one module per AWS concept, one part per engine (engines/), and `blue_green.py`,
the composite that wires them."""

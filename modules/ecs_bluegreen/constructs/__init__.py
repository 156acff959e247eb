"""The constructs: one module per AWS concept, and `blue_green.py`, the composite that wires them."""

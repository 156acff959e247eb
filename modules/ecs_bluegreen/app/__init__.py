"""The app's side: settings read from JSON (config.py), and the deployable stacks with their outputs
(stack.py)."""

"""Build-time experiments: deterministic problems × Rprop conventions → result records → SVG figures.

- `problems`: the loss functions and their NumPy gradients.
- `scenarios.yml`: the scenarios, as data.
- `run`: runs a scenario with `rprop_ref` and returns its records.
- `figures`: draws the records as SVG (one light and one dark variant).
"""

"""Models of the subsidies app: filled in by its own issue."""

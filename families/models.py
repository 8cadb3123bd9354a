"""Models of the families app: filled in by its own issue."""

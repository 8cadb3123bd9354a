"""Models of the referrals app: filled in by its own issue."""

"""Views of the planning app, one module per subject (sites, day plan, today, shifts, …)."""

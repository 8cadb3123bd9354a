"""Signals the planning app sends for apps that depend on it (planning never imports them)."""

from django.dispatch import Signal

# Attendance of a booking was undone, corrected or settled: figures stored for its day
# (the subsidies' nightly snapshots) are out of date. Sent with `booking`.
past_attendance_changed = Signal()

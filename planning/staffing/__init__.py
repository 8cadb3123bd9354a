"""Staff shifts, the waiting list, transitions to a regular place and the bookings that
regular care plans generate: one module per subject.

Selectors (reads) take the user and scope through elief.scoping; services (writes) are
keyword-only, typed and atomic. The plain helpers without the database (a shift cell's
errors, weeks in a row) sit next to the code that uses them and are tested on their own.
"""

from planning.staffing.regular import *  # noqa: F403
from planning.staffing.shifts import *  # noqa: F403
from planning.staffing.transitions import *  # noqa: F403
from planning.staffing.waiting import *  # noqa: F403

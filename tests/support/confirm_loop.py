"""Child process of the crash test: confirms candidates one by one until killed.

It prints each registration id and ticket number right after the confirmation's commit
returned (a printed line is an acknowledged confirmation), and ``DONE`` when none is left.
"""

from __future__ import annotations

import sys

from sqlalchemy import select

from desk_app.domain.workflow import CandidateState
from desk_app.persistence.models import Candidate
from tests.support.factories import make_application


def main(url: str) -> None:
    app = make_application(url, DESK_APP_TICKETS_BLOCK_SIZE="7", DESK_APP_TICKETS_PERIOD="271")
    while True:
        with app.database.reading() as uow:
            registration_id = uow.session.execute(
                select(Candidate.registration_id)
                .where(Candidate.state == CandidateState.PRE_REGISTERED.value)
                .order_by(Candidate.id)
                .limit(1)
            ).scalar_one_or_none()
        if registration_id is None:
            sys.stdout.write("DONE\n")
            sys.stdout.flush()
            return
        change = app.workflow.confirm(registration_id, "clerk")
        # One write per line: with PYTHONUNBUFFERED, print(a, b) writes its pieces separately
        # and a kill between them would leave half an acknowledgement.
        sys.stdout.write(f"{registration_id} {change.ticket_number}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])

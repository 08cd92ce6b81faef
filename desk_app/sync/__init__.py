"""Exchange with the central PostgreSQL database: offline-first counters, server authority.

``protocol`` holds what both sides say to each other (scopes, grants, answers, errors); ``judge``
the central side's judgement of a counter's events, as pure functions; ``central`` the central
store that reads what a batch needs, has it judged and writes the result; ``syncer`` the
counter's side (lease ticket blocks, push the outbox, pull the scope); ``binding`` the
registration of a counter, its status and its conflicts. No Qt here: the GUI runs a Syncer on
its database worker.
"""

"""Exchange between counters and the central PostgreSQL database, through the sync service.

Central side: ``service`` (the HTTPS service, the only holder of database credentials),
``signing`` (signed, replay-protected requests), ``tls`` (certificates and pinning), ``registry``
(counters, enrolment codes, keys, nonces), ``operators`` (operators are central),
``blocklist`` (the authority's blocklist, and what it takes from counters), ``confirmed_faces``
(the 1:N check of a confirmation's face against every counter's confirmed candidates),
``privileges`` (the service's least-privilege role), ``central`` (the store), ``applying`` (a
batch read, judged and written), ``judge`` (the judgement of events as pure functions,
attachments judged without decoding them).

Counter side: ``enrolment`` (a counter's key pair and pinned certificate), ``client`` (signed
HTTPS calls), ``syncer`` (lease ticket blocks, push the outbox, share and pull the blocklist,
pull the scope and the operators), ``binding`` (status and conflicts for the screens).
``protocol`` is what both sides say to each other. No Qt here: the GUI runs a Syncer on its
database worker.
"""

"""Active liveness: a random challenge (blink, turn left, turn right) judged per frame from
landmarks, with a flat-picture defence and a same-person check (issue 14).

- ``measures``: the face in one frame (68 landmarks, yaw, normalised eye openness).
- ``planar``: does the face move as one plane (a photo or a screen)?
- ``judge``: the challenge's rule, fed one observation per frame; coded reasons.
- ``runner``: measuring frames and feeding the judge (the counter and the CLI).
- ``clips``: recordings as frames with timestamps; ``attacks``: attack sequences in code.
- ``passive``: the slot for a passive single-frame model (none ships).
"""

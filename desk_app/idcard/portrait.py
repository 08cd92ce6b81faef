"""The chip portrait: a 1024-byte WLT image that only vendor libraries can decode.

No decoder ships with the product (the format is proprietary). A package wrapping a vendor
library registers one in the ``desk_app.wlt_decoders`` entry-point group, as a callable taking
the 1024 bytes and returning PNG or JPEG bytes. Without one, the card portrait comes from the
camera reading of the card.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points

ENTRY_POINT_GROUP = "desk_app.wlt_decoders"
WltDecoder = Callable[[bytes], bytes]


def find_wlt_decoder() -> WltDecoder | None:
    """The first registered decoder, or None when no vendor plug-in is installed."""
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        decoder: WltDecoder = entry_point.load()
        return decoder
    return None

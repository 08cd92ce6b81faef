"""The chip portrait: a 1024-byte WLT image that only vendor libraries can decode.

No decoder of the format ships with the product (it is proprietary). Decoders are found in the
``desk_app.wlt_decoders`` entry-point group. An entry is either a decoder (a callable taking the
1024 bytes and returning PNG or JPEG bytes, raising on failure) or a factory marked with
``desk_app_factory = True`` that builds one from the ``[faces]`` settings. The product registers
one factory itself (``desk_app.idcard.wlt.configured_decoder``): a vendor library configured by
path, called in a helper process, plus the demo decoder of the simulator's cards. A vendor
plug-in package, when installed, is preferred to it.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points

from desk_app.config import FaceSettings, load_settings

ENTRY_POINT_GROUP = "desk_app.wlt_decoders"
OWN_ENTRY_POINT = "native"
WltDecoder = Callable[[bytes], bytes]


def find_wlt_decoder(faces: FaceSettings | None = None) -> WltDecoder | None:
    """A vendor plug-in's decoder if one is installed, else the product's own (the configured
    native library and the demo decoder); None only when no entry point is registered."""
    found = sorted(
        entry_points(group=ENTRY_POINT_GROUP),
        key=lambda entry_point: entry_point.name == OWN_ENTRY_POINT,  # plug-ins first
    )
    for entry_point in found:
        loaded = entry_point.load()
        if getattr(loaded, "desk_app_factory", False):
            decoder: WltDecoder = loaded(faces if faces is not None else load_settings().faces)
            return decoder
        plain: WltDecoder = loaded
        return plain
    return None

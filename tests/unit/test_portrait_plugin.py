from __future__ import annotations

import pytest

from desk_app.config import FaceSettings
from desk_app.idcard.portrait import ENTRY_POINT_GROUP, find_wlt_decoder
from desk_app.idcard.wlt import ConfiguredDecoder, WltError


def test_without_a_vendor_library_only_demo_portraits_decode() -> None:
    assert ENTRY_POINT_GROUP == "desk_app.wlt_decoders"
    decoder = find_wlt_decoder(FaceSettings())
    assert isinstance(decoder, ConfiguredDecoder) and decoder.native is None
    with pytest.raises(WltError) as raised:
        decoder(bytes(1024))  # a real card's WLT portrait
    assert raised.value.code == "wlt.no_decoder"


def test_a_configured_library_is_used_for_real_portraits() -> None:
    decoder = find_wlt_decoder(FaceSettings(wlt_library="/opt/vendor/libwlt2bmp.so"))
    assert isinstance(decoder, ConfiguredDecoder) and decoder.native is not None
    assert str(decoder.native.library) == "/opt/vendor/libwlt2bmp.so"

from __future__ import annotations

from desk_app.idcard.portrait import ENTRY_POINT_GROUP, find_wlt_decoder


def test_no_decoder_ships_with_the_product() -> None:
    assert ENTRY_POINT_GROUP == "desk_app.wlt_decoders"
    assert find_wlt_decoder() is None

"""The dummy hash that an unknown operator's password is checked against is written out in the
code (computing it cost every start ~0.1 s). It must cost what a real operator's hash costs: the
same argon2 variant and parameters as the hasher makes today, and it must verify as a hash."""

from __future__ import annotations

import pytest
from argon2 import extract_parameters
from argon2.exceptions import VerifyMismatchError

from desk_app.security import operators


def test_the_dummy_hash_has_the_hashers_parameters() -> None:
    fresh = operators._hasher.hash("any password at all")
    assert extract_parameters(operators._DUMMY_HASH) == extract_parameters(fresh)


def test_the_dummy_hash_is_a_hash_that_verifies_its_phrase_only() -> None:
    phrase = "no operator has this password: it only takes the same time"
    assert operators._hasher.verify(operators._DUMMY_HASH, phrase)
    with pytest.raises(VerifyMismatchError):
        operators._hasher.verify(operators._DUMMY_HASH, "a guess")

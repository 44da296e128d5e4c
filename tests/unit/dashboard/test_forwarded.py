"""HRV_RELAX_TRUSTED_PROXIES: addresses and networks, this computer always; typos refused."""

from __future__ import annotations

import pytest

from hrv_relax.dashboard.forwarded import trusted_proxies
from hrv_relax.errors import ConfigurationError


def test_this_computer_is_always_trusted_and_more_can_be_named() -> None:
    assert trusted_proxies("") == "127.0.0.1,::1"
    assert trusted_proxies(" 10.0.0.5, 10.1.0.0/16 ,") == "127.0.0.1,::1,10.0.0.5,10.1.0.0/16"


def test_a_mistyped_proxy_is_a_clear_error() -> None:
    # uvicorn itself would take it as a literal name and trust nothing by it, silently.
    with pytest.raises(ConfigurationError, match=r"'10\.0\.0\.300' is not an address"):
        trusted_proxies("10.0.0.5, 10.0.0.300")

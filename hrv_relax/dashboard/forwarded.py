"""Which reverse proxies are believed about the browser's address.

Behind a proxy every browser connects from the proxy's address, so the per-address sign-in
limit would lock out everyone there at once. The web server (uvicorn, under Streamlit) takes
the browser's address from `X-Forwarded-For` only when the request comes from a proxy it
trusts, and then the right-most address that is not itself a trusted proxy (a browser may put
anything in front; a proxy appends the address it saw). It trusts this computer (127.0.0.1,
::1) and the addresses or networks in `HRV_RELAX_TRUSTED_PROXIES` (comma-separated); anyone
else's `X-Forwarded-For` is ignored, so a browser cannot name its own address.
"""

from __future__ import annotations

import ipaddress

from hrv_relax.config import ENV_TRUSTED_PROXIES
from hrv_relax.errors import ConfigurationError

#: uvicorn's setting (an environment variable it reads when the server starts).
UVICORN_TRUSTED = "FORWARDED_ALLOW_IPS"
ALWAYS_TRUSTED = ("127.0.0.1", "::1")


def trusted_proxies(raw: str) -> str:
    """uvicorn's FORWARDED_ALLOW_IPS for `HRV_RELAX_TRUSTED_PROXIES`; a clear error for
    anything that is not an address or a network (uvicorn would silently ignore it)."""
    items = [part.strip() for part in raw.split(",") if part.strip()]
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError as exc:
            raise ConfigurationError(
                f"{ENV_TRUSTED_PROXIES}: {item!r} is not an address or network "
                "(e.g. 10.0.0.5 or 10.0.0.0/24)"
            ) from exc
    return ",".join(dict.fromkeys((*ALWAYS_TRUSTED, *items)))

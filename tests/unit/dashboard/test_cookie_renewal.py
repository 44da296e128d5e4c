"""The script a signed-in page runs once to trade its cookie: where it reloads to."""

from __future__ import annotations

import re

from hrv_relax.dashboard.cookie_renewal import renewal_script


def _reload_address(script: str) -> str:
    found = re.search(r"var here = window\.location\.pathname \+ (\"[^\"]*\");", script)
    assert found is not None, script
    return found.group(1)


def test_the_reload_keeps_the_query_the_run_began_with() -> None:
    """The review page rewrites ?session= to a session of the viewer's own while the script
    is on its way: the reload must ask again for the address the sign-in was given."""
    script = renewal_script("t", {"session": ["21"]})
    assert _reload_address(script) == '"?session=21"'
    assert _reload_address(renewal_script("t", {})) == '""'
    assert "window.location.href" not in script


def test_a_hostile_query_cannot_end_the_string_or_the_script() -> None:
    script = renewal_script("t", {"session": ['1"; alert(1); "', "</script><b>"], "x y": ["é"]})
    address = _reload_address(script)
    assert address == (
        '"?session=1%22%3B+alert%281%29%3B+%22&session=%3C%2Fscript%3E%3Cb%3E&x+y=%C3%A9"'
    )
    assert script.count("</script>") == 1 and script.endswith("</script>")

"""Every word the reports templates ask for exists in Thai and English."""

from __future__ import annotations

import re

from sync_server.reports.strings import STRINGS
from sync_server.web.i18n import STRINGS as OFFICE_STRINGS
from sync_server.web.templating import TEMPLATE_DIR

_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']""")


def test_every_key_in_the_reports_templates_has_thai_and_english() -> None:
    used = {key for path in (TEMPLATE_DIR / "reports").glob("*.html")
            for key in _KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 30
    missing = sorted(k for k in used if k not in STRINGS and k not in OFFICE_STRINGS)
    assert not missing
    for key in used & set(STRINGS):
        thai, english = STRINGS[key]
        assert thai and english
        # Thai text in Thai, unless the word is a name both languages share.
        assert re.search("[\u0e00-\u0e7f]", thai) or thai == english, key

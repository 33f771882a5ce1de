"""Every word the office templates ask for exists in Thai and English."""

from __future__ import annotations

import re

import sync_server.web.i18n as i18n
from schemas import KIND_FIELDS, code_label, codes, field_specs
from sync_server.web.i18n import STRINGS, translate
from sync_server.web.templating import TEMPLATE_DIR, be_date, be_datetime

# t("key") and t('key'), plus keys built as t("prefix_" ~ value) checked through their values.
_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']""")


def office_templates() -> list[str]:
    return [p.read_text() for p in TEMPLATE_DIR.glob("*.html")]


def test_every_key_used_in_the_templates_has_both_languages() -> None:
    used = {key for text in office_templates() for key in _KEY.findall(text)
            if not key.endswith("_")}  # "role_" ~ role: checked below
    assert used, "no t() calls found: the pattern is out of date"
    missing = sorted(used - STRINGS.keys())
    assert missing == []
    for key in used:
        thai, english = STRINGS[key]
        assert thai.strip() and english.strip(), key
    # Keys composed in templates: t("role_" ~ role), t("standard_" ~ s), t("ev_" ~ kind).
    for key in ("role_officer", "role_supervisor", "role_partner", "role_admin",
                "standard_held", "standard_expiring", "standard_none", "ev_same_id",
                "ev_same_phone"):
        assert key in STRINGS


_LABEL_CALL = re.compile(r"""\blabel\(\s*["']([a-z_]+)["']""")


def _schema_titles() -> set[str]:
    titles: set[str] = set()

    def walk(specs: tuple) -> None:
        for spec in specs:
            titles.update(c.title_th for c in spec.choices)
            titles.update(c.title_en for c in spec.choices)
            walk(spec.children)

    for record_type in ("producer", "product", "visit", "plan_item", "network_link", "photo"):
        walk(field_specs(record_type))
    return titles


def test_code_labels_come_from_the_schemas_only() -> None:
    """Issue 14 item 2: the office kept its own copy of the code labels (24 of 49 differed
    from the schema's). Every label() in a template names a kind the schemas know, and the
    office's word list holds no code label of its own."""
    reports = TEMPLATE_DIR / "reports"
    texts = office_templates() + [p.read_text() for p in reports.glob("*.html")]
    kinds = {kind for text in texts for kind in _LABEL_CALL.findall(text)}
    assert kinds, "no label() calls found: the pattern is out of date"
    assert kinds <= KIND_FIELDS.keys(), kinds - KIND_FIELDS.keys()
    assert not hasattr(i18n, "CODE_LABELS") and not hasattr(i18n, "code_label")
    copied = {key for key, (th, en) in STRINGS.items()
              if th in _schema_titles() and key.startswith(("status_", "category_", "need_"))}
    assert copied == set()
    assert codes("category") == ("food", "beverage", "textile", "household", "herbal")
    assert codes("plan_status") == ("planned", "in_progress", "done", "cancelled")
    assert len(codes("need")) == 9 and len(codes("standard")) == 9
    assert code_label("producer_type", "sme") == "วิสาหกิจขนาดกลางและขนาดย่อม (SME)"
    assert code_label("category", "food", "en") == "Food"
    assert code_label("category", "unknown_code", "th") == "unknown_code"
    assert code_label("quadrant", "C") == "C กลุ่มพัฒนาสู่ตลาด"


def test_placeholders_and_missing_keys() -> None:
    assert translate("results_count", "th", n="1,234") == "พบ 1,234 ราย"
    assert translate("results_count", "en", n=3) == "3 found"
    assert translate("no_such_key", "th") == "[no_such_key]"
    assert translate("app_name", "en", {"app_name": ("รายงาน", "Reports")}) == "Reports"


def test_dates_are_shown_in_the_buddhist_era_and_thai_time() -> None:
    assert be_date("2026-10-01") == "1 ต.ค. 2569"
    assert be_date("2026-10-01", "en") == "1 Oct 2026"
    assert be_datetime("2026-11-24T20:30:00+00:00") == "25 พ.ย. 2569 03:30"
    assert be_date(None) == "" and be_date("not a date") == "not a date"


def test_reports_and_office_show_the_same_labels() -> None:
    """The reports' labels are a view over the schema's: same text for every code of every
    kind, in both languages (only an empty value reads "ไม่ระบุ" there)."""
    from sync_server.reports import labels as report_labels

    for kind in KIND_FIELDS:
        for code in codes(kind):
            for lang in ("th", "en"):
                assert report_labels.code_label(kind, code, lang) == code_label(kind, code, lang)
    assert report_labels.code_label("category", None) == "ไม่ระบุ"
    assert code_label("category", None) == ""

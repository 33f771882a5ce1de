"""Schema-driven form controls: one control per field spec, saving on every change.

`RecordForm` renders fields of one record (producer, product, visit, plan item) from
`schemas.field_specs`, and calls `save({top_level_field: value})` whenever a value changes,
so a killed app loses at most the keystroke in flight. Nested objects (address, packaging,
group strength) are saved whole: the top-level field is the unit of merge.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import flet as ft

from fieldapp.i18n import STRINGS
from fieldapp.logic.forms import (
    add_list_item,
    display_text,
    parse_moo,
    parse_text,
    shown,
    with_child,
)
from fieldapp.logic.links import excluded_ids, pickable
from fieldapp.logic.producer_list import producer_rows
from fieldapp.ui.context import AppContext
from fieldapp.ui.gps import GpsField
from fieldapp.ui.picker import ChoicePicker
from fieldapp.ui.screen import UiEvent
from fieldapp.ui.widgets import icon_button

if TYPE_CHECKING:
    from schemas import FieldSpec

__all__ = ["AddressField", "ListField", "ProducerPickerField", "RecordForm"]

Save = Callable[[dict[str, Any]], None]
# (field, text typed or None when it became valid, message_th, message_en)
KeepTyped = Callable[[str, str | None, str, str], None]
KEYBOARDS = {
    "phone": ft.KeyboardType.PHONE,
    "number": ft.KeyboardType.NUMBER,
    "year_be": ft.KeyboardType.NUMBER,
    "id_number": ft.KeyboardType.NUMBER,
    "postal_code": ft.KeyboardType.NUMBER,
    "date": ft.KeyboardType.DATETIME,
}


class RecordForm:
    def __init__(
        self,
        ctx: AppContext,
        record_type: str,
        record: dict[str, Any],
        save: Save,
        pending: dict[str, dict[str, str]] | None = None,
        keep_typed: KeepTyped | None = None,
    ) -> None:
        self.ctx = ctx
        self.record_type = record_type
        self.record = record
        self._save = save
        # what was typed but is not valid (kept on the phone): shown again with its message
        self.pending = pending if pending is not None else {}
        self.keep_typed = keep_typed
        # top-level field -> the text last typed in its box
        self.texts: dict[str, str] = {}
        # dotted path -> the control showing that field's error
        self.error_targets: dict[str, Any] = {}

    @property
    def lang(self) -> str:
        return self.ctx.tr.lang

    def label(self, spec: FieldSpec) -> str:
        title = str(spec.title(self.lang))
        if spec.unit_th or spec.unit_en:
            unit = spec.unit_en if self.lang == "en" else spec.unit_th
            title = f"{title} ({unit})"
        return f"{title} *" if spec.required_final else title

    # --- saving -------------------------------------------------------------------------
    def set_top(self, name: str, value: Any) -> None:
        if value is None:
            self.record.pop(name, None)
        else:
            self.record[name] = value
        self._save({name: value})

    def setter(self, spec: FieldSpec, parent: str | None) -> Callable[[Any], None]:
        if parent is None:
            return lambda value: self.set_top(spec.name, value)

        def set_child(value: Any) -> None:
            self.set_top(parent, with_child(self.record.get(parent), spec.name, value))

        return set_child

    def value_of(self, spec: FieldSpec, parent: str | None) -> Any:
        if parent is None:
            return self.record.get(spec.name)
        obj = self.record.get(parent) or {}
        return obj.get(spec.name) if isinstance(obj, dict) else None

    # --- building -----------------------------------------------------------------------
    def controls(self, specs: Sequence[FieldSpec]) -> list[ft.Control]:
        return [c for spec in specs if shown(spec) for c in [self.control(spec, None)] if c]

    def control(self, spec: FieldSpec, parent: str | None) -> ft.Control | None:
        widget = spec.widget
        value = self.value_of(spec, parent)
        set_value = self.setter(spec, parent)
        path = spec.path
        if widget in ("readonly", "datetime"):
            if value in (None, ""):
                return None
            return ft.Text(f"{spec.title(self.lang)}: {self.describe(spec, value)}")
        if widget == "address":
            field = AddressField(self, spec)
            self.error_targets[path] = field.subdistrict
            return field.column
        if widget == "gps":
            gps = GpsField(self.ctx, self.label(spec), value, set_value)
            return gps.column
        if widget == "group":
            children = [
                c
                for child in spec.children
                if shown(child)
                for c in [self.control(child, spec.name)]
                if c
            ]
            return ft.Column(
                [ft.Text(self.label(spec), weight=ft.FontWeight.BOLD), *children], spacing=8
            )
        if widget == "repeat":
            return RepeatField(self, spec).column
        if widget == "record_picker":
            picker = ProducerPickerField(self, spec, value, set_value)
            self.error_targets[path] = picker
            return picker.column
        if widget == "list":
            return ListField(self, spec, value, set_value).column
        if widget == "checkbox":
            return ft.Checkbox(
                label=self.label(spec),
                value=bool(value),
                on_change=lambda e: set_value(bool(e.control.value)),
            )
        if spec.multiple or widget == "multiselect":
            chosen = set(value or [])

            def toggle(e: UiEvent, code: Any) -> None:
                if e.control.value:
                    chosen.add(code)
                else:
                    chosen.discard(code)
                order = [c.code for c in spec.choices]
                set_value([c for c in order if c in chosen] or None)

            boxes: list[ft.Control] = [
                ft.Checkbox(
                    label=c.title(self.lang),
                    value=c.code in chosen,
                    on_change=lambda e, code=c.code: toggle(e, code),
                )
                for c in spec.choices
            ]
            return ft.Column([ft.Text(self.label(spec)), *boxes], spacing=0)
        if spec.choices or widget == "stars":
            return self.choice_control(spec, value, set_value)
        # text, textarea, numbers, years, dates, phone, id and postal code
        return self.text_control(spec, value, set_value)

    def choice_control(
        self, spec: FieldSpec, value: Any, set_value: Callable[[Any], None]
    ) -> ft.Control:
        choices = [(c.code, c.title(self.lang)) for c in spec.choices] or [
            (n, f"{n} {spec.unit_en if self.lang == 'en' else spec.unit_th or ''}".strip())
            for n in range(1, 6)
        ]
        as_int = all(isinstance(code, int) for code, _ in choices)

        def decode(text: str | None) -> Any:
            if text in (None, ""):
                return None
            return int(text) if as_int else text

        if spec.widget == "select" and len(choices) > 6:
            picker = ChoicePicker(
                self.ctx,
                self.label(spec),
                [(str(code), text) for code, text in choices],
                None if value is None else str(value),
                lambda key: set_value(decode(key)),
            )
            self.error_targets[spec.path] = picker
            return picker.control
        group = ft.RadioGroup(
            value=None if value is None else str(value),
            content=ft.Column(
                [ft.Radio(value=str(code), label=text) for code, text in choices], spacing=0
            ),
            on_change=lambda e: set_value(decode(e.control.value)),
        )
        return ft.Column([ft.Text(self.label(spec)), group], spacing=0)

    def text_control(
        self, spec: FieldSpec, value: Any, set_value: Callable[[Any], None]
    ) -> ft.Control:
        hint = "วว/ดด/ปปปป" if spec.widget == "date" else None
        if spec.widget == "date" and self.lang == "en":
            hint = "DD/MM/YYYY (BE)"
        kept = self.pending.get(spec.name) if spec.path == spec.name else None
        box = ft.TextField(
            label=self.label(spec),
            value=kept["text"] if kept else display_text(spec, value),
            keyboard_type=KEYBOARDS.get(spec.widget, ft.KeyboardType.TEXT),
            multiline=spec.widget == "textarea",
            min_lines=3 if spec.widget == "textarea" else None,
            hint_text=hint,
            helper=spec.help_en if self.lang == "en" else spec.help_th,
            # a phone is 390 px wide: hints, help and errors wrap instead of being cut
            helper_max_lines=4,
            error_max_lines=4,
            hint_max_lines=2,
            max_length=spec.max_length if spec.max_length and spec.max_length <= 200 else None,
        )

        if kept:
            box.error = kept.get("message_en") if self.lang == "en" else kept.get("message_th")

        def on_change(e: UiEvent) -> None:
            text = box.value or ""
            self.texts[spec.name] = text
            parsed = parse_text(spec, text)
            if parsed.error:
                # never thrown away: the text stays in the box and on the phone
                box.error = self.ctx.t(parsed.error)
                box.update()
                if self.keep_typed is not None and spec.path == spec.name:
                    th, en = STRINGS[parsed.error]
                    self.keep_typed(spec.name, text, th, en)
                return
            if box.error:
                box.error = None
                box.update()
            set_value(parsed.value)

        box.on_change = on_change
        self.error_targets[spec.path] = box
        return box

    def describe(self, spec: FieldSpec, value: Any) -> str:
        choice = spec.choice(value) if spec.choices else None
        if choice is not None:
            return str(choice.title(self.lang))
        if isinstance(value, str) and "T" in value and value.endswith("Z"):
            from fieldapp.ui.widgets import be_datetime

            return be_datetime(value, self.lang)
        return str(value)

    def show_issues(self, issues: list[Any]) -> None:
        """Put each validation issue under its field; clear the others."""
        by_path = {str(getattr(i, "path", "")): i for i in issues}
        for path, target in self.error_targets.items():
            found = by_path.get(path)
            text = found.message(self.lang) if found is not None else None
            if isinstance(target, ChoicePicker | ProducerPickerField):
                target.set_error(text)
            elif target.error != text:
                target.error = text


class AddressField:
    """House no., moo, village, then province → district → subdistrict (geothai, offline),
    the postal code filled from the subdistrict."""

    def __init__(self, form: RecordForm, spec: FieldSpec) -> None:
        from schemas import geo

        self.form = form
        self.spec = spec
        self.geo = geo
        t = form.ctx.t
        value = dict(form.record.get(spec.name) or {})
        if not value.get("district_code") and form.ctx.services.settings.district_code:
            code = form.ctx.services.settings.district_code
            value.update(province_code=code[:2], district_code=code)
        self.value = value
        self.house_no = ft.TextField(
            expand=2,
            label=t("form.house_no"),
            value=value.get("house_no", ""),
            on_change=lambda e: self.set("house_no", (e.control.value or "").strip() or None),
        )
        self.moo = ft.TextField(
            expand=1,
            label=t("form.moo"),
            value=str(value.get("moo", "") or ""),
            keyboard_type=ft.KeyboardType.NUMBER,
            on_change=self.on_moo,
        )
        self.village = ft.TextField(
            label=t("form.village"),
            value=value.get("village", ""),
            on_change=lambda e: self.set("village", (e.control.value or "").strip() or None),
        )
        self.province = ChoicePicker(
            form.ctx,
            t("form.province"),
            self._options(geo.provinces()),
            value.get("province_code"),
            self.on_province,
        )
        self.district = ChoicePicker(form.ctx, t("form.district"), [], None, self.on_district)
        self.subdistrict = ChoicePicker(
            form.ctx, t("form.subdistrict") + " *", [], None, self.on_subdistrict
        )
        self.postal = ft.TextField(
            label=t("form.postal_code"),
            value=value.get("postal_code", ""),
            keyboard_type=ft.KeyboardType.NUMBER,
            on_change=lambda e: self.set("postal_code", (e.control.value or "").strip() or None),
        )
        self._fill_districts()
        self._fill_subdistricts()
        self.column = ft.Column(
            [
                ft.Text(form.label(spec), weight=ft.FontWeight.BOLD),
                ft.Row([self.house_no, self.moo], spacing=8),
                self.village,
                self.province.control,
                self.district.control,
                self.subdistrict.control,
                self.postal,
            ],
            spacing=8,
        )

    def _options(self, areas: list[Any]) -> list[tuple[str, str]]:
        lang = self.form.lang
        return [(a.code, a.name(lang)) for a in areas]

    def _fill_districts(self) -> None:
        code = self.value.get("province_code")
        options = self._options(self.geo.districts(code)) if code else []
        self.district.set_options(options, self.value.get("district_code"))

    def _fill_subdistricts(self) -> None:
        code = self.value.get("district_code")
        options = self._options(self.geo.subdistricts(code)) if code else []
        self.subdistrict.set_options(options, self.value.get("subdistrict_code"))

    def save(self) -> None:
        clean = {k: v for k, v in self.value.items() if v not in (None, "")}
        self.form.set_top(self.spec.name, clean or None)

    def set(self, name: str, value: Any) -> None:
        if value is None:
            self.value.pop(name, None)
        else:
            self.value[name] = value
        self.save()

    def on_moo(self, e: UiEvent) -> None:
        parsed = parse_moo(self.moo.value or "")
        if parsed.error:
            self.moo.error = self.form.ctx.t(parsed.error) + " (1–99)"
            self.moo.update()
            return
        self.moo.error = None
        self.set("moo", parsed.value)

    def on_province(self, code: str | None) -> None:
        self.value = {k: v for k, v in self.value.items() if not k.endswith("_code")}
        self.value["province_code"] = code
        self._fill_districts()
        self._fill_subdistricts()
        self.postal.value = ""
        self.save()
        self.column.update()

    def on_district(self, code: str | None) -> None:
        for key in ("subdistrict_code", "postal_code"):
            self.value.pop(key, None)
        self.value["district_code"] = code
        self._fill_subdistricts()
        self.postal.value = ""
        self.save()
        self.column.update()

    def on_subdistrict(self, code: str | None) -> None:
        self.value["subdistrict_code"] = code
        area = self.geo.subdistrict(code) if code else None
        if area is not None and area.postal_codes:
            self.value["postal_code"] = area.postal_codes[0]
            self.postal.value = area.postal_codes[0]
        self.save()
        self.column.update()


class RepeatField:
    """A repeatable group (a product's certifications): each item a small form, add/remove."""

    def __init__(self, form: RecordForm, spec: FieldSpec) -> None:
        self.form = form
        self.spec = spec
        self.items: list[dict[str, Any]] = [dict(i) for i in form.record.get(spec.name) or []]
        self.list = ft.Column(spacing=12)
        self.column = ft.Column(
            [
                ft.Text(form.label(spec), weight=ft.FontWeight.BOLD),
                self.list,
                ft.OutlinedButton(
                    f"{form.ctx.t('form.add_item')}: {spec.title(form.lang)}",
                    icon=ft.Icons.ADD,
                    on_click=self.on_add,
                ),
            ],
            spacing=8,
        )
        self._render()

    def _save(self) -> None:
        self.form.set_top(self.spec.name, [i for i in self.items if i] or None)

    def _render(self) -> None:
        rows: list[ft.Control] = []
        for index, item in enumerate(self.items):
            item_form = RecordForm(self.form.ctx, self.form.record_type, item, self._item_saver())
            children = [
                c
                for child in self.spec.children
                if shown(child)
                for c in [item_form.control(child, None)]
                if c
            ]
            rows.append(
                ft.Container(
                    ft.Column(
                        [
                            *children,
                            ft.TextButton(
                                self.form.ctx.t("form.remove_item"),
                                icon=ft.Icons.DELETE_OUTLINE,
                                on_click=lambda e, i=index: self.on_remove(i),
                            ),
                        ],
                        spacing=8,
                    ),
                    border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
                    border_radius=8,
                    padding=8,
                )
            )
        self.list.controls = rows

    def _item_saver(self) -> Save:
        return lambda changes: self._save()

    def on_add(self, e: UiEvent) -> None:
        self.items.append({})
        self._render()
        self.column.update()

    def on_remove(self, index: int) -> None:
        del self.items[index]
        self._save()
        self._render()
        self.column.update()


class ListField:
    """A list of short texts (a visit's agencies present): a box and "add", then one line
    per entry with its own remove button; fits a 390 px phone (entries wrap)."""

    def __init__(
        self, form: RecordForm, spec: FieldSpec, value: Any, set_value: Callable[[Any], None]
    ) -> None:
        from schemas import load_schema

        self.form = form
        self.spec = spec
        self.set_value = set_value
        self.items: list[str] = [str(v) for v in value or []]
        prop = load_schema(form.record_type).get("properties", {}).get(spec.name, {})
        self.max_items = prop.get("maxItems") if isinstance(prop.get("maxItems"), int) else None
        t = form.ctx.t
        title = spec.title(form.lang)
        self.box = ft.TextField(
            label=t("form.list_new", field=title),
            helper=spec.help_en if form.lang == "en" else spec.help_th,
            helper_max_lines=4,
            error_max_lines=2,
            expand=True,
            on_submit=self.on_add,
        )
        self.list = ft.Column(spacing=4)
        self.column = ft.Column(
            [
                ft.Text(form.label(spec), weight=ft.FontWeight.BOLD),
                self.list,
                ft.Row(
                    [self.box, ft.FilledTonalButton(t("form.list_add"), icon=ft.Icons.ADD,
                                                    on_click=self.on_add)],
                    vertical_alignment=ft.CrossAxisAlignment.START,
                ),
            ],
            spacing=8,
        )
        self._render()

    def _render(self) -> None:
        t = self.form.ctx.t
        self.list.controls = [
            ft.Container(
                ft.Row(
                    [
                        ft.Icon(ft.Icons.APARTMENT, size=18),
                        ft.Text(item, expand=True),
                        icon_button(
                            ft.Icons.CLOSE,
                            t("form.list_remove", item=item),
                            lambda e, i=index: self.on_remove(i),
                        ),
                    ],
                    spacing=8,
                ),
                bgcolor=ft.Colors.SECONDARY_CONTAINER,
                border_radius=8,
                padding=ft.Padding.only(left=10),
            )
            for index, item in enumerate(self.items)
        ]

    def on_add(self, e: UiEvent) -> None:
        items, error = add_list_item(self.items, self.box.value or "", self.max_items)
        if error:
            self.box.error = self.form.ctx.t(error)
            self.box.update()
            return
        self.items = items
        self.box.value = ""
        self.box.error = None
        self.set_value(list(self.items))
        self._render()
        self.column.update()

    def on_remove(self, index: int) -> None:
        del self.items[index]
        self.set_value(list(self.items) or None)
        self._render()
        self.column.update()


class ProducerPickerField:
    """One end of a network link: a button naming the chosen producer that opens a search
    over the phone's producers (Thai names with their subdistrict; folded search, as the
    producer list). The producer at the link's other end is never offered (no self-link)."""

    LIMIT = 60  # rows shown at once; the search narrows the rest

    def __init__(
        self, form: RecordForm, spec: FieldSpec, value: Any, set_value: Callable[[Any], None]
    ) -> None:
        self.form = form
        self.spec = spec
        self.value = value if isinstance(value, str) else None
        self.set_value = set_value
        # a long Thai name wraps inside the button instead of running off a 390 px screen
        self.caption = ft.Text(self._caption(), max_lines=3)
        self.button = ft.OutlinedButton(
            content=self.caption, icon=ft.Icons.STOREFRONT, on_click=self.open,
            style=ft.ButtonStyle(padding=ft.Padding.symmetric(horizontal=12, vertical=8)),
        )
        self.error_text = ft.Text("", color=ft.Colors.ERROR, size=12, visible=False)
        self.column = ft.Column([self.button, self.error_text], spacing=2, tight=True)

    def _caption(self) -> str:
        from fieldapp import services as sv

        record = sv.get_record(self.form.ctx.services, "producer", self.value) if self.value \
            else None
        name = str(record.get("name_th") or self.value) if record else None
        return f"{self.form.label(self.spec)}: {name or self.form.ctx.t('form.none_chosen')}"

    def set_error(self, text: str | None) -> None:
        self.error_text.value = text or ""
        self.error_text.visible = bool(text)

    def rows(self, text: str) -> list[Any]:
        from fieldapp import services as sv
        from schemas import geo

        lang = self.form.lang

        def place(code: str) -> str:
            area = geo.subdistrict(code)
            return area.name(lang) if area else code

        found = sv.search_producers(self.form.ctx.services, text)
        rows = producer_rows(found, place, lambda record: "")
        return pickable(rows, excluded_ids(self.spec.name, self.form.record))

    def open(self, e: UiEvent) -> None:
        ctx = self.form.ctx
        search = ft.TextField(label=ctx.t("form.producer_search"), dense=True, autofocus=True)
        items = ft.ListView(spacing=0, height=380, width=320)

        def fill(text: str) -> None:
            rows = self.rows(text)
            items.controls = [
                ft.ListTile(
                    title=ft.Text(r.name, max_lines=2, overflow=ft.TextOverflow.ELLIPSIS),
                    subtitle=ft.Text(r.place or "—"),
                    selected=r.producer_id == self.value,
                    on_click=lambda e, pid=r.producer_id: pick(pid),
                    dense=True,
                )
                for r in rows[: self.LIMIT]
            ] or [ft.Text(ctx.t("form.picker_empty"), italic=True)]

        def pick(producer_id: str) -> None:
            ctx.page.pop_dialog()
            self.value = producer_id
            self.set_value(producer_id)
            self.caption.value = self._caption()
            self.set_error(None)
            ctx.page.update()

        def on_search(e: UiEvent) -> None:
            fill(search.value or "")
            items.update()

        search.on_change = on_search
        fill("")
        ctx.page.show_dialog(
            ft.AlertDialog(
                title=ft.Text(self.form.label(self.spec)),
                content=ft.Column([search, items], tight=True, spacing=8),
                actions=[ft.TextButton(ctx.t("photos.close"),
                                       on_click=lambda e: ctx.page.pop_dialog())],
            )
        )


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")

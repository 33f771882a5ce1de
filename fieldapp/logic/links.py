"""Network links between producers on the phone (pure): which producers a link's end may
pick, and the producer page's rows of its links.

The schema's `self_link` rule refuses a link from a producer to itself, so the picker for
one end never offers the producer at the other end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fieldapp.logic.producer_list import ProducerRow, name_key

__all__ = ["ENDS", "LinkRow", "excluded_ids", "link_rows", "pickable"]

# the link's two producer fields, each the other's opposite end
ENDS = {"from_producer_id": "to_producer_id", "to_producer_id": "from_producer_id"}


def excluded_ids(field: str, record: Mapping[str, Any]) -> set[str]:
    """Producers the picker for `field` must not offer: the one at the link's other end."""
    other = ENDS.get(field)
    value = record.get(other) if other else None
    return {value} if isinstance(value, str) and value else set()


def pickable(rows: Iterable[ProducerRow], exclude: Iterable[str]) -> list[ProducerRow]:
    """The producer rows a picker offers, in the order given (`producer_rows` gives Thai
    dictionary order), without the excluded producers."""
    banned = set(exclude)
    return [r for r in rows if r.producer_id not in banned]


@dataclass(frozen=True)
class LinkRow:
    link_id: str
    other_id: str
    other_name: str
    kind: str | None
    outgoing: bool  # this producer is the link's "from" end


def link_rows(
    links: Sequence[Mapping[str, Any]],
    producer_id: str,
    name_of: Callable[[str], str | None],
) -> list[LinkRow]:
    """One row per link of the producer, naming the producer at the other end (its id when
    that producer is not on this phone), ordered by that name."""
    rows = []
    for link in links:
        outgoing = link.get("from_producer_id") == producer_id
        other = link.get("to_producer_id" if outgoing else "from_producer_id")
        other_id = str(other or "")
        rows.append(LinkRow(
            link_id=str(link.get("id") or ""),
            other_id=other_id,
            other_name=(name_of(other_id) if other_id else None) or other_id,
            kind=link.get("kind") if isinstance(link.get("kind"), str) else None,
            outgoing=outgoing,
        ))
    rows.sort(key=lambda r: (name_key(r.other_name), r.link_id))
    return rows

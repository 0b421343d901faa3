"""Pagination shared by every list: page/per_page parsing with bounds and a Page to render."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PER_PAGE_CHOICES = (25, 50, 100)


@dataclass(frozen=True)
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def parse_page(params: dict[str, Any], default_per_page: int = 25) -> tuple[int, int]:
    """(page, per_page) from query params; junk falls back to defaults instead of failing."""
    try:
        page = max(1, int(params.get("page") or 1))
    except (TypeError, ValueError):
        page = 1
    try:
        per_page = int(params.get("per_page") or default_per_page)
    except (TypeError, ValueError):
        per_page = default_per_page
    per_page = min(max(per_page, 1), 200)
    return page, per_page


async def paginate(query: Any, count_query: Any, page: int, per_page: int) -> Page:
    """Run one count and one page query: two queries whatever the page size."""
    total = await count_query
    last = max(1, -(-total // per_page))
    page = min(page, last)
    items = await query.limit(per_page).offset((page - 1) * per_page)
    return Page(items=items, page=page, per_page=per_page, total=total)

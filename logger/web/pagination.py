"""One pager for every list: the ?page= number, the page's rows, and what the pager shows."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, request
from sqlalchemy import func, select

from logger.extensions import db

PAGE_SIZE = 50


@dataclass
class Page:
    """One page of a list, with what the pager macro (templates/_pager.html) needs."""

    items: list
    page: int
    total: int
    per_page: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def paginate(query, *, per_page: int = PAGE_SIZE, total: int | None = None) -> Page:
    """The page of `query` that ?page= asks for; 404 for a page that is not there.

    `total` saves the count when the caller has it already (the review queue counts
    its entries with its filter choices).
    """
    if total is None:
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = Page([], request.args.get("page", 1, type=int), total, per_page)
    if not 1 <= page.page <= page.pages:
        abort(404)
    page.items = (
        db.session.scalars(query.limit(per_page).offset((page.page - 1) * per_page)).unique().all()
    )
    return page

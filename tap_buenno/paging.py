"""Paging Buenno's lists by what came back, under either reading of ``limit`` and ``offset``.

The document leaves open how big a page is and what ``offset`` counts: a server may
cap a page below the ``limit`` asked (its replies example answers ``"limit": "500"`` to
a request for 1000), and replies' ``limit``/``offset`` are "Max number of answers" and
"Answer number to start from", which may count answers rather than replies. So paging
never ends on a page shorter than asked: it advances by what came back and ends on an
empty page or on the total the envelope reports.
"""

from __future__ import annotations

import typing as t

from singer_sdk.exceptions import FatalAPIError
from singer_sdk.pagination import BaseAPIPaginator
from typing_extensions import override

if t.TYPE_CHECKING:
    from collections.abc import Callable

    import requests


class Learned:
    """What a run learns about the server's paging; each finding is logged once.

    Attributes:
        full_pages: Whether the server has sent a page of exactly the size asked, so a
            shorter page can only be the last (``None`` until a page tells).
        counts_answers: Whether replies' ``limit``/``offset`` count answers (``None``
            until a page tells).
    """

    def __init__(self, log: Callable[[str], None]) -> None:
        """Start knowing nothing; ``log`` says each finding once."""
        self._log = log
        self._said: set[str] = set()
        self.full_pages: bool | None = None
        self.counts_answers: bool | None = None

    def say_once(self, topic: str, message: str) -> None:
        """Log ``message`` the first time ``topic`` is found."""
        if topic not in self._said:
            self._said.add(topic)
            self._log(message)


class ShortPageTrusted(BaseAPIPaginator[int]):
    """Offset paging for a list without a total: ends on an empty page.

    A page shorter than asked ends paging only once the server has shown it sends full
    pages (a page of exactly the size asked, earlier in the run): until then it may be
    a server's cap rather than the end, and the next page is asked for. A short page
    that repeats the previous one also ends paging: the server has nothing past it.
    """

    def __init__(
        self, page_size: int, page_ids: Callable[[], list[t.Any]], learned: Learned
    ) -> None:
        """Start at offset 0; ``page_ids`` reports the ids of the records on the last page."""
        super().__init__(start_value=0)
        self.page_size = page_size
        self._page_ids = page_ids
        self._learned = learned
        self._previous: list[t.Any] = []
        self._short_before = False

    @override
    def has_more(self, response: requests.Response) -> bool:
        """Return whether the page just read may not be the last."""
        del response
        ids = self._page_ids()
        if ids and ids == self._previous:
            raise FatalAPIError(
                f"Buenno answered offset={self.current_value} with the same records as the page "
                "before: the list does not page by offset as its document says, so the tap "
                "stops rather than miss the rest"
            )
        self._previous = ids
        if not ids:
            return False
        if self._short_before:
            self._learned.say_once(
                "cap",
                f"Buenno sent fewer records than the {self.page_size} asked for, and more after "
                "them: the server caps its pages, so paging goes on to an empty page.",
            )
        if len(ids) >= self.page_size:
            self._learned.full_pages = True
            return True
        self._short_before = True
        return not self._learned.full_pages

    @override
    def get_next(self, response: requests.Response) -> int:
        """Return the offset after the records that came back."""
        del response
        return self.current_value + len(self._previous)


class ReplyPages:
    """The paging of one replies read: where the next page starts, what is new, when to stop.

    Under our reading ``offset`` counts replies and a page ends short only at the end.
    Under the other it counts answers: a page holds whole replies whose answers fit in
    ``limit``, so it is short of ``limit`` replies though more remain. Such a page (short,
    short of the total, with as many answers as ``limit`` allows) makes the next page be
    asked at the offset counted in replies, which is safe under both readings (too early
    in answers only re-reads); if that page starts with a reply already read, offsets count
    answers, and from then on each page starts after the answers of the last one. Replies
    read twice are dropped by id; only the previous page's ids are kept, since pages
    advance in order and overlap only the page before.
    """

    def __init__(self, asked_limit: int, learned: Learned) -> None:
        """Start at offset 0 of a window, knowing what earlier reads of the run learned."""
        self.asked_limit = asked_limit
        self.learned = learned
        self.offset = 0
        self.next_offset = 0
        self.done = False
        self.emitted = 0
        self._suspect_short = False
        #: Where each reply of the previous page starts, counted in answers from the window's start.
        self._answer_index: dict[t.Any, int] = {}
        self._answers_end = 0
        #: The last page: its replies, the limit its envelope reported, the total.
        self._last_length = 0
        self._last_limit = asked_limit
        self._total: int | None = None

    def read(
        self, replies: list[dict[str, t.Any]], total: int | None, limit: int | None
    ) -> list[dict[str, t.Any]]:
        """Take one page; return its replies not read before and decide the next offset.

        Args:
            replies: The page's replies, in the server's order.
            total: The envelope's ``total``, or None when it gave none.
            limit: The envelope's ``limit``, or None when it gave none.
        """
        limit = limit or self.asked_limit
        self._last_length, self._last_limit, self._total = len(replies), limit, total
        if limit < self.asked_limit:
            self.learned.say_once(
                "cap",
                f"Buenno answered limit={limit} to a request for {self.asked_limit} replies: "
                "its pages are capped there, and paging advances by what comes back.",
            )
        if not replies:
            self.done = True
            return []
        counts = [
            len(answers) if isinstance(answers := reply.get("answers"), list) else 0
            for reply in replies
        ]
        first_id = replies[0].get("id")
        confirming = self._suspect_short
        self._suspect_short = False
        if confirming and self.learned.counts_answers is None:
            self.learned.counts_answers = first_id in self._answer_index
            self._say_what_limit_counts()
        start = self._answer_index.get(
            first_id, self.offset if self.learned.counts_answers else self._answers_end
        )
        new = [reply for reply in replies if reply.get("id") not in self._answer_index]
        if not new and not confirming:
            raise FatalAPIError(
                f"Buenno answered GET /replies offset={self.offset} with replies already read "
                "and no new one, short of its total: the replies do not page by offset in "
                "replies or in answers, so the tap stops rather than miss the rest"
            )
        self._answer_index = {}
        for reply, count in zip(replies, counts, strict=True):
            self._answer_index.setdefault(reply.get("id"), start)
            start += count
        self._answers_end = start
        self.emitted += len(new)
        self._plan_next(len(replies), sum(counts), total, limit)
        return new

    def upcoming(self, offset: int, count: int) -> list[int]:
        """Return up to ``count`` offsets paging is sure to ask after the page at ``offset``.

        Only while offsets count replies (or nothing has said otherwise) and the last page
        was full, as long as the limit its envelope reported, short of a reported total:
        each page then starts where the one before ends, and paging asks every offset,
        the last page's length apart, while offsets and the replies read stay short of
        the total. A short page, a page that made offsets suspect of counting answers,
        or no total: nothing is predicted.
        """
        step, total = self._last_length, self._total
        if (
            self.done
            or total is None
            or self._suspect_short
            or self.learned.counts_answers
            or step == 0
            or step < self._last_limit
        ):
            return []
        ahead = range(1, count + 1)
        return [offset + i * step for i in ahead if max(offset, self.emitted) + i * step < total]

    def _plan_next(self, length: int, answers: int, total: int | None, limit: int) -> None:
        """Set the next offset, and whether paging is done, after a page of ``length`` replies."""
        if self.learned.counts_answers:
            self.next_offset = self._answers_end
            self.done = total is not None and self.next_offset >= total
            return
        self.next_offset = self.offset + length
        if total is None:
            return
        self.done = self.next_offset >= total or self.emitted >= total
        if (
            not self.done
            and self.learned.counts_answers is None
            and length < limit
            and length < answers <= limit
        ):
            self._suspect_short = True

    def _say_what_limit_counts(self) -> None:
        """Log once which reading of replies' ``limit``/``offset`` the server takes."""
        if self.learned.counts_answers:
            self.learned.say_once(
                "limit-counts",
                "Buenno's replies limit and offset count answers, not replies: "
                "each page now starts after the answers of the one before.",
            )
        else:
            self.learned.say_once(
                "limit-counts",
                "Buenno's replies limit and offset count replies: a short page that was "
                "not the last is the server's cap.",
            )


class ReplyPaginator(BaseAPIPaginator[int]):
    """Offsets as :class:`ReplyPages` decides them; a page of replies read before is not the end."""

    def __init__(self, pages: ReplyPages) -> None:
        """Start at offset 0."""
        super().__init__(start_value=0)
        self.pages = pages

    @override
    def has_more(self, response: requests.Response) -> bool:
        """Return whether the replies read say more remain."""
        del response
        return not self.pages.done

    @override
    def continue_if_empty(self, response: requests.Response) -> bool:
        """Go on past a page that yielded nothing only because its replies were read before."""
        return self.has_more(response)

    def upcoming(self, count: int) -> list[int]:
        """Return up to ``count`` offsets paging is sure to ask after the current one."""
        return self.pages.upcoming(self.current_value, count)

    @override
    def get_next(self, response: requests.Response) -> int:
        """Return the next offset, always past the current one."""
        del response
        self.pages.offset = max(self.pages.next_offset, self.current_value + 1)
        return self.pages.offset

"""The ``$batch`` half of :class:`services.graph_client.GraphCalendarClient`:
request builders (create, patch, delete, get, instances, answers) and the
``$batch`` round trips with per-item retries. Never imports ``odoo``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import quote, urlencode, urlsplit

from .exceptions import InstancesFailed, RemoteError, UntrustedLink, within_budget
from .graph_results import (
    PROVIDER,
    RETRYABLE_STATUSES,
    AccessTokenExpired,
    BatchResult,
    SeriesInstances,
    iso_utc,
)

#: ``$top`` of ``/instances`` (Outlook's default page is 10; 1000 is the maximum).
INSTANCES_PAGE_SIZE = 1000
#: ``$batch`` holds at most 20 requests (api-notes §3.5).
BATCH_LIMIT = 20
#: Outlook runs at most 4 concurrent requests per mailbox (api-notes §3.6).
MAILBOX_CONCURRENCY = 4
RESPONSE_ACTIONS = {
    "accepted": "accept",
    "accept": "accept",
    "tentative": "tentativelyAccept",
    "tentativelyAccepted": "tentativelyAccept",
    "tentativelyAccept": "tentativelyAccept",
    "declined": "decline",
    "decline": "decline",
}


class GraphRequestsMixin:
    """The ``$batch`` requests of the Graph client."""

    def _single(self, request: dict) -> dict:
        result = self.batch([request])[0]
        if not result.ok:
            raise result.to_error()
        return result.body

    # ------------------------------------------------------ request builders
    def create_request(self, body: dict, transaction_id: str) -> dict:
        """A ``$batch`` item creating an event; ``transactionId`` dedupes retries."""
        return {
            "method": "POST",
            "url": "/me/events",
            "headers": {"Content-Type": "application/json", "Prefer": self._prefer()},
            "body": {**body, "transactionId": transaction_id},
        }

    def patch_request(
        self, event_id: str, changes: dict, etag: str | None = None
    ) -> dict:
        """A ``$batch`` item updating an event (an occurrence becomes an exception).

        :param etag: the event's ``@odata.etag``: sent as ``If-Match``, so Graph
            refuses the change (412) when the event changed since.
        """
        headers = {"Content-Type": "application/json", "Prefer": self._prefer()}
        if etag:
            headers["If-Match"] = etag
        return {
            "method": "PATCH",
            "url": _event_path(event_id),
            "headers": headers,
            "body": changes,
        }

    def delete_request(self, event_id: str, etag: str | None = None) -> dict:
        """A ``$batch`` item deleting an event, a series, or one occurrence.

        :param etag: as for :meth:`patch_request` (``If-Match``).
        """
        request = {"method": "DELETE", "url": _event_path(event_id)}
        if etag:
            request["headers"] = {"If-Match": etag}
        return request

    def get_request(self, event_id: str) -> dict:
        return {
            "method": "GET",
            "url": _event_path(event_id),
            "headers": {"Prefer": self._prefer()},
        }

    def instances_request(self, master_id: str, start: datetime, end: datetime) -> dict:
        """A ``$batch`` item listing a series' occurrences and exceptions."""
        query = urlencode(
            {
                "startDateTime": iso_utc(start),
                "endDateTime": iso_utc(end),
                "$top": INSTANCES_PAGE_SIZE,
            },
            safe=":$",
        )
        return {
            "method": "GET",
            "url": f"{_event_path(master_id)}/instances?{query}",
            "headers": {"Prefer": self._prefer()},
        }

    def respond_request(
        self,
        event_id: str,
        response: str,
        comment: str = "",
        send_response: bool = True,
    ) -> dict:
        """A ``$batch`` item answering an invitation.

        :param response: ``accepted``/``tentative``/``declined`` (Odoo's words) or
            Graph's ``accept``/``tentativelyAccept``/``decline``.
        """
        action = RESPONSE_ACTIONS[response]
        return {
            "method": "POST",
            "url": f"{_event_path(event_id)}/{action}",
            "headers": {"Content-Type": "application/json"},
            "body": {"comment": comment, "sendResponse": send_response},
        }

    # ---------------------------------------------------------------- batch
    @within_budget
    def batch(self, requests_: list[dict]) -> list[BatchResult]:
        """Run ``requests_`` through ``$batch``; one result per request, in order.

        Chunks of at most :data:`BATCH_LIMIT` items, chained with ``dependsOn`` so
        that a mailbox never runs more than ``concurrency`` of them at once. Items
        answered 429 (after their ``Retry-After``), 424, 503 or 504 are sent again,
        up to ``max_retries`` rounds within the sleep budget; what still fails is
        returned as it failed (``retryable``, ``retry_after``). A ``$batch``
        request throttled or unavailable as a whole, or unreachable, fails each
        of its items the same way, and the items after it are not sent.

        :raises AccessTokenExpired: the token was refused and could not be renewed.
        """
        results: dict[int, BatchResult] = {}
        pending = list(range(len(requests_)))
        refreshed = False
        attempt = 0
        while pending:
            answered, stopped = self._post_chunks(requests_, pending)
            retry = []
            for index, result in answered:
                results[index] = result
                if self._item_retryable(result, refreshed):
                    retry.append(index)
            if stopped or not retry:
                break
            if not self._wait_items(attempt, [results[i] for i in retry]):
                break
            if any(results[i].status == 401 for i in retry):
                self.access_token = self.on_unauthorized()
                refreshed = True
            attempt += 1
            pending = retry
        return [results[i] for i in range(len(requests_))]

    def _item_retryable(self, result: BatchResult, refreshed: bool) -> bool:
        if result.status in (424, *RETRYABLE_STATUSES):
            return True
        return self._can_refresh(result.status, result.error_code, refreshed)

    def _wait_items(self, attempt: int, failed: list[BatchResult]) -> bool:
        """Wait before sending ``failed`` again (the longest ``Retry-After``);
        False when they must not be retried now."""
        if not any(r.status in RETRYABLE_STATUSES for r in failed):
            # failed dependencies, expired token: nothing to wait for
            return attempt < self.max_retries
        waits = [r.retry_after for r in failed if r.retry_after is not None]
        return self._wait(attempt, max(waits, default=None))

    def _post_chunks(self, requests_: list[dict], indexes: list[int]):
        """Post ``indexes`` in chunks; ``([(index, result)…], stopped)``.

        ``stopped``: a whole ``$batch`` request failed after its retries (throttled,
        unavailable, unreachable); its items and the unsent ones fail with it.
        """
        answered: list[tuple[int, BatchResult]] = []
        for chunk in _chunks(indexes, BATCH_LIMIT):
            try:
                answered.extend(self._post_batch(requests_, chunk))
            except AccessTokenExpired:
                raise
            except RemoteError as exc:
                if not exc.retryable:
                    raise
                unsent = indexes[len(answered) :]
                answered.extend((i, _failed_item(requests_[i], exc)) for i in unsent)
                return answered, True
        return answered, False

    def _post_batch(self, requests_: list[dict], chunk: list[int]):
        items = []
        size = -(-len(chunk) // self.concurrency)  # items per chain
        for position, index in enumerate(chunk):
            item = {"id": str(index), **_without_id(requests_[index])}
            if position % size:
                item["dependsOn"] = [str(chunk[position - 1])]
            items.append(item)
        response = self._call(
            "POST",
            self._url("/$batch"),
            json={"requests": items},
            headers={"Content-Type": "application/json"},
        )
        answers = {str(a.get("id")): a for a in response.json().get("responses") or []}
        results = []
        for index in chunk:
            answer = answers.get(str(index)) or {"status": 0, "body": None}
            result = BatchResult(
                request=requests_[index],
                status=int(answer.get("status") or 0),
                headers=answer.get("headers") or {},
                body=answer.get("body"),
            )
            results.append((index, result))
        return results

    @within_budget
    def instances_results(
        self, master_ids: Iterable[str], start: datetime, end: datetime
    ) -> dict[str, SeriesInstances]:
        """Occurrences and exceptions of many series, fetched through ``$batch``;
        one series' failure never stops the others.

        :return: ``{master_id: SeriesInstances}`` (``ok`` with ``instances``,
            ``gone`` for a series that no longer exists, or ``error``: the
            series' own :class:`RemoteError`, ``retryable`` and ``retry_after``
            when throttled, :class:`UntrustedLink` for a foreign next link).
        """
        ids = list(dict.fromkeys(master_ids))
        found = {mid: SeriesInstances(mid, []) for mid in ids}
        pending = [(mid, self.instances_request(mid, start, end)) for mid in ids]
        while pending:
            results = self.batch([request for _mid, request in pending])
            follow = []
            for (mid, _request), result in zip(pending, results, strict=True):
                series = found[mid]
                if result.status == 404:
                    series.instances = None
                    continue
                if not result.ok:
                    series.instances, series.error = None, result.to_error()
                    continue
                series.instances.extend(result.body.get("value") or [])
                link = result.body.get("@odata.nextLink")
                if not link:
                    continue
                try:
                    follow.append((mid, self._relative_request(link)))
                except UntrustedLink as exc:
                    series.instances, series.error = None, exc
            pending = follow
        return found

    @within_budget
    def instances_batch(
        self, master_ids: Iterable[str], start: datetime, end: datetime
    ) -> dict[str, list[dict] | None]:
        """Occurrences and exceptions of many series, fetched through ``$batch``.

        :return: ``{master_id: [instances…]}``; ``None`` for a series that no longer
            exists (404).
        :raises InstancesFailed: some series could not be read; raised once every
            series was tried: ``failures`` (``{master_id: error}``) names them and
            ``found`` holds this method's answer for all the others.
        """
        series = self.instances_results(master_ids, start, end)
        found = {mid: s.instances for mid, s in series.items() if s.ok}
        failures = {mid: s.error for mid, s in series.items() if not s.ok}
        if failures:
            raise _instances_failed(failures, found)
        return found

    def _relative_request(self, link: str) -> dict:
        """A ``$batch`` item for ``link`` (a next link under the Graph root)."""
        sent = urlsplit(self._sent_url(self._trusted_link(link, "nextLink")))
        root_path = urlsplit(self._sent_url(self.graph_root)).path.rstrip("/")
        url = sent.path[len(root_path) :] + ("?" + sent.query if sent.query else "")
        return {"method": "GET", "url": url, "headers": {"Prefer": self._prefer()}}


def _failed_item(request: dict, error: RemoteError) -> BatchResult:
    """The result of an item whose whole ``$batch`` request failed with ``error``."""
    retry_after = getattr(error, "retry_after", None)
    return BatchResult(
        request=request,
        status=getattr(error, "status", 0) or 0,
        headers={} if retry_after is None else {"Retry-After": str(retry_after)},
        body={"error": {"code": error.reason, "message": error.message}},
    )


def _instances_failed(failures: dict, found: dict) -> InstancesFailed:
    first = next(iter(failures.values()))
    return InstancesFailed(
        f"The instances of {len(failures)} Outlook series could not be read: "
        f"{first.message}",
        provider=PROVIDER,
        status=getattr(first, "status", 0),
        reason=getattr(first, "reason", ""),
        retryable=all(
            getattr(error, "retryable", False) for error in failures.values()
        ),
        retry_after=getattr(first, "retry_after", None),
        failures=failures,
        found=found,
    )


def _event_path(event_id: str) -> str:
    return "/me/events/" + quote(event_id, safe="=-_")


def _without_id(request: dict) -> dict:
    return {k: v for k, v in request.items() if k not in ("id", "dependsOn")}


def _chunks(values: list, size: int):
    for start in range(0, len(values), size):
        yield values[start : start + size]

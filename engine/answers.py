# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Answers in a sync run: the account user's own answers to meetings someone
else organizes, given in Odoo, sent to their calendar.

Part of :class:`engine.run.SyncRun` (a mixin over the same run state).
"""

from odoo import _, fields

from ..models.calendar_attendee import ANSWER_STATES
from ..models.calendar_event import SYNC_CONTEXT
from ..services.exceptions import AuthorizationError
from .keys import AnswerKey, EventKey, SeriesKey


class AnswerSync:
    """The answers half of a sync run (see :class:`engine.run.SyncRun`)."""

    def _pending_answers(self):
        """The account user's answers given in Odoo and not sent yet:
        ``{attendee: state}``."""
        if not self.account.answers_pending:
            return {}
        self.account.answers_pending = False  # set again for what stays pending
        events = self.binder.search("calendar.event", [("answer_pending", "=", True)])
        attendees = (
            events.with_context(active_test=False)
            .attendee_ids.sudo()
            .filtered(lambda att: att.partner_id == self.user.partner_id)
        )
        unanswerable = events - attendees.event_id
        self.binder.set(unanswerable, answer_pending=False)
        return {attendee: attendee.state for attendee in attendees}

    def _answers_sent(self, attendees):
        """Nothing more to send for these attendees' answers."""
        self.binder.set(
            attendees.event_id.with_context(active_test=False), answer_pending=False
        )

    def _answer_ops(self, answers):
        """The writes sending ``answers``: one per remote event, a series once
        through its master (the answer covers every occurrence)."""
        targets, done = {}, self.env["calendar.attendee"]
        for attendee, state in answers.items():
            attendee = attendee.with_context(**{SYNC_CONTEXT: True}).exists()
            event = attendee.event_id.with_context(active_test=False)
            if not attendee or not event.active or state not in ANSWER_STATES:
                done |= attendee
                continue
            if attendee.state != state:
                # the pull brought the provider's older answer: Odoo's is newer
                attendee.state = state
            recurrence = event.recurrence_id
            if self.binder.remote_id(recurrence) and event.follow_recurrence:
                remote_id = self.binder.remote_id(recurrence)
                # the series is answered: Odoo shows it on every occurrence
                # that follows it (README, "Answers")
                self._following(recurrence).attendee_ids.filtered(
                    lambda att, a=attendee, s=state: (
                        att.partner_id == a.partner_id and att.state != s
                    )
                ).with_context(**{SYNC_CONTEXT: True}).write({"state": state})
            else:
                remote_id = self.binder.remote_id(event)
            if remote_id:
                targets.setdefault(remote_id, {})[attendee] = (event, state)
            elif event.stop and event.stop > fields.Datetime.now():
                # the invitation is not in this calendar (yet): sent when it
                # arrives, or dropped once the meeting is over
                self.account.answers_pending = True
            else:
                done |= attendee
        ops = []
        for remote_id, found in targets.items():
            attendees = self.env["calendar.attendee"].concat(*found)
            # occurrences answered one by one: the latest answer goes
            event, state = found[max(attendees, key=lambda att: att.write_date)]
            key = AnswerKey(remote_id)
            if set(attendees.ids) <= self.restored_answers:
                self.quiet_answers.add(key)
            try:
                op = self.adapter.answer_op(key, remote_id, event, state)
            except AuthorizationError:
                raise
            except Exception as exc:  # noqa: BLE001 - isolate per item
                self._answer_failed(event, exc)
                self.account.answers_pending = True  # tried again next time
                continue
            if op is None:
                done |= attendees
            else:
                self.answers[key] = attendees
                ops.append(op)
        self._answers_sent(done)
        return ops

    def _answered(self, op, result):
        attendees = self.answers.pop(op.key)
        if result.ok or result.status in (404, 410):
            # sent, or the event is no longer in this calendar
            self.counters["pushed"] += bool(result.ok)
            self._answers_sent(attendees)
            return
        if 400 <= result.status < 500 and result.status not in (401, 408, 429):
            # refused for good: reported once, not retried on every run
            self._answers_sent(attendees)
        else:
            self.account.answers_pending = True  # tried again next time
        self._answer_failed(
            attendees.event_id[:1],
            f"{result.status} {result.reason}: {result.message}",
        )

    def _answer_failed(self, event, error):
        self._fail(
            None,
            _(
                "Your answer to %(event)s could not be sent to %(provider)s: %(error)s",
                event=event.name,
                provider=self.adapter.label,
                error=error,
            ),
        )

    def _decline(self, events):
        """This user declines ``events`` (their copy was removed)."""
        events.attendee_ids.filtered(
            lambda att: att.partner_id == self.user.partner_id
        ).state = "declined"

    def _take_answers(self, events, neutral, record=None):
        """Give ``events`` the answers this calendar's item ``neutral`` shows
        (``record``: the series bound to it, if not the event). A guest's
        copy of an outside organizer's meeting does not speak for the other
        Odoo users who hold a copy of their own: Outlook shows their answers
        there as they were when it was delivered; their calendars bring them."""
        record = record or events
        partners = self._partners([neutral])
        bindings = record.calendar_sync_binding_ids | events.calendar_sync_binding_ids
        holders = bindings.filtered(
            lambda b: b.remote_id and b.account_id.user_id != self.user
        ).account_id.user_id.partner_id
        if not self.binder.get(record, "guest_copy"):
            # the organizer's item: an Odoo user who holds a copy of their
            # own answers there; the "none" it lists for them (Outlook's
            # tracking, dropped with the attendees a write of the meeting
            # names) is not their answer (the review of BD's fix)
            unanswered = {
                a["email"]
                for a in neutral.get("attendees") or []
                if a.get("state") == "needsAction"
            }
            partners = {
                email: pid
                for email, pid in partners.items()
                if email not in unanswered or pid not in holders.ids
            }
        else:
            # nor for Odoo users without a calendar of their own: they answer
            # in Odoo, and this copy shows what Outlook delivered
            users = (
                self.env["res.users"]
                .with_context(active_test=False)
                .search([("partner_id", "in", list(partners.values()))])
            )
            others = (holders | users.partner_id) - self.user.partner_id
            partners = {
                email: pid for email, pid in partners.items() if pid not in others.ids
            }
        events._calendar_sync_set_answers(neutral, partners)

    def _take_kept_answers(self, actions, pending):
        """This user's answers that the calendar keeps on someone else's
        meeting (a listed copy) where Odoo shows none, and nothing was planned
        for it: the copy differs from Odoo by its own answer only (an
        Outlook copy gives it as its own response, not among the attendees
        it lists). Odoo itself resets its guests' answers when the organizer
        moves a whole series there (its ``_rewrite_recurrence``); a calendar
        that keeps them brings them back (finding BD). Not an answer given in
        Odoo and not sent yet (``pending``), which goes out this run."""
        # an item the plan acted on (created, updated, bound...) is settled
        acted = {getattr(action, "remote_id", None) for action in actions}
        acted |= {getattr(action, "key", None) for action in actions}
        for model, listed in (
            ("calendar.recurrence", self.masters),
            ("calendar.event", self.singles),
        ):
            kept = {
                remote_id: neutral
                for remote_id, neutral in listed.items()
                if remote_id not in acted
                and not neutral["cancelled"]
                and neutral.get("organizer_email") != self.account.email
                and self._own_state(neutral) in ANSWER_STATES
            }
            found = self.binder.records(model, kept) if kept else {}
            if not found:
                continue
            partner = self.user.partner_id
            # the pending answers' events may be gone with this run's deletes
            waiting = set(
                self.env["calendar.attendee"].concat(*pending).exists().event_id.ids
            )
            series = model == "calendar.recurrence"
            # one read of where Odoo shows no answer of this user: a full
            # listing brings every copy, most of them answered alike
            ids = [record.id for record in found.values()]
            field = "event_id.recurrence_id" if series else "event_id"
            open_ = (
                self.env["calendar.attendee"]
                .sudo()
                .search(
                    [
                        ("partner_id", "=", partner.id),
                        ("state", "=", "needsAction"),
                        (field, "in", ids),
                    ]
                )
                .event_id
            )
            unanswered_in = set((open_.recurrence_id if series else open_).ids)
            # the occurrences (or event) to answer: those of that read
            to_answer = set(open_.ids) - waiting
            for remote_id, record in found.items():
                if record.id not in unanswered_in:
                    continue
                neutral = kept[remote_id]
                key = SeriesKey(record.id) if series else EventKey(record.id)
                if key in acted:
                    continue
                if series:
                    if self._series_base(record).user_id == self.user:
                        continue
                    events = self._answered_by_series(record, neutral)
                else:
                    if record.user_id == self.user or not record.active:
                        continue
                    events = record
                unanswered = events.browse(set(events.ids) & to_answer)
                if unanswered:
                    self._set_own_answer(unanswered, neutral)
                    self.counters["pulled"] += 1

    def _lost_answers(self, actions, pending):
        """This user's answers to occurrences of someone else's series given
        alone (an exception in Odoo whose answer differs from the one the
        series' occurrences have) that the calendar lists unanswered, nothing
        planned for them: the organizer's whole write of the series resets
        such an answer there (Outlook; finding BI). A guest cannot take an
        answer back to none, so Odoo's answer is sent there again, without a
        mail to the organizer, who had it (:attr:`restored_answers`). Not one
        already pending (``pending``). Returns ``{attendee: state}``."""
        if not self.adapter.series_write_drops_exceptions:
            return {}
        acted = {getattr(action, "remote_id", None) for action in actions}
        listed = [
            remote_id
            for remote_id, neutral in self.instances.items()
            if remote_id not in acted
            and not neutral["cancelled"]
            and neutral.get("organizer_email") != self.account.email
            and self._own_state(neutral) == "needsAction"
        ]
        found = self.binder.records("calendar.event", listed) if listed else {}
        if not found:
            return {}
        Attendee = self.env["calendar.attendee"].sudo()
        partner = self.user.partner_id
        # one read of the user's answers to those exceptions, one of their
        # answers to the occurrences that follow those series
        answered = Attendee.search(
            [
                ("partner_id", "=", partner.id),
                ("event_id", "in", [event.id for event in found.values()]),
                ("event_id.follow_recurrence", "=", False),
                ("event_id.recurrence_id", "!=", False),
                ("state", "in", ANSWER_STATES),
            ]
        )
        series = {}
        for attendee in Attendee.search(
            [
                ("partner_id", "=", partner.id),
                ("event_id.recurrence_id", "in", answered.event_id.recurrence_id.ids),
                ("event_id.follow_recurrence", "=", True),
            ]
        ):
            series.setdefault(attendee.event_id.recurrence_id.id, set()).add(
                attendee.state
            )
        lost = {}
        for attendee in answered:
            event = attendee.event_id
            if attendee in pending or not event.active:
                continue
            if attendee.state in series.get(event.recurrence_id.id, ()):
                continue  # the series' answer: not given to it alone
            lost[attendee] = attendee.state
            self.restored_answers.add(attendee.id)
        return lost

    def _own_state(self, neutral):
        """This user's answer in this calendar's item ``neutral`` (as
        :meth:`_set_own_answer` takes it), or None when it names none."""
        for attendee in neutral.get("attendees") or []:
            if attendee["email"] == self.account.email:
                return neutral.get("response_state") or attendee["state"]
        return None

    def _set_own_answer(self, event, neutral):
        """This user's answer in this calendar's item ``neutral``, taken in
        Odoo as the run's write (an event found through another calendar's
        binding is not: its answer would be marked to be sent back here,
        and the provider would mail the organizer again). An Outlook copy
        gives it as its own ``responseStatus`` (``response_state``); the
        answers its attendees show are the organizer's item's (a meeting its
        organizer's Outlook made again lists the decline Odoo read from the
        removal of the cancelled copy, while the user is asked anew)."""
        event = self.Event.browse(event.ids)
        state = self._own_state(neutral)
        if state:
            event.attendee_ids.filtered(
                lambda att: att.partner_id == self.user.partner_id
            ).state = state

# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""A series' occurrences bound to their remote instances (a mixin of
:class:`engine.series.SeriesSync`).

Every occurrence gets its instance id and its slot (``_bind_occurrences``);
a series found again by the Odoo id its push wrote binds its occurrences as
that push would have, an occurrence moved or deleted meanwhile included
(``_bind_found_series``, ``_bind_archived``); a series whose rule or times a
calendar changed is reshaped in place, occurrences that still exist keeping
their records (``_reshape_series``).
"""

import logging
from datetime import datetime, time

from ..models.calendar_attendee import ANSWER_STATES
from ..models.calendar_event import SYNC_CONTEXT
from ..services import conflicts, planner
from ..services.neutral_event import utc_to_naive_local
from ..services.recurrence import MAX_RECURRENT_EVENT
from ..services.snapshot import canonical, same_but_answers
from .keys import InstanceKey
from .series_slots import slot_stamp

_logger = logging.getLogger(__name__)


class SeriesBinding:
    """The occurrence bindings of a run's series (see :mod:`engine.series`)."""

    def _bind_occurrences(self, recurrence, master_id, etag, keep=False):
        """Give every occurrence its instance id, and remember its slot.
        Returns the occurrences that follow the series yet took over the
        instance of an exception (see :meth:`_took_exception`). Those with no
        instance are the adapter's ``unmatched_occurrences``, or with ``keep``
        stay as they are, bound to nothing."""
        base = self._series_base(recurrence)
        slots = set(self._series_slots(recurrence, base))
        # occurrences of the previous rule of a rewritten series may hold ids;
        # an exception archived (a split detached it, or the calendar's
        # version of the series left it out) keeps its own, to be deleted:
        # the calendar keeps an exception its series' new rule has no slot
        # for (unless an occurrence of the new rule takes its instance)
        stale = self.adapter.stale_instances(master_id).filtered(
            lambda ev: (
                (ev.active or ev.follow_recurrence)
                and not self._changed_there_meanwhile(ev, recurrence)
            )
        )
        held = {self.binder.remote_id(ev): ev for ev in stale}
        self.binder.set(stale, remote_id=False, etag=False)
        originals, moved = {}, self.Event
        occurrences = self._occurrences(recurrence)
        self.binder.load(occurrences)
        for event in occurrences:
            if event.follow_recurrence or not self._original_start(event):
                start = event.start_date if event.allday else event.start
                original = start if start in slots else None
            else:
                original = self._original(event)
            if original is None:
                moved |= event
            else:
                originals[event] = original
        ids = self.adapter.instance_ids(recurrence, master_id, set(originals.values()))
        guest_copy = self.binder.get(recurrence, "guest_copy")
        bound, pairs = {}, []
        for event, original in originals.items():
            if original not in ids:
                moved |= event
                continue
            stamp = slot_stamp(original, event.allday)
            bound[ids[original]] = event
            values = {
                "original_start": stamp,
                "remote_id": ids[original],
                "etag": etag,
                "guest_copy": guest_copy,
                "need_sync": not event.follow_recurrence,
                "sync_error": False,
            }
            pairs.append((event, values))
        held.update(self.binder.claim(bound))
        reset = self.Event
        if not guest_copy:
            reset = self._took_exception(pairs, held)
            if held:
                reset |= self._took_cancelled(master_id, pairs, held)
        self.binder.set_each(pairs)
        if moved and not keep:
            self.adapter.unmatched_occurrences(moved)
        return reset

    def _changed_there_meanwhile(self, event, recurrence):
        """``event``, an occurrence of ``recurrence`` deleted alone in Odoo
        (its delete not sent yet), whose instance this run's listing brings
        changed in the calendar: it keeps its instance, and the occurrence
        pass weighs the change against the delete (a later change there
        restores it). Let go of, it was in no pass: the calendar kept the
        changed instance and Odoo did not show it (finding BB)."""
        listed = self.instances.get(self.binder.remote_id(event))
        return bool(
            event.recurrence_id == recurrence
            and self.binder.get(event, "need_sync")
            and listed
            and not listed["cancelled"]
        )

    def _bind_occurrences_again(self, recurrence, master_id, etag):
        """:meth:`_bind_occurrences` on a series bound here before: an
        occurrence bound to the same instance as before stays as it was (its
        etag, its change still to send, or none)."""
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        self.binder.load(events)
        before = {
            event.id: (
                self.binder.remote_id(event),
                self.binder.get(event, "etag"),
                self.binder.get(event, "need_sync"),
            )
            for event in events
            if self.binder.remote_id(event)
        }
        reset = self._bind_occurrences(recurrence, master_id, etag)
        for event in events.exists():
            remote_id, old_etag, need_sync = before.get(event.id, (None, None, None))
            if remote_id and self.binder.remote_id(event) == remote_id:
                self.binder.set(event, etag=old_etag, need_sync=need_sync)
        return reset

    def _remade_unbound(self, recurrence):
        """Occurrences of ``recurrence``, a series bound here, that follow it
        and are bound to no instance here, within the calendar's window: Odoo
        made them again since the series was last bound here (an "all events"
        move, undone since by another calendar's later version)."""
        following = self._following(recurrence)
        self.binder.load(following)
        unbound = following.filtered(lambda ev: not self.binder.remote_id(ev))
        window = self.adapter.window_domain("event")
        return unbound.filtered_domain(window) if unbound and window else unbound

    def _bind_found_series(self, recurrence, master_id, planned=False):
        """A series found again by the Odoo id our push wrote in it (the
        push's answer was lost): its occurrences are bound to their instances
        as after that push; those moved alone since, which nothing recorded a
        slot for, first take the slot they left (``_place_moved``) and are
        then sent as the series' exceptions, not as events of their own
        (the calendar would keep the instance on the old slot). ``planned``:
        bound by the plan (``BindLocal``), whose next action on the series
        weighs Odoo's version against the calendar's (the take of a series
        has weighed them already)."""
        neutral = self.remote.get(master_id)
        if not neutral or neutral["cancelled"] or not self._occurrences(recurrence):
            return
        if planned and self._timing_differs(recurrence, neutral):
            # the calendar has another rule or other times than Odoo: one side
            # changed the series as a whole since the push (Odoo does it by
            # making the series again, finding BP's twins), and every slot of
            # the later version is new. An occurrence without an instance in
            # the calendar's slots was not deleted there: the update planned
            # after the binding (Odoo's version sent, or the calendar's taken,
            # which moves the occurrences into its slots) settles them all
            self._bind_occurrences(recurrence, master_id, neutral["etag"], keep=True)
            return
        self._place_moved(recurrence, master_id, neutral)
        self._bind_occurrences(recurrence, master_id, neutral["etag"])
        self._bind_archived(recurrence, master_id, neutral)

    def _bind_archived(self, recurrence, master_id, neutral):
        """Occurrences of a series found again (``_bind_found_series``) that
        Odoo deleted alone since the push (archived, still in their slot, or
        in the one ``_place_moved`` found): bound to the instance the
        calendar still holds, as needing sync, their delete is sent there."""
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        originals = {
            event: self._original(event)
            for event in events
            if not event.active
            and not self.binder.remote_id(event)
            and (event.follow_recurrence or self._original_start(event))
        }
        if not originals:
            # none, or the binding of the live ones removed every occurrence
            # (gone from the calendar): no series left to place them in
            return
        slots = set(self._series_slots(recurrence, self._series_base(recurrence)))
        slots -= self._removed_slots(master_id, neutral)
        originals = {ev: slot for ev, slot in originals.items() if slot in slots}
        ids = self.adapter.instance_ids(recurrence, master_id, set(originals.values()))
        self.binder.set_each(
            [
                (
                    event,
                    {
                        "original_start": slot_stamp(slot, event.allday),
                        "remote_id": ids[slot],
                        "etag": neutral["etag"],
                        "need_sync": True,
                    },
                )
                for event, slot in originals.items()
                if slot in ids
            ]
        )

    def _vacated_exceptions(self, recurrence, master_id):
        """Odoo moved the whole series (its occurrences follow it into new
        slots, or are made again there) and the calendar took the write: it
        keeps the series' exceptions on their old slots (Google), beside the
        new occurrences. One the calendar changed since the last sync comes
        into Odoo as an event of its own, bound to its instance (nothing is
        written for it: each calendar holds it as it is); one only Odoo had
        set (Odoo's move reset it into the series, or archived it with the
        old series when it made the series again from its base event) is
        deleted there. Returns those deletes."""
        if self.adapter.series_write_drops_exceptions:
            return []  # the changed occurrence is restored after the write
        holders = self.adapter.instance_holders(master_id).filtered(
            lambda ev: (
                (
                    ev.follow_recurrence
                    and (not ev.active or ev.recurrence_id == recurrence)
                )
                or self._archived_with_old_series(ev)
                or self._left_a_new_slot(ev, recurrence)
            )
        )
        kept = [
            remote_id
            for remote_id, item in self.instances.items()
            if item.get("recurring_event_id") == master_id and not item["cancelled"]
        ]
        if not holders and not kept:
            return []
        slots = set(self._series_slots(recurrence, self._series_base(recurrence)))
        deletes, deleted = [], set()
        for event in holders:
            remote_id = self.binder.remote_id(event)
            original = self.binder.get(event, "original_start")
            # the slot of the instance it is bound to
            bound = original and (original.date() if event.allday else original)
            if not original or bound in slots:
                continue
            changed = self._changed_there(
                event, self.instances.get(remote_id), master_id
            )
            if not changed and not self.binder.get(event, "synced"):
                continue  # a plain instance of the old rule: gone with it
            _logger.debug(
                "exception %s left on the slot Odoo moved %s from (%s)",
                remote_id,
                event,
                "changed there" if changed else "deleted there",
            )
            # an occurrence is bound again to its new slot next; one Odoo
            # made again lets go of it
            self.binder.set(event, remote_id=False, etag=False, original_start=False)
            # the guests' calendars hold the exception under the same id
            # (Google): their bindings follow it off the occurrence, to the
            # event it becomes, else nowhere (an instance gone, not the
            # occurrence: deleted there, their calendars list it cancelled)
            shared = event.sudo().calendar_sync_binding_ids.filtered(
                lambda b, rid=remote_id: (
                    b.remote_id == rid and b.account_id != self.account
                )
            )
            detached = self.Event
            if changed:
                detached = self._import_as_own({remote_id: original})
            moved = shared.filtered(
                lambda b, to=detached[:1]: (
                    to
                    and b.account_id
                    not in to.sudo().calendar_sync_binding_ids.account_id
                )
            )
            moved.event_id = detached[:1]
            (shared - moved).write(
                {"remote_id": False, "etag": False, "original_start": False}
            )
            if not changed:
                key = InstanceKey(recurrence.id, bound)
                self.items[key] = recurrence
                deletes.append(self.adapter.delete_op(key, remote_id))
                deleted.add(remote_id)
        deletes += self._left_past_the_rule(
            recurrence, [rid for rid in kept if rid not in deleted], slots
        )
        return deletes

    def _changed_there(self, event, neutral, master_id):
        """Whether the calendar changed the instance bound to ``event`` (its
        listing ``neutral``) since it was last synced. Not when its only
        change is the guests the organizer added to (removed from) the whole
        series, which the calendar passes on to its exceptions (Google): the
        series takes them (finding BK)."""
        if (
            not neutral
            or neutral["cancelled"]
            or neutral.get("etag") == self.binder.get(event, "etag")
        ):
            return False
        synced = conflicts.loads(self.binder.get(event, "synced"))
        master = self.remote.get(master_id)
        if not synced or not master:
            return True
        return not conflicts.only_series_guests(
            synced, canonical(neutral), canonical(master)
        )

    def _left_past_the_rule(self, recurrence, listed, slots):
        """Instances of the series Odoo just wrote that this listing brings
        changed in the calendar, past the last slot the series has now, that
        no event holds here: Odoo's *This and following events* split ended
        the series before an occurrence the calendar had changed meanwhile
        (its event, unbound by the split, starts the new series). The
        calendar keeps such an exception beside the shortened rule (Google):
        it comes into Odoo as an event of its own, bound to its instance
        (finding AJ). Not for an endless series (past Odoo's horizon, an
        instance still belongs to it) or one Odoo cuts at its occurrence
        limit. In a mirror it carries no attendees: so does the event, which
        this calendar then hosts (the user's other calendar gets a mirror of
        it), and nobody is invited. One changed there by its guests' answers
        only, whose slot an occurrence of the series Odoo split off holds,
        is no event of its own: its answers go to that occurrence, and it
        is deleted there (finding BM). Returns those deletes."""
        if (
            recurrence.end_type == "forever"
            or not slots
            or len(slots) >= MAX_RECURRENT_EVENT
        ):
            return []
        last = max(slots)
        timed = isinstance(last, datetime)

        def past_the_end(original):
            # a date and a datetime (the series changed to all-day) do not
            # compare: left alone
            return (
                original is not None
                and isinstance(original, datetime) == timed
                and original > last
            )

        held = self.binder.records("calendar.event", listed)
        left = [
            remote_id
            for remote_id in listed
            if remote_id not in held
            and past_the_end(self.instances[remote_id].get("original_start"))
        ]
        deletes = []
        for remote_id in list(left):
            original = self.instances[remote_id]["original_start"]
            taker = self._split_occurrence_on(recurrence, original)
            neutral = self.instances[remote_id]
            if not taker or not same_but_answers(
                canonical(self._local_neutral(taker)), canonical(neutral)
            ):
                continue
            _logger.debug(
                "exception %s left past the rule Odoo wrote, answered only: "
                "its answers go to %s",
                remote_id,
                taker,
            )
            left.remove(remote_id)
            self._carry_answers(neutral, taker)
            key = InstanceKey(recurrence.id, original)
            self.items[key] = recurrence
            deletes.append(self.adapter.delete_op(key, remote_id))
        if left:
            _logger.debug("exceptions %s left past the rule Odoo wrote", left)
            self._import_as_own(
                {
                    remote_id: slot_stamp(original, not isinstance(original, datetime))
                    for remote_id in left
                    for original in [self.instances[remote_id]["original_start"]]
                }
            )
        return deletes

    def _split_occurrence_on(self, recurrence, original):
        """The occurrence on slot ``original`` (naive UTC, or a date) of
        another series of ``recurrence``'s organizer: the part Odoo's *This
        and following events* split off it holds the slots past its end."""
        field = "start" if isinstance(original, datetime) else "start_date"
        base = recurrence.base_event_id or recurrence.calendar_event_ids[:1]
        return self.Event.search(
            [
                (field, "=", original),
                ("user_id", "=", base.user_id.id),
                ("recurrence_id", "not in", [False, recurrence.id]),
            ],
            limit=1,
        )

    def _carry_answers(self, neutral, event):
        """The answers the guests gave on instance ``neutral`` go to
        ``event``'s attendees, and on to each guest's calendars (the
        instance is deleted: none of them holds them elsewhere)."""
        answered = {
            a["email"]
            for a in neutral.get("attendees") or []
            if a["state"] in ANSWER_STATES
        }
        partners = {
            email: pid
            for email, pid in self._partners([neutral]).items()
            if email in answered
        }
        # not as this run's write: marked for every calendar of each guest
        event.with_context(**{SYNC_CONTEXT: None})._calendar_sync_set_answers(
            neutral, partners
        )

    def _import_as_own(self, originals):
        """Instances this listing brings, each made an Odoo event of its own
        bound to its instance, which remembers its slot (``originals``:
        ``{remote id: original start as stored}``); returns the events."""
        self._create_events([planner.CreateLocal(remote_id) for remote_id in originals])
        made = self.binder.records("calendar.event", list(originals))
        for remote_id, event in made.items():
            self.binder.set(event, original_start=originals[remote_id])
        return self.Event.concat(*made.values())

    def _left_a_new_slot(self, event, recurrence):
        """An occurrence Odoo reset into its series as it made the series
        again, then changed alone in Odoo: it left a slot of the new rule
        (``calendar_sync_left_slot``), and is still bound to the exception it
        was on a slot of the old one (Google keeps it there)."""
        left = event.calendar_sync_left_slot
        original = self.binder.get(event, "original_start")
        return bool(
            event.active
            and event.recurrence_id == recurrence
            and not event.follow_recurrence
            and left
            and original
            and original != left
        )

    def _archived_with_old_series(self, event):
        """An exception (changed alone) that Odoo archived with its series
        when it made the series again ("All events" with new times or rule:
        the old series is gone, its occurrences archived as settled, nothing
        marked to be deleted one by one)."""
        return (
            not event.active
            and not event.follow_recurrence
            and not event.recurrence_id
            and not event.calendar_sync_deleted
            and not self.binder.get(event, "need_sync")
        )

    def _took_exception(self, pairs, held):
        """Odoo rewrote the series ("all events" with a new rule), its
        exceptions are gone: an occurrence that follows it and takes over the
        instance an exception held (renamed, moved alone) is sent, the
        calendar still has the exception's changes. ``pairs``: ``[(event,
        binding values)]`` (their ``need_sync`` set here); ``held``: ``{remote
        id: event}`` of the events the ids were taken from."""
        reset = []
        for event, values in pairs:
            previous = held.get(values["remote_id"])
            if previous and previous != event and not previous.follow_recurrence:
                values["need_sync"] = True
                reset.append(event.id)
        return self.Event.browse(reset)

    def _reshape_series(self, recurrence, master_id, neutral):
        """Give ``recurrence`` the remote series' rule and times, keeping the
        records of the occurrences that still exist."""
        # Odoo's base event takes the first slot again, changed alone or not
        base = recurrence.base_event_id or self._series_base(recurrence)
        allday = bool(neutral["allday"])
        if allday:
            first = neutral["start_date"]
            length = neutral["stop_date"] - neutral["start_date"]
        else:
            first = neutral["start"]
            length = neutral["stop"] - neutral["start"]
        rule = neutral["rule"]
        self._check_week_start(rule)
        rec_values = {
            key: value
            for key, value in rule.items()
            if key in recurrence._fields and (value is not False or key == "until")
        }
        if rule["end_type"] != "count":
            rec_values.pop("count", None)
        rec_values["event_tz"] = neutral["tz"]
        recurrence.write(rec_values)
        base.write({**self._times(first, length, allday), "follow_recurrence": True})
        if "dtstart" in recurrence._fields and not allday:
            recurrence.dtstart = first
        slots = self._series_slots(recurrence, base)
        # a moved occurrence still holds its original slot: no second one there
        moved = self._occurrences(recurrence).filtered(
            lambda ev: not ev.follow_recurrence and self._original_start(ev)
        )
        held = {self._original(ev) for ev in moved}
        slots = [slot for slot in slots if slot not in held]
        followers = self._following(recurrence).sorted("start")
        pairs, free = self._pair_slots(followers, slots, allday, neutral["tz"])
        for event, slot in pairs:
            event.write(
                {**self._times(slot, length, allday), "follow_recurrence": True}
            )
        (followers - self.Event.concat(*(event for event, _slot in pairs))).unlink()
        if free:
            [base_values] = base.copy_data()
            self.Event.create(
                [
                    {
                        **base_values,
                        **self._times(slot, length, allday),
                        "recurrence_id": recurrence.id,
                        "follow_recurrence": True,
                    }
                    for slot in free
                ]
            )
        occurrences = self._occurrences(recurrence)
        # every follower's slot is new: bound again by its current start, here
        # and in the other calendars, whose slots recorded are the old rule's:
        # one of them changed alone later would take there an instance that
        # the series' next write leaves out (_original_start)
        followers = occurrences.filtered("follow_recurrence")
        self.binder.set(followers, original_start=False)
        followers.sudo().calendar_sync_binding_ids.filtered(
            lambda binding: binding.original_start
        ).write({"original_start": False})
        self._bind_occurrences(recurrence, master_id, neutral["etag"])
        excluded = set(neutral.get("exdates") or [])
        if excluded:
            self._occurrences(recurrence).filtered(
                lambda ev: ev.follow_recurrence and self._original(ev) in excluded
            ).unlink()
        self._add_extra_occurrences(recurrence, master_id, neutral)

    @staticmethod
    def _times(slot, length, allday):
        if allday:
            return {
                "allday": True,
                "start": datetime.combine(slot, time(8)),
                "stop": datetime.combine(slot + length, time(18)),
                "start_date": slot,
                "stop_date": slot + length,
            }
        return {"allday": False, "start": slot, "stop": slot + length}

    @staticmethod
    def _pair_slots(followers, slots, allday, tz):
        """Occurrences that keep their record: first those whose local day is
        still a slot's, then the rest in order. ``(pairs, free slots)``."""

        def day(value):
            if allday:
                return value if not isinstance(value, datetime) else value.date()
            return utc_to_naive_local(value, tz).date()

        free = list(slots)
        by_day = {}
        for slot in free:
            by_day.setdefault(day(slot), slot)
        pairs, left = [], []
        for event in followers:
            slot = by_day.pop(day(event.start_date if allday else event.start), None)
            if slot is None:
                left.append(event)
            else:
                pairs.append((event, slot))
                free.remove(slot)
        for event in left:
            if not free:
                break
            pairs.append((event, free.pop(0)))
        return pairs, free

    def _unbind_series(self, recurrence):
        """Forget ``recurrence`` and all its occurrences (archived ones too)
        in this account; return those occurrences."""
        events = recurrence.calendar_event_ids.with_context(active_test=False)
        self.binder.drop(recurrence)
        self.binder.drop(events)
        return events

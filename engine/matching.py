# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Matching in a sync run: which Odoo record a remote item is, before planning.

Part of :class:`engine.run.SyncRun` (a mixin over the same run state): remote
items new to a calendar are bound to the meeting Odoo already has (iCalUID, the
Odoo id a push wrote), a meeting hosted by another of the user's calendars is
held here as a mirror (no attendees), and an idempotent create answered with an
item this run imported drops that echo.
"""

from odoo import Command, _

from ..services import config, conflicts, planner
from ..services.neutral_event import normalize_email
from ..services.snapshot import canonical
from .keys import EventKey, SeriesKey


class MatchingSync:
    """The matching part of a sync run (see :class:`engine.run.SyncRun`)."""

    def _claimed_key(self, neutral, series):
        """The local key a remote item names through the Odoo id our push
        wrote in it (a push whose answer was lost is bound again, never
        duplicated): an event, or the series of the base event it names."""
        if neutral["cancelled"]:
            return None
        odoo_id = neutral.get("odoo_id") or self.adapter.claimed_odoo_id(neutral)
        if not odoo_id:
            return None
        if not series:
            return EventKey(odoo_id)
        event = self.Event.browse(odoo_id).exists()
        if event.recurrence_id and event.user_id == self.user:
            return SeriesKey(event.recurrence_id.id)
        return None

    def _claimed_records(self, model):
        """The records of this user that the received items name through
        our Odoo id (for a part of a long listing, which loads no unbound
        record otherwise): events, or the series of the events masters name."""
        received = self.masters if model == "calendar.recurrence" else self.singles
        keys = [
            self._claimed_key(neutral, model == "calendar.recurrence")
            for neutral in received.values()
        ]
        ids = [key.id for key in keys if key is not None]
        return self._claimed(ids, model == "calendar.recurrence")

    def _claimed(self, ids, series):
        """The records of this user that ids of :meth:`_claimed_key` name:
        series (their base event is the user's, the key says), or single
        events the user organizes."""
        records = self.Recurrence if series else self.Event
        records = records.browse(ids).exists()
        if not series:
            records = records.filtered(
                lambda ev: ev.user_id == self.user and not ev.recurrence_id
            )
        return records

    def _rebind_known(self):
        """Bind, before planning, the remote items new to this calendar that
        are meetings Odoo already has (known by their iCalUID): an event this
        calendar held before (a reset or a lost binding left it parked, with
        its iCalUID), or a meeting in Odoo through another calendar (the
        organizer's, or another attendee's mailbox copy). They are then
        planned as bound items: updates, never second events."""
        todo = {
            rid: neutral
            for rid, neutral in {**self.singles, **self.masters}.items()
            if not neutral["cancelled"] and neutral.get("ical_uid")
        }
        if not todo:
            return
        known = self.binder.records("calendar.event", todo)
        known.update(self.binder.records("calendar.recurrence", todo))
        by_uid = {n["ical_uid"]: rid for rid, n in todo.items() if rid not in known}
        if not by_uid:
            return
        found = self.binder.Binding.search(
            [
                ("ical_uid", "in", list(by_uid)),
                "|",
                ("event_id", "!=", False),
                ("recurrence_id", "!=", False),
            ],
            order="id",
        )
        alive = None  # after a merge: the bindings it left
        for other in found:
            if alive is not None and other.id not in alive:
                continue  # a guest's binding that a merge below removed
            ical_uid = other.ical_uid
            remote_id = by_uid.get(ical_uid)
            record = other.event_id or other.recurrence_id
            if remote_id is None or (remote_id in self.masters) != bool(
                other.recurrence_id
            ):
                continue
            own = self._claimed_unbound(remote_id, record)
            if own and self._merge_early_import(record, own, self.remote[remote_id]):
                alive = set(found.exists().ids)
                # bound to ``own`` by the Odoo id it carries (the planner's
                # BindLocal), as any push whose answer was lost; ``other``
                # may be gone with the guest's import
                del by_uid[ical_uid]
                continue
            # before _may_join makes this calendar's user the organizer
            takes_over = self._takes_over(other, record, self.remote[remote_id])
            if self._may_join(other, record, self.remote[remote_id]):
                values = self._bind_values(remote_id, self.remote[remote_id], record)
                if other.account_id == self.account:
                    # what the user asked of it at the reset still holds
                    del values["need_sync"]
                if takes_over and other.etag:
                    # Odoo has the version the guest's calendar gave; the
                    # organizer's may be later (a guest's run brings only her
                    # answer): bound with the guest's etag, a later version
                    # is planned as a change, and taken
                    values["etag"] = other.etag
                self.binder.set(record, **values)
                if record._name == "calendar.recurrence" and (
                    other.account_id != self.account
                ):
                    self._join_occurrences(record, remote_id, values["etag"])
                if other.account_id != self.account:
                    # received here for the first time: a change the user's
                    # other calendars act on (the organizer's takes over a
                    # meeting a guest's import made; mirrors follow)
                    self.counters["pulled"] += 1
                    series = record._name == "calendar.recurrence"
                    event = record.base_event_id if series else record
                    if event.user_id != self.user:
                        # bound with the calendar's version, it is planned as
                        # unchanged: the user's answer given there is taken now
                        # (on a series: the occurrences it answers; a series
                        # made again after the user's copy was removed, which
                        # Odoo took as a decline, asks them anew: finding AW)
                        neutral = self.remote[remote_id]
                        self._set_own_answer(
                            self._answered_by_series(record, neutral)
                            if series
                            else record,
                            neutral,
                        )
                del by_uid[ical_uid]
            elif self._awaits_organizer(
                other, record, self.remote[remote_id]
            ) or self._invited_to_outside_meeting(record, self.remote[remote_id]):
                self._wait_for_organizer(remote_id, record)
                del by_uid[ical_uid]

    def _claimed_unbound(self, remote_id, record):
        """The record of this user that remote ``remote_id`` names through
        the Odoo id our push wrote in it, when it is not ``record`` and not
        bound in this calendar yet (a push whose commit was lost)."""
        series = remote_id in self.masters
        key = self._claimed_key(self.remote[remote_id], series)
        own = self._claimed([key.id], series) if key is not None else None
        if not own or own == record or self.binder.remote_id(own):
            return None
        return own

    def _merge_early_import(self, copy, own, neutral):
        """A guest's calendar imported the meeting before its organizer's
        calendar (this one) found again its own push, whose binding a lost
        commit took: ``copy`` is that guest's import, ``own`` the record
        Odoo had all along, ``neutral`` the organizer's item as listed here.
        The guests' bindings move to ``own`` with their answers, and ``copy``
        goes (one meeting, one record; nothing is sent for it). Not when
        ``copy`` is more than a guest's import of this user's invitation: a
        copy whose calendar names another organizer, a meeting of someone
        neither in ``own`` nor invited in the organizer's item (a guest the
        organizer added in this calendar after the push is one), or one bound
        in the organizer's calendars."""
        if not self._is_guest_copy_elsewhere(copy):
            return False
        # each guest's calendar holds it as an invitation from this calendar's
        # user: the organizer's item (which its user writes, iCalUID and Odoo
        # id included) proves nothing of a copy in someone else's calendar
        organizers = {
            (conflicts.loads(binding.synced) or {}).get("organizer_email")
            for binding in copy.calendar_sync_binding_ids.filtered("remote_id")
        }
        if not organizers or not organizers <= self._own_emails() - {""}:
            return False
        invited = {a["email"] for a in neutral.get("attendees") or []} - {""}
        series = copy._name == "calendar.recurrence"
        copies, owns = copy, own
        if series:
            copies = copy.calendar_event_ids.with_context(active_test=False)
            owns = own.calendar_event_ids.with_context(active_test=False)
        bindings = copies.calendar_sync_binding_ids
        if series:
            bindings |= copy.calendar_sync_binding_ids
        base = own.base_event_id if series else own
        # the organizer's own unsent marks go with the copy
        bindings = bindings.filtered(
            lambda b: b.remote_id or b.account_id.user_id != self.user
        )
        if any(
            b.account_id.user_id == self.user
            or (
                b.account_id.user_id.partner_id not in base.partner_ids
                and not invited & self._account_emails(b.account_id)
            )
            for b in bindings
        ):
            return False
        by_start = {ev.start: ev for ev in owns}
        for binding in bindings.filtered("recurrence_id"):
            binding.recurrence_id = own
        for event in copies:
            target = by_start.get(event.start) if series else own
            moved = event.calendar_sync_binding_ids & bindings
            if not target or (
                moved.account_id & target.calendar_sync_binding_ids.account_id
            ):
                # an instance the series does not have: bound when listed again
                moved.unlink()
                continue
            moved.event_id = target
            for attendee in event.attendee_ids:
                if attendee.partner_id in moved.account_id.user_id.partner_id:
                    target.attendee_ids.filtered(
                        lambda att, p=attendee.partner_id: att.partner_id == p
                    ).state = attendee.state
        if series:
            self._drop_local_series(copy)
        else:
            copy.unlink()
        return True

    def _join_occurrences(self, recurrence, master_id, etag):
        """Bind the occurrences of a series this calendar joins (Odoo has it
        through another calendar, see ``_rebind_known``) to their instances,
        as synced: Odoo holds them as that calendar sent them, they are no
        change made in Odoo (which would send the whole series again, and
        the provider would mail its guests). Where this calendar differs,
        its version is taken. An occurrence changed alone keeps the original
        slot the other calendar recorded."""
        occurrences = self._occurrences(recurrence)
        self.binder.load(occurrences)
        self._adopt_original_starts(
            occurrences.filtered(
                lambda ev: (
                    not ev.follow_recurrence
                    and not self.binder.get(ev, "original_start")
                )
            )
        )
        self._bind_occurrences(recurrence, master_id, etag)
        self.binder.set(
            self._occurrences(recurrence).filtered(self.binder.remote_id),
            need_sync=False,
        )

    def _adopt_original_starts(self, events):
        """Occurrences changed alone take here the original slot another
        calendar recorded for them."""
        for event in events:
            known = event.calendar_sync_binding_ids.filtered("original_start")[:1]
            if known:
                self.binder.set(event, original_start=known.original_start)

    def _bound_here(self, record):
        """``record`` is bound to a live item of this calendar (not to one
        this listing cancels: a meeting deleted and made again by its
        organizer comes back as a new item, which takes its place)."""
        bound = self.binder.remote_id(record)
        return bool(bound) and not self.remote.get(bound, {}).get("cancelled")

    def _own_emails(self):
        """The addresses this calendar's user answers under (the account's
        and the Odoo user's)."""
        return self._account_emails(self.account)

    @staticmethod
    def _account_emails(account):
        """The addresses the user of ``account`` answers under there."""
        return {
            normalize_email(account.email),
            normalize_email(account.user_id.partner_id.email),
        }

    def _awaits_organizer(self, other, record, neutral):
        """An invitation to this user that Odoo has as someone else's meeting
        without them yet: its organizer added them in their calendar, whose
        sync has not brought the new guest to Odoo. That calendar (bound to
        the meeting, with this provider, synced by the cron) will: wait for it rather
        than make this user a second meeting. So too for a series its
        organizer deleted in Odoo meanwhile: that calendar restores it (the
        invitation is the later change) or deletes it there, which cancels
        the invitation."""
        host = other.account_id
        event = self._meeting_event(record)
        own = self._own_emails()
        return bool(
            host != self.account
            and not self._bound_here(record)
            and event.user_id
            and event.user_id != self.user
            and host.user_id == event.user_id
            and host.provider == self.account.provider
            # a run that failed (an error page, a timeout) is tried again:
            # only a calendar to reconnect will not act
            and host.state in config.RUN_STATES
            and other.remote_id
            and not other.mirror
            and neutral.get("organizer_email")
            == normalize_email(event.user_id.partner_id.email)
            and own & {a["email"] for a in neutral.get("attendees") or []}
        )

    def _meeting_event(self, record):
        """The event that names the organizer and guests of ``record``: the
        event itself, or the series' base event. A series deleted whole in
        Odoo has none (Odoo unsets it with the last occurrence archived): its
        first occurrence then, archived, which its organizer's calendar may
        still restore (a change made there later wins, see the planner)."""
        if record._name != "calendar.recurrence":
            return record
        # in the run's context, which sees archived occurrences
        return record.base_event_id or self._series_base(
            self.Recurrence.browse(record.ids)
        )

    def _wait_for_organizer(self, remote_id, record):
        """Keep the invitation aside (tried again on every run, see
        :meth:`_with_pending`) until its organizer's sync invites this user
        in Odoo; nothing is planned for it in this run."""
        event = self._meeting_event(record)
        self._remember_failure(
            remote_id,
            _(
                "Waiting for the calendar of %(organizer)s to add you to this "
                "meeting in Odoo.",
                organizer=event.user_id.name,
            ),
        )
        for items in (self.singles, self.masters):
            items.pop(remote_id, None)
        self.remote.pop(remote_id, None)

    def _may_join(self, other, record, neutral):
        """Whether remote ``neutral`` may be bound to ``record`` (bound as
        ``other`` already): never a meeting the user is not in."""
        if other.account_id == self.account:
            return not other.remote_id  # parked here; else bound elsewhere
        if self._bound_here(record):
            return False  # bound to something else in this calendar already
        series = record._name == "calendar.recurrence"
        event = record.base_event_id if series else record
        if event.user_id != self.user and self.user.partner_id not in (
            event.partner_ids
        ):
            return False  # not this user's meeting: never theirs to change
        if self._takes_over(other, record, neutral):
            # this calendar organizes it: the attendee's copy Odoo made
            # first becomes the organizer's event
            events = record.calendar_event_ids if series else record
            events.with_context(active_test=False).write({"user_id": self.user.id})
        return True

    def _takes_over(self, other, record, neutral):
        """This calendar organizes ``record``, which Odoo has as a guest's
        import (bound as ``other`` in that guest's calendar)."""
        event = (
            record.base_event_id if record._name == "calendar.recurrence" else record
        )
        return (
            other.account_id != self.account
            and event.user_id != self.user
            and neutral.get("organizer_email") == self.account.email
            and self._is_guest_copy_elsewhere(record)
        )

    def _invited_to_outside_meeting(self, record, neutral):
        """``neutral``, this user's copy of ``record``, invites them to an
        outside organizer's meeting that Odoo has as other guests' copies
        only (its Odoo organizer's calendars hold it as a guest's copy too:
        they stand in for the real organizer), without them yet: the
        organizer invited this user after those calendars last brought it.
        It waits (as for :meth:`_awaits_organizer`) until one of those
        copies, which their holders' calendars vouch for, names this user;
        then the user joins it. Their own copy alone never adds them to a
        meeting others hold: anyone can send them a copy with its iCalUID
        and organizer (an e-mailed invitation lands in Google by itself)."""
        event = self._meeting_event(record)
        if (
            self._bound_here(record)
            or event.user_id == self.user
            or self.user.partner_id in event.partner_ids
        ):
            return False
        bindings = record.calendar_sync_binding_ids
        if record._name == "calendar.recurrence":
            bindings |= event.calendar_sync_binding_ids
        owner = bindings.filtered(
            lambda b: b.remote_id and b.account_id.user_id == event.user_id
        )
        organizer = normalize_email(neutral.get("organizer_email") or "")
        own = self._own_emails()
        return bool(
            owner
            and all(owner.mapped("guest_copy"))
            and organizer
            and organizer not in own
            # the organizer Odoo has it from: a copy naming another one is
            # not this meeting's (an iCalUID alone proves nothing)
            and organizer in set(event.partner_ids.mapped("email_normalized"))
            and own & {a["email"] for a in neutral.get("attendees") or []}
        )

    def _hosted_elsewhere(self, record):
        """Another calendar of this user holds ``record`` as the meeting
        itself (with its attendees): this calendar only mirrors it."""
        bindings = record.calendar_sync_binding_ids
        return any(
            b.remote_id
            and not b.mirror
            and not b.guest_copy
            and b.account_id != self.account
            and b.account_id.user_id == self.user
            for b in bindings
        )

    def _is_mirror(self, record):
        """This calendar shows the user's meeting that another of their
        calendars hosts: it gets it without attendees, so that nobody is
        invited twice (one meeting reaches a provider once per person). An
        occurrence is what its series is here."""
        series = record._name == "calendar.event" and record.recurrence_id
        if series and self.binder.remote_id(series):
            return self._is_mirror(series)
        binding = self.binder.of(record)
        if binding and binding.remote_id:
            return binding.mirror
        return self._hosted_elsewhere(record)

    def _local_neutral(self, event):
        """The neutral event this calendar is to hold for ``event``."""
        neutral = event._calendar_sync_neutral()
        if self._is_mirror(event):
            neutral["attendees"] = []
        return neutral

    def _mark_mirrors(self):
        """Listed items this calendar holds as mirrors: their (absent)
        attendees are not a change."""
        listed = [rid for rid, n in self.remote.items() if not n["cancelled"]]
        if not listed:
            return
        mirrors = self.binder.Binding.search(
            [
                ("account_id", "=", self.account.id),
                ("mirror", "=", True),
                ("remote_id", "in", listed),
            ]
        )
        for mirror in mirrors:
            neutral = self.remote[mirror.remote_id]
            self._invited_in_mirror(mirror, neutral)
            neutral["attendees"] = []
            neutral["mirror"] = True
        # an occurrence is a mirror where its series is: an instance moved or
        # renamed there keeps the occurrence's guests in Odoo
        instances = [rid for rid in listed if rid in self.instances]
        found = self.binder.records("calendar.event", instances)
        for remote_id, event in found.items():
            neutral = self.remote[remote_id]
            if not neutral.get("mirror") and self._is_mirror(event):
                neutral["attendees"] = []
                neutral["mirror"] = True

    def _invited_in_mirror(self, mirror, neutral):
        """Guests the user invited in a mirror (which holds none) join the
        meeting in Odoo, and so in the calendar hosting it; the mirror is
        written again without them."""
        own = self._own_emails()
        invited = [a for a in neutral.get("attendees") or [] if a["email"] not in own]
        record = mirror.event_id or mirror.recurrence_id
        if not invited or not record:
            return
        series = record._name == "calendar.recurrence"
        events = self._following(record) if series else record
        if series and not events:
            # a series deleted in Odoo: it comes back if the mirror's change
            # is the later one (planner), with the guests invited there
            events = record.with_context(active_test=False).calendar_event_ids.filtered(
                "follow_recurrence"
            )
        if not events or events[:1].user_id != self.user:
            return
        partners = self._partners([{"attendees": invited}])
        new = [
            pid for pid in partners.values() if pid not in events[:1].partner_ids.ids
        ]
        if new:
            events.write({"partner_ids": [Command.link(pid) for pid in new]})
        if series:
            record.calendar_sync_binding_ids.filtered("remote_id").write(
                {"need_sync": True}
            )
        mirror.need_sync = True
        self.mirrors_to_rewrite.add(mirror.remote_id)

    def _rewrite_mirrors(self, actions):
        """A mirror the user invited guests in is written again without them
        (the planner sees no change: its attendees are left out of both
        sides)."""
        if not self.mirrors_to_rewrite:
            return actions
        out = []
        for action in actions:
            rewrite = getattr(action, "remote_id", None) in self.mirrors_to_rewrite
            if rewrite and isinstance(action, planner.MarkSynced):
                # marked synced first: the write is based on the version
                # listed (the guests' invitation moved its etag), or it
                # would be refused (412) and the guests left in
                out.append(action)
                action = planner.UpdateRemote(action.key, action.remote_id)
            out.append(action)
            if rewrite and isinstance(action, planner.UpdateLocal):
                # a change made there too (its title, say): applied in Odoo
                # first, then the mirror is written again without the guests
                out.append(planner.UpdateRemote(action.key, action.remote_id))
        return out

    def _is_guest_copy_elsewhere(self, record):
        """``record`` was imported as someone's copy of a meeting they do not
        organize (so its Odoo organizer stands in for the real one)."""
        bindings = record.calendar_sync_binding_ids
        if record._name == "calendar.recurrence":
            bindings |= record.base_event_id.calendar_sync_binding_ids
        return any(b.guest_copy for b in bindings if b.account_id != self.account)

    def _bound_elsewhere(self, record):
        """``record`` is still in another calendar (bound with a remote id)."""
        return any(
            binding.remote_id and binding.account_id != self.account
            for binding in record.calendar_sync_binding_ids
        )

    def _drop_echo(self, remote_id, record):
        """The provider answered an (idempotent) create with an item this run
        imported as new: our own earlier push, whose binding was lost. The
        import was its echo, not a second meeting."""
        echo = self.binder.records(record._name, [remote_id]).get(remote_id)
        if not echo or echo == record:
            return False
        if record._name == "calendar.recurrence":
            if echo.id in self.imported_series:
                self.imported_series.discard(echo.id)
                self._drop_local_series(echo)  # its occurrences' bindings too
                self.counters["pulled"] -= 1
                return True
        elif echo.id in self.imported:
            self.imported.discard(echo.id)
            echo.unlink()
            self.counters["pulled"] -= 1
            return True
        return False

    def _settle_echo(self, event, remote_id):
        """The calendar's item, answered by an idempotent create whose echo
        was dropped, may have been changed there after our lost push: the
        later change wins, as with any item changed on one side (the remote
        one is applied here, or Odoo's is sent); follow-up writes."""
        neutral = self.remote.get(remote_id)
        if not neutral or neutral["cancelled"] or event.recurrence_id:
            return []
        if canonical(neutral) == canonical(self._local_neutral(event)):
            return []
        key = EventKey(event.id)
        self.items[key] = event
        if neutral["updated"] and (
            not event.write_date or neutral["updated"] > event.write_date
        ):
            self._do_UpdateLocal(planner.UpdateLocal(key, remote_id))
            return []
        return [self._do_UpdateRemote(planner.UpdateRemote(key, remote_id))]

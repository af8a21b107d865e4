# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""Model-based convergence test of the real sync engine (issue 9).

A hypothesis ``RuleBasedStateMachine`` plays a small company: Odoo users who
invite each other and outside guests, change their meetings in Odoo, in Google
Calendar and in Outlook, answer invitations on either side (a whole series,
or one of its occurrences alone), while the providers fail now and then;
after each ``settle`` (every account synced until nothing changes) the
calendars must agree with Odoo. Nothing of ours is
mocked: ``account._sync()`` of real ``calendar.sync.account`` records talks
over loopback HTTP to the project's Google and Graph emulators, which deliver
invitations between their own users as the providers do.

The world (:class:`World`):

* Odoo users Alice (Google), Bob (Outlook), Carol (Google **and** Outlook) and
  Dan (no calendar connected), all in Europe/Brussels;
* outside people: Olga (organizes meetings in her own Google calendar and in
  her own Outlook mailbox, invites the users; no Odoo user) and Erin (a plain
  e-mail address that is only ever invited).

Every meeting the machine creates gets a tag (``M1``, ``M2``...) that starts
its title, so each one can be followed through renames on either side; the
machine remembers its real organizer and where it was created.

What "a user sees" means (the invariant checked by :meth:`World.check`),
for each connected calendar (user U, provider P) after a settle:

* every active Odoo event (single event or occurrence) that U organizes is in
  U's P calendar, as U's own meeting: with its attendees when that calendar
  hosts it, without them when U's other calendar hosts it and P holds a
  mirror (README, "Both calendars at once": a meeting reaches a provider once
  per person);
* every active Odoo event U is invited to (U's partner is an attendee) whose
  organizer is someone else is in U's P calendar **when provider P hosts the
  meeting**: its organizer is an Odoo user whose P calendar has it with its
  attendees (P delivers the invitation to U's P calendar; a mirror delivers
  nothing), or it is an outside organizer's meeting that came from P. An
  invitation is never copied by Odoo into a calendar of another provider:
  there it would be a second meeting organized by U;
* when U declined such an invitation, U's calendar may keep or drop its copy;
* events organized by a user without any calendar (Dan) are in no calendar;
* and nothing else is in U's P calendar: each remote item (a single event, an
  occurrence or an exception of a series) is one of the above, exactly once,
  with equal title, all-day flag, start and stop (UTC, or dates for all-day
  events), location, description (as text), attendees (the organizer left
  out) and, for an invitation, U's own answer.

Besides: no iCalUID twice in a calendar, no title and start twice in a
calendar, no meeting twice in Odoo (two active events with the same title and
start) unless an Odoo operation made them itself, without any sync (e.g. the
first part of a split series given more occurrences and moved onto the
second part's hour: Odoo regenerates them whatever the other part holds); a
calendar then has them as many times as Odoo does
(:meth:`.odoo_side.OdooOperations.made_by_odoo`), and the last round of the
settle did nothing (pulled = pushed = failed = 0 for every account). A sync
never raises, whatever the provider answers. No sync makes a meeting lose an
event in Odoo (an occurrence of a series included): its active events are
counted at each check and right after each Odoo operation on it (which may
remove some itself); fewer at the next check is a loss unless a calendar
deleted the meeting or one of its occurrences, or un-invited someone, since.
A loss every calendar agrees on is no disagreement with Odoo
(:meth:`.invariants.Invariants.lost`, after finding AH).

A deleted occurrence stays deleted (:mod:`.deletes`): an occurrence deleted
in Odoo or by its organizer in a calendar must not be in Odoo again at its
start (or, for one deleted in a calendar, its original start) unless an
operation may bring it back (README, *Recurring events*): a change of the
whole series' times or rule in Odoo (every occurrence), a "this and following"
change in Odoo (the occurrences from its start on), a change of that
occurrence alone on the other side, Odoo itself making it again (a series
made again), or a change in the calendar of a series Odoo deleted whole. An
operation made before the delete and after the last check counts too (it may
not be synced yet). A delete undone on every side is no disagreement with
Odoo either (AQ's Outlook twin, found by hand).

And over every run since the last check:

* a user's run changes no other user's events: every Odoo event (archived
  ones included) that the run's user neither organizes nor attends, before
  and after the run, keeps its title, times, place, description, state,
  series, guests and answers (:meth:`.invariants.Invariants.trespassed`);
* no provider mail that the README does not announce: the emulators record
  every mail the providers send for the runs' writes (Google's for
  ``sendUpdates=all``, Outlook's for any write to a meeting with attendees or
  an answer); each must be about a meeting that an operation since the last
  check announced: created, changed, deleted, (un)archived, re-invited or
  answered in Odoo, or changed in a calendar of a user with both calendars
  (the change travels to the other one, which may host the meeting). A first
  sync, a re-binding, an echo of a remote change and a guest's copy mail
  nobody (:meth:`.invariants.Invariants.unannounced_mails`).

Odoo's clock (drawn once per example, ``set_odoo_clock``): behind the
providers' (it stands still at the transaction's start, as in any Odoo test:
every remote change is later than every Odoo change), or in step with them
(each operation and run is dated when it happens: an Odoo change made after a
remote one is the later one). Conflicts of changes made on both sides are
decided by the later change (README, *Conflicts*), so both orders are
explored. The written-out examples run with the clock behind unless they say
otherwise (``world.ticking``).

Faults (argument ``fault`` of the ``sync`` rule): 429 or 503 with a long
``Retry-After`` on the listing or on the writes (the clients give up at once,
without sleeping), a 200 with an HTML page, an expired sync token (410 on
Google, a refused delta link on Outlook), a listing or a batch of writes
whose answer comes after the client's timeout (the provider did the writes:
``hang`` of the emulators, ``calendar_sync.http_timeout`` of 1 s for that
run), and a run whose commit is lost after its remote writes
(``account._sync()`` inside a savepoint that is rolled back: the emulators
keep what it wrote). Long listings (engine/steps.py) with a step of
:data:`.common.SMALL_STEP` items: a run through every step (``in_steps``), or
one step only (``stopped_between_steps``: the listing stays under way, and
the account's next run, after whatever other operations, goes on from it).

Each example runs in a savepoint of the test's transaction, rolled back at
its end, and both emulators are reset: a fresh world per example.

Every defect the machine found is written out, step by step, as an example
in ``tests/test_convergence_examples_*.py`` (classes
``TestConvergenceExamples*``, tag ``calendar_sync_convergence_examples``,
each test named after the rule it proves). A defect found and not fixed yet
is written out the same way in ``tests/test_convergence_known_defects.py``,
tagged ``-standard`` (not run by default), and the machine leaves out the
operations that trigger it (:data:`.common.OPEN_DEFECTS`) until it is fixed.

Layout: :mod:`.common` (constants, value helpers), :mod:`.odoo_side` and
:mod:`.remote_side` (what people do), :mod:`.world` (accounts, syncs,
settles), :mod:`.invariants` and :mod:`.deletes` (what must hold),
:mod:`.machine` (the rules),
:mod:`.cases` (the test cases); the tests are ``tests/test_convergence*.py``.

Operations of an organizer in Odoo are done as that user, and only while Odoo
shows them as the organizer (an invitation imported first from a guest's
calendar is the guest's event until the organizer's own calendar syncs).

``CALENDAR_SYNC_CONVERGENCE_EXAMPLES=<n>`` runs n random examples (a long local
run), ``CALENDAR_SYNC_CONVERGENCE_STEPS=<n>`` makes them up to n steps long
(default :data:`CI_STEPS`); without them the CI run is a fixed, derandomized
set of :data:`CI_EXAMPLES` examples.
"""

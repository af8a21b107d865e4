# Copyright 2026 calendar_sync authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
"""The binder of one account: Odoo record ⇄ remote id, in that calendar only.

A thin cache over ``calendar.sync.binding`` for one sync run (OCA connector's
``Binder``): reads answer the defaults of a missing binding (never synced,
needs sync), writes create the binding on first use. Every lookup by remote id
is scoped to the run's account.
"""

from odoo import models

#: What a record that has no binding in an account looks like there.
UNBOUND = {
    "remote_id": False,
    "etag": False,
    "ical_uid": False,
    "original_start": False,
    "need_sync": True,
    "guest_copy": False,
    "mirror": False,
    "answer_pending": False,
    "sync_error": False,
    "synced": False,
    "pending_item": False,
    "extra_occurrences": False,
}

_RECORD_FIELD = {
    "calendar.event": "event_id",
    "calendar.recurrence": "recurrence_id",
}


class Binder:
    """Bindings of one account, loaded on demand and cached for the run."""

    def __init__(self, env, account, models=None):
        """
        :param models: ``{model name: recordset}`` giving the environment
            (context) the records found through bindings come back in: the
            run's own, so that they are written as the sync's writes
        """
        self.account = account
        self.Binding = env["calendar.sync.binding"].sudo()
        self._models = models or {}
        self._cache = {}  # (model, record id) -> binding (possibly empty)

    # ------------------------------------------------------------ reading
    def load(self, records):
        """Read the bindings of ``records`` (one query) into the cache."""
        if not records:
            return
        field = _RECORD_FIELD[records._name]
        missing = [
            rid for rid in records.ids if (records._name, rid) not in self._cache
        ]
        if not missing:
            return
        found = self.Binding.search(
            [("account_id", "=", self.account.id), (field, "in", missing)]
        )
        for rid in missing:
            self._cache[(records._name, rid)] = self.Binding
        for binding in found:
            self._cache[(records._name, binding[field].id)] = binding

    def forget(self):
        """Drop what was read: a rolled-back savepoint may have removed a
        binding made in it, or brought back one removed in it."""
        self._cache.clear()

    def of(self, record):
        """The binding of ``record`` in this account (empty if none)."""
        if not record:
            return self.Binding
        key = (record._name, record.id)
        if key not in self._cache:
            self.load(record)
        return self._cache[key]

    def get(self, record, name):
        """A binding field of ``record``, or its default when unbound."""
        binding = self.of(record)
        return binding[name] if binding else UNBOUND[name]

    def remote_id(self, record):
        return self.get(record, "remote_id") or None

    def confirmed(self, record):
        """Bound and acknowledged by the provider (an etag came back)."""
        return bool(self.get(record, "remote_id") and self.get(record, "etag"))

    def records(self, model, remote_ids, domain=None):
        """``{remote id: record}`` of the ``model`` records bound to
        ``remote_ids`` in this account."""
        if not remote_ids:
            return {}
        field = _RECORD_FIELD[model]
        bindings = self.Binding.search(
            [
                ("account_id", "=", self.account.id),
                ("remote_id", "in", list(remote_ids)),
                (field, "!=", False),
                *(domain or []),
            ]
        )
        out = {}
        for binding in bindings:
            record = self._as_run(binding[field])
            self._cache[(model, record.id)] = binding
            out[binding.remote_id] = record
        return out

    def search(self, model, domain):
        """The ``model`` records whose binding in this account matches
        ``domain`` (a domain on ``calendar.sync.binding``)."""
        field = _RECORD_FIELD[model]
        bindings = self.Binding.search(
            [("account_id", "=", self.account.id), (field, "!=", False), *domain]
        )
        for binding in bindings:
            self._cache[(model, binding[field].id)] = binding
        return self._as_run(bindings.mapped(field))

    def _as_run(self, records):
        """``records`` in the run's environment (see ``models``)."""
        model = self._models.get(records._name)
        return model.browse(records.ids) if model is not None else records

    # ------------------------------------------------------------ domains
    # on calendar.event / calendar.recurrence, through calendar_sync_binding_ids
    def bound_domain(self, extra=()):
        """Records bound in this account with a binding matching ``extra``."""
        return [
            (
                "calendar_sync_binding_ids",
                "any",
                [("account_id", "=", self.account.id), *extra],
            )
        ]

    def unbound_domain(self, extra=()):
        """Records with no binding in this account matching ``extra``."""
        return [
            (
                "calendar_sync_binding_ids",
                "not any",
                [("account_id", "=", self.account.id), *extra],
            )
        ]

    def dirty_domain(self):
        """Records this account must look at: never bound here, or changed in
        Odoo since their last sync here."""
        return [
            "|",
            *self.unbound_domain(),
            *self.bound_domain([("need_sync", "=", True)]),
        ]

    # ------------------------------------------------------------ writing
    def bind_new(self, records, values_list):
        """Bind new ``records`` (just created, so unbound) in one batch."""
        field = _RECORD_FIELD[records._name]
        # an id released by this run (unbind_remote, claim) is released by an
        # UPDATE the ORM still holds: Odoo's create does not flush it before
        # its INSERT, and the unique (account, remote id) index would see the
        # id twice
        self.Binding.flush_model(["remote_id"])
        new = self.Binding.create(
            [
                {**UNBOUND, **values, "account_id": self.account.id, field: record.id}
                for record, values in zip(records, values_list, strict=True)
            ]
        )
        for binding in new:
            self._cache[(records._name, binding[field].id)] = binding
        return new

    def set(self, records, **values):
        """Write ``values`` on the bindings of ``records``, creating the
        missing ones."""
        if not records:
            return
        self.load(records)
        bound = self.Binding
        create = []
        field = _RECORD_FIELD[records._name]
        for record in records:
            binding = self._cache[(records._name, record.id)]
            if binding:
                bound |= binding
            else:
                create.append({"account_id": self.account.id, field: record.id})
        if bound:
            changed = bound.filtered(
                lambda b: any(_differs(b[k], v) for k, v in values.items())
            )
            if changed:
                changed.write(values)
        if create:
            self.Binding.flush_model(["remote_id"])  # see bind_new()
            new = self.Binding.create(
                [{**UNBOUND, **vals, **values} for vals in create]
            )
            for binding in new:
                self._cache[(records._name, binding[field].id)] = binding

    def set_each(self, pairs):
        """``set()`` for many records at once, each with its own values
        (``[(record, values)]``): the missing bindings are created in one
        batch."""
        if not pairs:
            return
        first = pairs[0][0]
        records = first.browse([record.id for record, _values in pairs])
        self.load(records)
        create = []
        for record, values in pairs:
            binding = self._cache[(record._name, record.id)]
            if not binding:
                create.append((record, values))
            elif any(_differs(binding[k], v) for k, v in values.items()):
                binding.write(values)
        if create:
            self.bind_new(
                first.browse([record.id for record, _values in create]),
                [values for _record, values in create],
            )

    def drop(self, records):
        """Forget ``records`` in this account (their bindings are deleted)."""
        if not records:
            return
        self.load(records)
        bindings = self.Binding.concat(
            *(self._cache[(records._name, rid)] for rid in records.ids)
        )
        bindings.unlink()
        for rid in records.ids:
            self._cache[(records._name, rid)] = self.Binding

    def claim(self, owners):
        """Make ``owners`` (``{remote id: event}``) the only holders of their
        remote ids here, in one query: any other binding of this account
        holding one (an archived occurrence of a series Odoo rewrote, one
        left without its record) lets it go, and the cache learns the
        bindings the events already have (one may have been made since it
        was read, by a write outside this binder). Returns ``{remote id:
        event}`` of the ids taken from another event."""
        if not owners:
            return {}
        events = self.Binding.env["calendar.event"].concat(*owners.values())
        found = self.Binding.search(
            [
                ("account_id", "=", self.account.id),
                "|",
                ("remote_id", "in", list(owners)),
                ("event_id", "in", events.ids),
            ]
        )
        taken = {}
        for binding in found:
            if binding.event_id.id in events.ids:
                self._cache[("calendar.event", binding.event_id.id)] = binding
            owner = owners.get(binding.remote_id)
            if owner is not None and binding.event_id.id != owner.id:
                if binding.event_id:
                    taken[binding.remote_id] = binding.event_id
                binding.write({"remote_id": False, "etag": False})
                # released now: the owner's binding may take the id in a
                # write the ORM would flush first (see bind_new())
                self.Binding.flush_model(["remote_id"])
        return taken

    def unbind_remote(self, remote_ids, model="calendar.event", keep=None):
        """Forget ``remote_ids`` on the ``model`` records bound to them here
        (other than ``keep``): a remote id belongs to one record. ``keep`` is
        a record, or ``{remote id: record}`` for many ids at once."""
        stale = self.records(model, remote_ids)
        for remote_id, record in stale.items():
            kept = keep.get(remote_id) if isinstance(keep, dict) else keep
            if kept is not None and record == kept:
                continue
            self.set(record, remote_id=False, etag=False)


def _differs(current, value):
    if isinstance(current, models.BaseModel):
        current = current.id
        value = value.id if isinstance(value, models.BaseModel) else value
    return (current or False) != (value or False)

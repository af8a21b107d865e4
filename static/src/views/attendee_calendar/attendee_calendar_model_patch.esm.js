// Copyright 2026 calendar_sync authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
/**
 * Sync status and background syncs of the attendee calendar view.
 *
 * Every data load of the view fetches `/calendar_sync/status` into the reactive
 * `model.calendarSync.providers` (read by `CalendarSyncButtons`) and fires
 * `/calendar_sync/sync` for each connected provider, without making the load wait.
 * The server only requests a run (a background worker makes it): while a
 * provider is "queued" or "syncing" the status is polled, and when the run ends
 * the view reloads once, after the load in progress if any (a reload started
 * during a load would supersede it in the model's KeepLast, and the superseded
 * caller, e.g. the view's onWillStart, would wait forever). That reload does not
 * start a new sync, and a provider is never synced twice within
 * SYNC_MIN_INTERVAL_MS.
 */
import {AttendeeCalendarModel} from "@calendar/views/attendee_calendar/attendee_calendar_model";
import {reactive} from "@odoo/owl";
import {browser} from "@web/core/browser/browser";
import {rpc} from "@web/core/network/rpc";
import {KeepLast} from "@web/core/utils/concurrency";
import {patch} from "@web/core/utils/patch";

export const SYNC_MIN_INTERVAL_MS = 60 * 1000;
// While a background worker syncs (or a run waits for one), the status is
// polled: soon at first (most runs are short), then less often.
export const SYNC_POLL_FIRST_MS = 1000;
export const SYNC_POLL_INTERVAL_MS = 10 * 1000;
const RUNNING_STATUSES = ["syncing", "queued"];

patch(AttendeeCalendarModel.prototype, {
    setup(params) {
        super.setup(...arguments);
        this.isAlive = params.isAlive || (() => true);
        // Server answer of /calendar_sync/status, by provider ({} until it arrives).
        this.calendarSync = reactive({providers: {}});
        this.calendarSyncStatusKeepLast = new KeepLast();
        // Provider -> Date.now() of its last sync request, and the ones in flight.
        this.calendarSyncStartedAt = {};
        this.calendarSyncRunning = new Set();
        // Set for the reload that a sync causes, so that it starts no new sync.
        this.calendarSyncSkipNext = false;
        // Token of the latest load() while it runs, and a reload waiting for it.
        this.calendarSyncCurrentLoad = null;
        this.calendarSyncReloadWanted = false;
        // Timer of the status poll while a provider is "syncing" elsewhere,
        // and its next delay.
        this.calendarSyncPollTimer = null;
        this.calendarSyncPollDelay = SYNC_POLL_FIRST_MS;
    },

    /**
     * @override
     */
    async load() {
        const token = {};
        this.calendarSyncCurrentLoad = token;
        try {
            return await super.load(...arguments);
        } finally {
            // A superseded load never gets here; the latest one always does.
            if (this.calendarSyncCurrentLoad === token) {
                this.calendarSyncCurrentLoad = null;
                if (this.calendarSyncReloadWanted) {
                    this.calendarSyncReloadWanted = false;
                    this.reloadAfterCalendarSync();
                }
            }
        }
    },

    /**
     * @override
     */
    async updateData() {
        const startSyncs = !this.calendarSyncSkipNext;
        this.calendarSyncSkipNext = false;
        // Not awaited: the events load while the status and the syncs run.
        this.refreshCalendarSync({startSyncs});
        return super.updateData(...arguments);
    },

    /**
     * Fetch the sync status, then start the syncs that are due.
     *
     * @param {Object} [options]
     * @param {Boolean} [options.startSyncs=true] false: only refresh the status
     */
    async refreshCalendarSync({startSyncs = true} = {}) {
        const providers = await this.fetchCalendarSyncStatus();
        if (startSyncs && providers && this.isAlive()) {
            await this.runCalendarSyncs(this.getCalendarSyncsDue(providers));
        }
    },

    /**
     * @returns {Promise<Object|null>} the status by provider, null on failure
     */
    async fetchCalendarSyncStatus() {
        let providers = null;
        try {
            providers = await this.calendarSyncStatusKeepLast.add(
                rpc("/calendar_sync/status", {}, {silent: true})
            );
        } catch (error) {
            console.warn("Could not read the calendar sync status.", error);
            return null;
        }
        const wasSyncingElsewhere = this.isCalendarSyncingElsewhere();
        this.calendarSync.providers = providers || {};
        if (wasSyncingElsewhere && !this.isCalendarSyncingElsewhere()) {
            // The other worker is done: show what it brought.
            this.reloadAfterCalendarSync();
        }
        this.scheduleCalendarSyncPoll();
        return this.calendarSync.providers;
    },

    /**
     * @returns {Boolean} whether the server says a provider is syncing or queued
     *      for a background worker, other than this view's own request in flight
     */
    isCalendarSyncingElsewhere() {
        return Object.keys(this.calendarSync.providers || {}).some(
            (provider) =>
                RUNNING_STATUSES.includes(this.calendarSync.providers[provider]?.status) &&
                !this.calendarSyncRunning.has(provider)
        );
    },

    /**
     * Poll the status while a background worker syncs, until it is done.
     */
    scheduleCalendarSyncPoll() {
        if (!this.isCalendarSyncingElsewhere()) {
            this.calendarSyncPollDelay = SYNC_POLL_FIRST_MS;
            return;
        }
        if (this.calendarSyncPollTimer) {
            return;
        }
        const delay = this.calendarSyncPollDelay;
        this.calendarSyncPollDelay = Math.min(delay * 2, SYNC_POLL_INTERVAL_MS);
        this.calendarSyncPollTimer = browser.setTimeout(() => {
            this.calendarSyncPollTimer = null;
            if (this.isAlive()) {
                this.fetchCalendarSyncStatus();
            }
        }, delay);
    },

    /**
     * @param {Object} providers status by provider
     * @returns {String[]} the connected (or failed) providers not synced in the
     *      last minute
     */
    getCalendarSyncsDue(providers) {
        const now = Date.now();
        return Object.keys(providers || {}).filter((provider) => {
            const info = providers[provider];
            const startedAt = this.calendarSyncStartedAt[provider];
            return (
                info?.configured &&
                // a failed account is tried again too: "error" is no dead end
                ["connected", "error"].includes(info.status) &&
                !this.calendarSyncRunning.has(provider) &&
                (startedAt === undefined || now - startedAt >= SYNC_MIN_INTERVAL_MS)
            );
        });
    },

    /**
     * Sync the given providers, then reload the view once if any of them changed
     * Odoo events, else refresh the status (last sync time, errors).
     *
     * @param {String[]} providers
     */
    async runCalendarSyncs(providers) {
        if (!providers.length) {
            return;
        }
        const results = await Promise.all(
            providers.map((provider) => this.syncCalendarProvider(provider))
        );
        if (!this.isAlive()) {
            return;
        }
        if (results.some((result) => result?.changed)) {
            this.reloadAfterCalendarSync();
        } else {
            await this.fetchCalendarSyncStatus();
        }
    },

    /**
     * Reload the view's data now, or when the load in progress ends.
     */
    reloadAfterCalendarSync() {
        if (!this.isAlive()) {
            return;
        }
        if (this.calendarSyncCurrentLoad) {
            this.calendarSyncReloadWanted = true;
            return;
        }
        // Consumed by updateData(), which load() calls before its first await.
        this.calendarSyncSkipNext = true;
        this.load().catch((error) => {
            console.warn("Could not reload the calendar after a sync.", error);
        });
    },

    /**
     * Request a background run of the provider's account.
     *
     * @param {String} provider "google" or "microsoft"
     * @returns {Promise<Object|null>} the server answer ({changed, status}: "queued"
     *      or "syncing" when a run is on its way), null on failure
     */
    async syncCalendarProvider(provider) {
        this.calendarSyncStartedAt[provider] = Date.now();
        this.calendarSyncRunning.add(provider);
        const info = this.calendarSync.providers[provider];
        if (info) {
            // The header says so while the request runs.
            this.calendarSync.providers[provider] = {...info, status: "syncing"};
        }
        let result = null;
        try {
            result = await rpc("/calendar_sync/sync", {provider}, {silent: true});
            return result;
        } catch (error) {
            console.warn(`Could not synchronize the ${provider} calendar now.`, error);
            return null;
        } finally {
            this.calendarSyncRunning.delete(provider);
            const current = this.calendarSync.providers[provider];
            if (current?.status === "syncing") {
                // What the server answered ("queued", "syncing" when a worker has it)
                const status = result?.status || info?.status || current.status;
                this.calendarSync.providers[provider] = {...current, status};
            }
        }
    },
});

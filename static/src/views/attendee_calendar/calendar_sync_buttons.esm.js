// Copyright 2026 calendar_sync authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
/**
 * CalendarSyncButtons: one button per configured provider in the calendar header,
 * showing the state that `/calendar_sync/status` reports for the current user.
 */
import {Component, useState} from "@odoo/owl";
import {browser} from "@web/core/browser/browser";
import {Dropdown} from "@web/core/dropdown/dropdown";
import {DropdownItem} from "@web/core/dropdown/dropdown_item";
import {deserializeDateTime, formatDateTime} from "@web/core/l10n/dates";
import {_t} from "@web/core/l10n/translation";
import {useService} from "@web/core/utils/hooks";

/**
 * The provider's names and icon, as the server's provider registry gives them
 * (translated): no provider is named in this file.
 *
 * @param {Object} info the provider's entry of /calendar_sync/status
 * @returns {Object} {name, calendar, icon}
 */
function providerNames(info) {
    return {
        name: info.name || "",
        calendar: info.calendar || info.name || "",
        icon: info.icon || "fa fa-calendar",
    };
}

/**
 * @param {DateTime} when
 * @returns {String} the local time, hours and minutes ("14:05")
 */
function formatTime(when) {
    return when.toLocal().toFormat("HH:mm");
}

/**
 * @param {String|false} lastSync UTC datetime in Odoo's format
 * @returns {String} "5 minutes ago (11/23/2026 11:00)", or "" when never synced
 */
export function formatLastSync(lastSync) {
    if (!lastSync) {
        return "";
    }
    const when = deserializeDateTime(lastSync);
    if (!when.isValid) {
        return "";
    }
    const local = formatDateTime(when, {showSeconds: false});
    const relative = when.toRelative();
    return relative ? `${relative} (${local})` : local;
}

/**
 * What to show for one provider.
 *
 * @param {String} provider the provider's key
 * @param {Object} info the provider's entry of /calendar_sync/status
 * @returns {Object|null} {provider, status, label, title, icon, variant, action,
 *      notSynced, accountId, stopped, error}, null when nothing is shown (not
 *      configured, unknown status). ``action`` is what a click does: "connect",
 *      or "menu" (the provider's menu).
 */
export function describeSyncButton(provider, info) {
    if (!info?.configured) {
        return null;
    }
    const {name, calendar, icon} = providerNames(info);
    const notSynced = info.not_synced || 0;
    const button = {
        provider,
        status: info.status,
        connectUrl: info.connect_url,
        accountId: info.account_id || false,
        stopped: Boolean(info.stopped),
        error: info.error || "",
        notSynced,
        calendar,
        name,
        action: "menu",
    };
    switch (info.status) {
        case "not_connected":
            return Object.assign(button, {
                label: name,
                title: _t("Synchronize with %(calendar)s", {calendar}),
                icon,
                variant: "btn-secondary",
                action: "connect",
            });
        case "connected": {
            const lastSync = formatLastSync(info.last_sync);
            let title = lastSync
                ? _t("Synchronized with %(calendar)s, last sync %(when)s", {
                      calendar,
                      when: lastSync,
                  })
                : _t("Synchronized with %(calendar)s", {calendar});
            if (notSynced) {
                title = `${title}. ${_t(
                    "%(count)s event(s) could not be synchronized.",
                    {count: notSynced}
                )}`;
            }
            return Object.assign(button, {
                label: notSynced
                    ? _t("%(provider)s · %(count)s not synced", {
                          provider: name,
                          count: notSynced,
                      })
                    : name,
                title,
                icon: "fa fa-check",
                variant: notSynced ? "btn-outline-warning" : "btn-outline-success",
            });
        }
        case "syncing":
            return Object.assign(button, {
                label: _t("%(provider)s: syncing…", {provider: name}),
                title: info.progress || _t("Synchronizing with %(calendar)s…", {calendar}),
                icon: "fa fa-refresh fa-spin",
                variant: "btn-outline-secondary",
            });
        case "throttled": {
            // the provider asked to wait: the scheduler tries again then
            const when = info.retry_at ? deserializeDateTime(info.retry_at) : null;
            const time = when?.isValid ? formatTime(when) : "";
            return Object.assign(button, {
                label: _t("%(provider)s: retrying at %(time)s", {provider: name, time}),
                title: info.error || _t(
                    "%(calendar)s asked Odoo to slow down: the synchronization is tried again at %(time)s.",
                    {calendar, time}
                ),
                icon: "fa fa-clock-o",
                variant: "btn-outline-warning",
            });
        }
        case "queued":
            // requested, waiting for a background worker
            return Object.assign(button, {
                label: _t("%(provider)s: syncing…", {provider: name}),
                title:
                    info.progress ||
                    _t(
                        "A synchronization with %(calendar)s is queued: the calendar refreshes when it is done.",
                        {calendar}
                    ),
                icon: "fa fa-refresh fa-spin",
                variant: "btn-outline-secondary",
            });
        case "paused":
            if (button.stopped) {
                return Object.assign(button, {
                    label: _t("%(provider)s: stopped", {provider: name}),
                    title: _t(
                        "You stopped the synchronization with %(calendar)s: restart it from this menu.",
                        {calendar}
                    ),
                    icon: "fa fa-stop",
                    variant: "btn-outline-secondary",
                });
            }
            return Object.assign(button, {
                label: _t("%(provider)s: paused", {provider: name}),
                title: _t(
                    "The synchronization with %(calendar)s is paused by your administrator.",
                    {calendar}
                ),
                icon: "fa fa-pause",
                variant: "btn-outline-warning",
            });
        case "needs_reconnect":
            return Object.assign(button, {
                label: _t("Reconnect %(provider)s", {provider: name}),
                title: _t(
                    "%(calendar)s no longer accepts the connection: click to connect again. Your events stay where they are.",
                    {calendar}
                ),
                icon: "fa fa-exclamation-triangle",
                variant: "btn-warning",
                action: "connect",
            });
        case "error":
            return Object.assign(button, {
                label: _t("%(provider)s: error", {provider: name}),
                title:
                    info.error ||
                    _t("The synchronization with %(calendar)s failed", {calendar}),
                icon: "fa fa-exclamation-circle",
                variant: "btn-outline-danger",
            });
        default:
            return null;
    }
}

export class CalendarSyncButtons extends Component {
    static template = "calendar_sync.CalendarSyncButtons";
    static components = {Dropdown, DropdownItem};
    static props = {
        // The model's reactive `calendarSync`: {providers: {google: {...}, ...}}
        state: Object,
        // Fetch the status again (after an action taken from the menu).
        refresh: {type: Function, optional: true},
        // Reload the calendar's events (and the status) after a sync.
        reload: {type: Function, optional: true},
    };

    setup() {
        this.state = useState(this.props.state);
        this.actionService = useService("action");
        this.notification = useService("notification");
        this.orm = useService("orm");
    }

    get buttons() {
        return Object.keys(this.state.providers || {})
            .map((provider) => describeSyncButton(provider, this.state.providers[provider]))
            .filter(Boolean);
    }

    async refresh() {
        if (this.props.refresh) {
            await this.props.refresh();
        }
    }

    /** What a sync brought shows in the calendar (the status too). */
    async reload() {
        if (this.props.reload) {
            await this.props.reload();
        } else {
            await this.refresh();
        }
    }

    /**
     * "Sync now" / "Retry now": the server requests a background run (it
     * always asks the provider) and says so in a notification; the header
     * shows it until it ends, and the calendar then refreshes.
     */
    async syncNow(button) {
        const action = await this.callAccount(button, "action_sync_now");
        const params = action?.params || {};
        this.notification.add(params.message || "", {
            type: params.type || "info",
            sticky: params.type !== "success",
            className: "o_calendar_sync_sync_now_notice",
        });
        await this.reload();
    }

    /**
     * Run an action method of the button's account.
     *
     * @param {Object} button
     * @param {String} method e.g. "action_stop_sync"
     */
    callAccount(button, method) {
        return this.orm.call("calendar.sync.account", method, [[button.accountId]]);
    }

    async stop(button) {
        await this.callAccount(button, "action_stop_sync");
        this.notification.add(
            _t(
                "The synchronization with %(calendar)s is stopped. Nothing was deleted; restart it from this menu.",
                {calendar: button.calendar}
            ),
            {type: "info", className: "o_calendar_sync_stopped_notice"}
        );
        await this.refresh();
    }

    async restart(button) {
        await this.callAccount(button, "action_restart_sync");
        this.notification.add(
            _t(
                "The synchronization with %(calendar)s is restarted: what changed meanwhile on either side is caught up now.",
                {calendar: button.calendar}
            ),
            {type: "success", className: "o_calendar_sync_restarted_notice"}
        );
        await this.reload();
    }

    /**
     * Open a list the account's action names: the events this calendar did not
     * accept (each saying why), or its sync log.
     *
     * @param {Object} button
     * @param {String} method
     */
    async openList(button, method) {
        this.actionService.doAction(await this.callAccount(button, method));
    }

    /**
     * Open "My Preferences" on its Calendar tab; the header says what changed
     * there (a Reset Account, a stop) once the dialog closes.
     */
    async openPreferences() {
        const action = await this.orm.call(
            "res.users",
            "action_calendar_sync_preferences",
            []
        );
        this.actionService.doAction(action, {onClose: () => this.refresh()});
    }

    /**
     * Go to the provider's consent page, coming back to this very view.
     *
     * @param {String} connectUrl e.g. "/calendar_sync/google/connect"
     */
    connect(connectUrl) {
        const separator = connectUrl.includes("?") ? "&" : "?";
        browser.location.assign(
            `${connectUrl}${separator}return_url=${encodeURIComponent(browser.location.href)}`
        );
    }
}

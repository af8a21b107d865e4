// Copyright 2026 calendar_sync authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
/**
 * CalendarSyncButtons: one button per configured provider in the calendar header,
 * showing the state that `/calendar_sync/status` reports for the current user.
 */
import {Component, useState} from "@odoo/owl";
import {browser} from "@web/core/browser/browser";
import {deserializeDateTime, formatDateTime} from "@web/core/l10n/dates";
import {_t} from "@web/core/l10n/translation";
import {user} from "@web/core/user";
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
 * @returns {Object|null} {provider, status, label, title, icon, variant, action},
 *      null when nothing is shown (not configured, unknown status)
 */
export function describeSyncButton(provider, info) {
    if (!info?.configured) {
        return null;
    }
    const {name, calendar, icon} = providerNames(info);
    const button = {provider, status: info.status, connectUrl: info.connect_url};
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
            return Object.assign(button, {
                label: name,
                title: lastSync
                    ? _t("Synchronized with %(calendar)s, last sync %(when)s", {
                          calendar,
                          when: lastSync,
                      })
                    : _t("Synchronized with %(calendar)s", {calendar}),
                icon: "fa fa-check",
                variant: "btn-outline-success",
                action: "preferences",
            });
        }
        case "syncing":
            return Object.assign(button, {
                label: _t("%(provider)s: syncing…", {provider: name}),
                title: _t("Synchronizing with %(calendar)s…", {calendar}),
                icon: "fa fa-refresh fa-spin",
                variant: "btn-outline-secondary",
                action: "preferences",
            });
        case "paused":
            return Object.assign(button, {
                label: _t("%(provider)s: paused", {provider: name}),
                title: _t("Synchronization is paused by your administrator"),
                icon: "fa fa-pause",
                variant: "btn-outline-warning",
                action: "preferences",
            });
        case "needs_reconnect":
            return Object.assign(button, {
                label: _t("Reconnect %(provider)s", {provider: name}),
                title:
                    info.error ||
                    _t("The connection to %(calendar)s must be renewed", {calendar}),
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
                action: "preferences",
            });
        default:
            return null;
    }
}

export class CalendarSyncButtons extends Component {
    static template = "calendar_sync.CalendarSyncButtons";
    static props = {
        // The model's reactive `calendarSync`: {providers: {google: {...}, ...}}
        state: Object,
    };

    setup() {
        this.state = useState(this.props.state);
        this.actionService = useService("action");
        this.orm = useService("orm");
    }

    get buttons() {
        return Object.keys(this.state.providers || {})
            .map((provider) => describeSyncButton(provider, this.state.providers[provider]))
            .filter(Boolean);
    }

    onClick(button) {
        if (button.action === "connect") {
            this.connect(button.connectUrl);
        } else {
            this.openPreferences();
        }
    }

    /**
     * Open "My Preferences" on the current user (where the Calendar tab lists the
     * accounts), the way the user menu does: base.action_res_users_my has no res_id.
     */
    async openPreferences() {
        const action = await this.orm.call("res.users", "action_get");
        this.actionService.doAction({...action, res_id: user.userId});
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

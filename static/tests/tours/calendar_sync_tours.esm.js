// Copyright 2026 calendar_sync authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
/**
 * Browser tours, run by tests/test_tours.py in headless Chromium against the
 * Google and Microsoft emulators. The provider's consent page is another
 * origin, where no tour runs: the test's browser presses its "Allow" button
 * (tests/test_tours.py), the tour resumes when Odoo's pages load again.
 */
import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");

/**
 * Administrator: Settings › Integrations › enable a provider, fill in the client
 * id and secret, read the redirect URI to register, save.
 */
function settingsSteps(provider, clientId, secret, callbackPath) {
    const block = `#calendar_sync_${provider}_settings`;
    return [
        {
            content: `enable ${provider} in Settings › Integrations`,
            trigger: `#calendar_sync_${provider}_setting input[type=checkbox]`,
            run: "click",
        },
        {
            content: "type the client id",
            trigger: `${block} div[name=calendar_sync_${provider}_client_id] input`,
            run: `edit ${clientId}`,
        },
        {
            content: "type the client secret",
            trigger: `${block} div[name=calendar_sync_${provider}_client_secret] input`,
            run: `edit ${secret}`,
        },
        {
            content: "the redirect URI to register is shown",
            trigger: `${block} div[name=calendar_sync_${provider}_redirect_uri]:contains(${callbackPath})`,
        },
    ];
}

/** The Settings of the Calendar app, where the providers are configured. */
const CALENDAR_SETTINGS = "/odoo/action-calendar.calendar_settings_action";

/**
 * @param {String} provider
 * @returns {Object} a step that fails when the redirect URI is cut off
 */
function redirectUriShownWhole(provider) {
    return {
        content: "the redirect URI is shown whole, not cut off",
        trigger: `div[name=calendar_sync_${provider}_redirect_uri] span:first-child`,
        run() {
            const span = this.anchor;
            if (span.scrollWidth > span.clientWidth + 1) {
                throw new Error(`redirect URI cut off: ${span.textContent}`);
            }
        },
    };
}

tours.add("calendar_sync_settings_tour", {
    url: CALENDAR_SETTINGS,
    steps: () => [
        {
            content: "Settings › Calendar holds both providers, with documentation",
            trigger: "#calendar_sync_google_setting a.o_doc_link",
        },
        {
            trigger: "#calendar_sync_microsoft_setting a.o_doc_link",
        },
        ...settingsSteps(
            "google",
            "tour-client.apps.googleusercontent.com",
            "tour-google-secret",
            "/google_account/authentication"
        ),
        redirectUriShownWhole("google"),
        ...settingsSteps(
            "microsoft",
            "00000000-0000-0000-0000-00000000feed",
            "tour-outlook-secret",
            "/microsoft_account/authentication"
        ),
        redirectUriShownWhole("microsoft"),
        {
            content: "a GUID client id fits its field",
            trigger: "div[name=calendar_sync_microsoft_client_id] input",
            run() {
                if (this.anchor.scrollWidth > this.anchor.clientWidth + 1) {
                    throw new Error("client id cut off");
                }
            },
        },
        {
            content: "check the Google credentials before saving",
            trigger: "button.o_calendar_sync_check_google",
            run: "click",
        },
        {
            content: "Google does not know this client: said in plain words",
            trigger: ".o_notification:contains(tour-client.apps.googleusercontent.com)",
        },
        {
            content: "checking lost nothing: the form still has unsaved changes",
            trigger: ".o_dirty_warning",
        },
        {
            trigger: "div[name=calendar_sync_google_client_id] input:value(tour-client.apps.googleusercontent.com)",
        },
        {
            content: "save the settings (the page reloads)",
            trigger: ".o_form_button_save",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "saved: both providers are enabled",
            trigger: "#calendar_sync_google_setting input[type=checkbox]:checked",
        },
        {
            trigger: "#calendar_sync_microsoft_setting input[type=checkbox]:checked",
        },
        {
            content: "the saved secrets are said to be saved",
            trigger: "#calendar_sync_google_settings .o_calendar_sync_secret_saved",
        },
        {
            trigger: "#calendar_sync_microsoft_settings .o_calendar_sync_secret_saved",
        },
        {
            content: "nothing left unsaved",
            trigger: "body:not(:has(.o_dirty_warning))",
        },
    ],
});

/**
 * A user connects a provider from the calendar header, passes the consent page,
 * chooses what the first sync sends, sees the remote event and the ✓, opens the
 * Calendar tab from the ✓ and resets the account there.
 */
function connectSteps(provider, eventName, brand) {
    const button = `.o_calendar_sync_buttons .o_calendar_sync_${provider}`;
    const form = "form.o_calendar_sync_first_sync";
    return [
        {
            content: "the calendar header offers to connect",
            trigger: `${button}.o_calendar_sync_state_not_connected`,
            run: "click",
            expectUnloadPage: true,
        },
        // (the consent page: the browser presses "Allow")
        {
            content: "the first-sync dialog offers to send none of the events",
            trigger: `${form} #policy_none`,
        },
        {
            content: "… all of them",
            trigger: `${form} #policy_all`,
        },
        {
            content: "… or the future ones, the default",
            trigger: `${form} #policy_future:checked`,
        },
        {
            content: "start synchronizing",
            trigger: `${form} button[type=submit]`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "back in the calendar, the header shows the ✓",
            trigger: `${button}.o_calendar_sync_state_connected .fa-check`,
            timeout: 30000,
        },
        {
            content: "the event of the remote calendar is shown",
            trigger: `.o_calendar_renderer .fc-event:contains(${eventName})`,
            timeout: 30000,
        },
        {
            content: "the ✓ opens the provider's menu",
            trigger: `${button}.o_calendar_sync_state_connected`,
            run: "click",
        },
        {
            content: "… which opens the user's preferences on the Calendar tab",
            trigger: `.o_calendar_sync_menu_${provider} .o_calendar_sync_menu_preferences`,
            run: "click",
        },
        {
            trigger: ".modal .o_notebook a.nav-link.active[name=calendar_sync]",
        },
        {
            content: "one card per calendar, with its state",
            trigger: `.modal div[name=calendar_sync_account_ids] .o_kanban_record div[name=sync_status] .text-bg-success`,
        },
        {
            content: "… and what the last run did",
            trigger: `.modal div[name=calendar_sync_account_ids] .o_kanban_record .o_calendar_sync_received:contains(1)`,
        },
        {
            content: "the card fits the dialog: no sideways scroll",
            trigger: ".modal .o_notebook",
            run() {
                const body = this.anchor.closest(".modal-body");
                if (body.scrollWidth > body.clientWidth + 1) {
                    throw new Error("the Calendar tab scrolls sideways");
                }
            },
        },
        {
            content: "no raw delta link or token on the card",
            trigger: ".modal div[name=calendar_sync_account_ids]:not(:has([name=sync_token])):not(:has([name=refresh_token_display]))",
        },
        {
            content: "Reset Account",
            trigger: `.modal div[name=calendar_sync_account_ids] .o_kanban_record button[name=action_open_reset_wizard]`,
            run: "click",
        },
        {
            content: "the wizard names the calendar",
            trigger: `.modal .modal-title:contains(${brand})`,
        },
        {
            trigger: `.modal div[name=delete_policy] label:contains(${brand})`,
        },
        {
            content: "… and warns that reconnecting the same account re-imports",
            trigger: ".modal .o_calendar_sync_reset_reimport",
        },
        {
            trigger: ".modal button[name=action_reset]",
            run: "click",
        },
        {
            content: "done, and the user is told how to resume",
            trigger: ".o_notification",
        },
        {
            content: "the dialogs close; the header says at once that the calendar is no longer connected",
            trigger: `body:not(:has(.modal)) ${button}.o_calendar_sync_state_not_connected`,
        },
    ];
}

/**
 * The header of a connected user: an event Google refused is counted and
 * marked, its list says why; stopping and restarting are one click each.
 */
tours.add("calendar_sync_header_tour", {
    url: "/odoo/calendar",
    steps: () => {
        const button = ".o_calendar_sync_buttons .o_calendar_sync_google";
        const menu = ".o_calendar_sync_menu_google";
        return [
            {
                content: "the header counts the event Google refused",
                trigger: `${button}.o_calendar_sync_state_connected.btn-outline-warning`,
                timeout: 30000,
            },
            {
                content: "its card is marked",
                trigger: ".fc-event:contains(Refused meeting) .o_calendar_sync_not_synced",
            },
            {
                trigger: `${button}`,
                run: "click",
            },
            {
                content: "the menu links to the events not synced",
                trigger: `${menu} .o_calendar_sync_menu_not_synced:contains(1)`,
                run: "click",
            },
            {
                content: "the list names the event and says why",
                trigger: ".o_list_view .o_data_row:contains(Refused meeting) td[name=calendar_sync_error]:not(:empty)",
            },
            {
                content: "back to the calendar",
                trigger: ".o_breadcrumb .breadcrumb-item a",
                run: "click",
            },
            {
                trigger: `${button}.o_calendar_sync_state_connected`,
                run: "click",
            },
            {
                content: "stop the synchronization from the menu",
                trigger: `${menu} .o_calendar_sync_menu_stop`,
                run: "click",
            },
            {
                content: "the user is told it is stopped, nothing deleted",
                trigger: ".o_notification.o_calendar_sync_stopped_notice",
            },
            {
                content: "the header says the user stopped it",
                trigger: `${button}.o_calendar_sync_state_paused .fa-stop`,
            },
            {
                trigger: `${button}`,
                run: "click",
            },
            {
                content: "restart it, one click",
                trigger: `${menu} .o_calendar_sync_menu_restart`,
                run: "click",
            },
            {
                trigger: ".o_notification.o_calendar_sync_restarted_notice",
            },
            {
                content: "synchronized again",
                trigger: `${button}.o_calendar_sync_state_connected`,
            },
            {
                trigger: `${button}`,
                run: "click",
            },
            {
                content: "Sync now",
                trigger: `${menu} .o_calendar_sync_menu_sync_now`,
                run: "click",
            },
            {
                content: "the user is told the synchronization started",
                trigger: ".o_notification.o_calendar_sync_sync_now_notice",
            },
            {
                content: "the background run ends: the header says so",
                trigger: `${button}.o_calendar_sync_state_connected`,
            },
        ];
    },
});

/** A calendar in error is tried again when the calendar opens. */
tours.add("calendar_sync_error_tour", {
    url: "/odoo/calendar",
    steps: () => [
        {
            content: "the failed account is synchronized again, the header says so",
            trigger: ".o_calendar_sync_buttons .o_calendar_sync_google.o_calendar_sync_state_connected",
            timeout: 30000,
        },
    ],
});

tours.add("calendar_sync_google_tour", {
    url: "/odoo/calendar",
    steps: () => connectSteps("google", "Google kick-off", "Google"),
});

tours.add("calendar_sync_outlook_tour", {
    url: "/odoo/calendar",
    steps: () => connectSteps("microsoft", "Outlook kick-off", "Outlook"),
});

/**
 * Settings preflight: a browser on https while Odoo's own addresses are http is
 * warned (the usual cause of redirect_uri_mismatch). The tour makes the page
 * believe it is served over https, as behind a TLS proxy.
 */
tours.add("calendar_sync_https_warning_tour", {
    url: CALENDAR_SETTINGS,
    steps: () => {
        const block = "#calendar_sync_google_settings";
        return [
            {
                content: "over http, nothing to warn about",
                trigger: `${block}:not(:has(.o_calendar_sync_https_warning))`,
            },
            {
                content: "the browser now reaches Odoo over https",
                trigger: block,
                run() {
                    const {browser} = odoo.loader.modules.get(
                        "@web/core/browser/browser"
                    );
                    // window.location, but for its protocol
                    const real = window.location;
                    const fake = {
                        protocol: "https:",
                        assign: (url) => real.assign(url),
                        replace: (url) => real.replace(url),
                        reload: () => real.reload(),
                        toString: () => real.href,
                    };
                    for (const key of [
                        "href",
                        "origin",
                        "host",
                        "hostname",
                        "port",
                        "pathname",
                        "search",
                        "hash",
                    ]) {
                        Object.defineProperty(fake, key, {get: () => real[key]});
                    }
                    // (assigning browser.location would navigate)
                    Object.defineProperty(browser, "location", {
                        get: () => fake,
                        configurable: true,
                    });
                },
            },
            {
                content: "the settings open again (no page load: https stays)",
                trigger: block,
                run() {
                    const {action} = odoo.__WOWL_DEBUG__.root.env.services;
                    action.doAction("calendar.calendar_settings_action", {
                        clearBreadcrumbs: true,
                    });
                },
            },
            {
                content: "the http redirect URI is named",
                trigger: `${block} .o_calendar_sync_https_warning .o_calendar_sync_https_warning_redirect_uri:contains(http://)`,
            },
            {
                content: "… and the http web.base.url",
                trigger: `${block} .o_calendar_sync_https_warning .o_calendar_sync_https_warning_base_url:contains(web.base.url)`,
            },
            {
                content: "… with the fix",
                trigger: `${block} .o_calendar_sync_https_warning_fix:contains(--proxy-mode)`,
            },
        ];
    },
});

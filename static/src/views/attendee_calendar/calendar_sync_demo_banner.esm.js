// Copyright 2026 calendar_sync authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
/**
 * DemoBanner: in a database that `./run-odoo --demo` made (the session carries
 * the emulators' page), the calendar says that Google and Outlook are
 * simulated on this machine, with a link to the page that changes their events.
 */
import {Component} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {session} from "@web/session";

export class DemoBanner extends Component {
    static template = "calendar_sync.DemoBanner";
    static props = {};

    get demoUrl() {
        return session.calendar_sync_demo_url || false;
    }

    get text() {
        return _t("Demo: Google and Outlook are simulated on this machine.");
    }

    get linkText() {
        return _t("Add or change their events");
    }
}

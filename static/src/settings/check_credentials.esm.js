// Copyright 2026 calendar_sync authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
/**
 * CheckCredentials: the settings' "Check credentials" button. It sends what is
 * typed in the form to the server's check without saving the settings record,
 * so the form stays changed and leaving the page still asks to save.
 *
 * Usage in a form arch:
 *     <widget name="calendar_sync_check_credentials" provider="google"/>
 */
import {Component, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";

/** The form's fields that the check reads, per provider (as the server's CHECKED_FIELDS). */
const CHECKED_FIELDS = {
    google: ["calendar_sync_google_client_id", "calendar_sync_google_client_secret"],
    microsoft: [
        "calendar_sync_microsoft_client_id",
        "calendar_sync_microsoft_client_secret",
        "calendar_sync_microsoft_tenant",
    ],
};

export class CheckCredentials extends Component {
    static template = "calendar_sync.CheckCredentials";
    static props = {
        ...standardWidgetProps,
        provider: {type: String},
    };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({checking: false});
    }

    get label() {
        return this.state.checking ? _t("Checking…") : _t("Check credentials");
    }

    async onClick() {
        const data = this.props.record.data;
        const values = {};
        for (const name of CHECKED_FIELDS[this.props.provider] || []) {
            values[name] = data[name] || "";
        }
        this.state.checking = true;
        try {
            const action = await this.orm.call(
                "res.config.settings",
                "calendar_sync_check_credentials",
                [this.props.provider, values]
            );
            await this.action.doAction(action);
        } finally {
            this.state.checking = false;
        }
    }
}

export const checkCredentials = {
    component: CheckCredentials,
    extractProps: ({attrs}) => ({provider: attrs.provider}),
};

registry.category("view_widgets").add("calendar_sync_check_credentials", checkCredentials);

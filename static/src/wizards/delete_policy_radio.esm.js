// Copyright 2026 calendar_sync authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
/**
 * The Reset Account wizard's choices, with the remote delete named after the
 * wizard's calendar ("Delete from the current Google Calendar account"): the
 * label comes from the record (``delete_remote_label``), since the web client
 * loads a field's selection once for every wizard.
 *
 * Usage: <field name="delete_policy" widget="calendar_sync_delete_policy"/>
 */
import {registry} from "@web/core/registry";
import {RadioField, radioField} from "@web/views/fields/radio/radio_field";

const LABEL_FIELD = "delete_remote_label";

export class DeletePolicyRadio extends RadioField {
    get items() {
        const label = this.props.record.data[LABEL_FIELD];
        return super.items.map(([value, text]) =>
            value === "delete_remote" && label ? [value, label] : [value, text]
        );
    }
}

export const deletePolicyRadio = {
    ...radioField,
    component: DeletePolicyRadio,
    fieldDependencies: [{name: LABEL_FIELD, type: "char", readonly: true}],
};

registry.category("fields").add("calendar_sync_delete_policy", deletePolicyRadio);

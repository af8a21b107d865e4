// Copyright 2026 calendar_sync authors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html)
/**
 * HttpsWarning: a settings widget that warns when the browser uses https while
 * the addresses Odoo builds for itself use http.
 *
 * Google and Microsoft compare the redirect URI of a sign-in with the registered
 * one character by character, so an http redirect URI computed behind an https
 * reverse proxy (Odoo started without --proxy-mode) or an http web.base.url
 * makes the sign-in fail with redirect_uri_mismatch.
 *
 * Usage in a form arch:
 *     <widget name="calendar_sync_https_warning"
 *             redirect_uri_field="calendar_sync_google_redirect_uri"/>
 */
import {Component} from "@odoo/owl";
import {browser} from "@web/core/browser/browser";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";

const BASE_URL_FIELD = "calendar_sync_web_base_url";

function usesHttp(url) {
    return /^http:\/\//i.test(url || "");
}

export class HttpsWarning extends Component {
    static template = "calendar_sync.HttpsWarning";
    static props = {
        ...standardWidgetProps,
        redirectUriField: {type: String, optional: true},
    };

    get problems() {
        if (browser.location.protocol !== "https:") {
            return [];
        }
        const data = this.props.record.data;
        const problems = [];
        const redirectUri = this.props.redirectUriField
            ? data[this.props.redirectUriField]
            : "";
        if (usesHttp(redirectUri)) {
            problems.push({
                key: "redirect_uri",
                text: _t("The redirect URI that Odoo builds uses http: %(uri)s", {
                    uri: redirectUri,
                }),
            });
        }
        if (usesHttp(data[BASE_URL_FIELD])) {
            problems.push({
                key: "base_url",
                text: _t("The system parameter web.base.url uses http: %(url)s", {
                    url: data[BASE_URL_FIELD],
                }),
            });
        }
        return problems;
    }

    get cause() {
        return _t(
            "This page is open over https, but Odoo uses an http address for itself. Google and Microsoft then refuse the sign-in with redirect_uri_mismatch."
        );
    }

    get fix() {
        return _t(
            "To fix it, set the system parameter web.base.url to the https address of this server (and web.base.url.freeze to True, so that an administrator's login does not reset it). Behind a reverse proxy, start Odoo with --proxy-mode and have the proxy forward the X-Forwarded-Proto and X-Forwarded-Host headers."
        );
    }
}

export const httpsWarning = {
    component: HttpsWarning,
    extractProps: ({attrs}) => ({redirectUriField: attrs.redirect_uri_field}),
    fieldDependencies: [{name: BASE_URL_FIELD, type: "char", readonly: true}],
};

registry.category("view_widgets").add("calendar_sync_https_warning", httpsWarning);

// Breach Response for Keycloak: the factor choice page (breach-choose-factor.ftl). Feature-detects WebAuthn and
// recommends (and preselects) the passkey when the browser has it, the authenticator app otherwise. Loaded as
// an external file from the theme's resources (no inline script, so a strict script-src 'self' CSP allows it).
(function () {
    "use strict";
    var form = document.getElementById("kc-breach-choice-form");
    if (!form) {
        return;
    }
    var webauthn = typeof window.PublicKeyCredential !== "undefined";
    var order = webauthn ? ["webauthn-passwordless", "webauthn", "otp"] : ["otp", "webauthn-passwordless", "webauthn"];
    for (var i = 0; i < order.length; i++) {
        var input = document.getElementById("breach-factor-" + order[i]);
        if (input) {
            input.checked = true;
            var badge = document.getElementById("breach-recommended-" + order[i]);
            if (badge) {
                // the label classes only now: a theme's label style (display) would override [hidden]
                badge.className += " pf-v5-c-label pf-m-green pf-m-compact label label-success";
                badge.hidden = false;
            }
            form.setAttribute("data-breach-recommended", order[i]);
            form.setAttribute("data-breach-webauthn", String(webauthn));
            return;
        }
    }
})();

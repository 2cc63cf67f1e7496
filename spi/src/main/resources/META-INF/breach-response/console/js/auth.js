// Sign-in with Keycloak's own adapter (keycloak-js, loaded as vendor/keycloak.js): authorization code flow with
// PKCE S256, tokens kept in this page's memory only (keycloak-js holds them in variables; nothing is written to
// localStorage or put in a URL once the callback is processed), refreshed before each API call.

import {askedLanguage} from './i18n.js';

let kc = null;

/** The console's own URL without query or fragment: its client's one registered redirect URI. */
export function consoleUrl() {
    return location.origin + location.pathname.replace(/[^/]*$/, '');
}

/** A console route (#/incident/x/flags …) as a bookmark holds it; not keycloak-js's callback (#state=…&code=…). */
const ROUTE = /^#\/[A-Za-z0-9\-._~%/?=&]{0,300}$/;

/** Per console (one per realm), so that a route of one realm's console never opens in another's. */
function routeKey() {
    return 'br.route:' + location.pathname;
}

export async function signIn(config) {
    // The sign-in leaves the page and comes back to the client's one redirect URI, without the fragment: keep the
    // route this tab was opened on (a bookmark of an incident) and go back to it once signed in.
    if (ROUTE.test(location.hash)) {
        sessionStorage.setItem(routeKey(), location.hash);
    }
    // eslint-disable-next-line no-undef
    kc = new Keycloak({url: config.server, realm: config.realm, clientId: config.clientId});
    const options = {
        onLoad: 'login-required',
        pkceMethod: 'S256',
        checkLoginIframe: false,
        redirectUri: consoleUrl()
    };
    if (askedLanguage()) {
        options.locale = askedLanguage();
    }
    const ok = await kc.init(options);
    if (!ok) {
        await kc.login({redirectUri: consoleUrl()});
    }
    const route = sessionStorage.getItem(routeKey());
    sessionStorage.removeItem(routeKey());
    if (route && ROUTE.test(route) && !ROUTE.test(location.hash)) {
        history.replaceState(null, '', consoleUrl() + route);
    }
    return kc;
}

/** A fresh access token (refreshed when it expires within 30 s); signs in again when the session ended. */
export async function token() {
    try {
        await kc.updateToken(30);
    } catch (e) {
        await kc.login({redirectUri: consoleUrl()});
        throw new Error('session ended');
    }
    return kc.token;
}

export function signOut() {
    return kc.logout({redirectUri: consoleUrl()});
}

/** Who signed in, for the masthead: the preferred username from the ID token. */
export function userName() {
    const p = kc && (kc.idTokenParsed || kc.tokenParsed);
    return p ? (p.preferred_username || p.name || '') : '';
}

/** The roles of a client in the access token (resource_access), e.g. realm-management. */
export function clientRoles(clientId) {
    const ra = kc && kc.tokenParsed && kc.tokenParsed.resource_access;
    return ra && ra[clientId] && Array.isArray(ra[clientId].roles) ? ra[clientId].roles : [];
}

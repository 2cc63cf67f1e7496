// Calls of Keycloak's admin API and the extension's part of it, with a fresh bearer token each time. Errors come
// back as ApiError with the server's {"error","message"} (shown as text).

import {token} from './auth.js';

export class ApiError extends Error {
    constructor(status, code, message) {
        super(message || code || ('HTTP ' + status));
        this.status = status;
        this.code = code;
    }
}

let server = '';

export function configure(serverUrl) {
    server = serverUrl;
}

/** Base of the extension's API in a realm. */
export function base(realm) {
    return server + '/admin/realms/' + encodeURIComponent(realm) + '/breach-response';
}

/**
 * One call. path is absolute below the server when it starts with '/admin', else below base(realm).
 * Answers {status, body (parsed JSON or null), headers, response}; throws ApiError for 4xx/5xx unless
 * opts.accept lists the status.
 */
export async function call(realm, method, path, opts = {}) {
    const url = path.startsWith('/admin') ? server + path : base(realm) + path;
    const headers = Object.assign({Authorization: 'Bearer ' + await token()}, opts.headers || {});
    let body = opts.body;
    if (opts.json !== undefined) {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify(opts.json);
    }
    if (!headers.Accept && !opts.raw) {
        headers.Accept = 'application/json';
    }
    const response = await fetch(url, {method, headers, body, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer'});
    if (opts.raw) {
        if (!response.ok && !(opts.accept || []).includes(response.status)) {
            throw await failure(response);
        }
        return {status: response.status, headers: response.headers, response};
    }
    const text = await response.text();
    let parsed = null;
    if (text) {
        try {
            parsed = JSON.parse(text);
        } catch (e) {
            parsed = null;
        }
    }
    if (!response.ok && !(opts.accept || []).includes(response.status)) {
        const p = parsed || {};
        throw new ApiError(response.status, p.error, p.message || p.errorMessage || p.error);
    }
    return {status: response.status, body: parsed, headers: response.headers, response};
}

async function failure(response) {
    let p = {};
    try {
        p = await response.json();
    } catch (e) {
        p = {};
    }
    return new ApiError(response.status, p.error, p.message || p.error);
}

export const get = (realm, path, opts) => call(realm, 'GET', path, opts);
export const post = (realm, path, opts) => call(realm, 'POST', path, opts);
export const put = (realm, path, opts) => call(realm, 'PUT', path, opts);
export const del = (realm, path, opts) => call(realm, 'DELETE', path, opts);

export function enc(s) {
    return encodeURIComponent(s);
}

// What the signed-in admin may do in a realm, to hide the controls they may not use (the API enforces the rights
// all the same). From GET .../breach-response/me; where that endpoint does not exist (an older server answers
// 404 or 405), from the token's realm-management roles, with view-users confirmed by reading the incident list.

import {clientRoles} from './auth.js';
import {get} from './api.js';

/** The API's default caps (docs/api.md), used when the server does not say. */
export const DEFAULT_LIMITS = {maxSubjects: 100000, maxBodyBytes: 10000000};

export const NONE = {viewUsers: false, manageUsers: false, viewRealm: false, manageRealm: false, limits: DEFAULT_LIMITS};

export async function rightsIn(realm, signInRealm) {
    let me;
    try {
        me = await get(realm, '/me', {accept: [404, 405]});
    } catch (e) {
        if (e.status === 403) {
            return Object.assign({realm}, NONE);
        }
        throw e;
    }
    if (me.status === 200 && me.body) {
        return Object.assign({realm}, me.body, {limits: Object.assign({}, DEFAULT_LIMITS, me.body.limits || {})});
    }
    const roles = clientRoles(realm === signInRealm ? 'realm-management' : realm + '-realm');
    const has = (r) => roles.includes(r) || roles.includes('realm-admin');
    let viewUsers;
    try {
        await get(realm, '/incidents?max=1');
        viewUsers = true;
    } catch (e) {
        if (e.status !== 403 && e.status !== 401) {
            throw e;
        }
        viewUsers = false;
    }
    return {
        realm,
        viewUsers,
        manageUsers: viewUsers && has('manage-users'),
        viewRealm: has('view-realm') || has('manage-realm'),
        manageRealm: has('manage-realm'),
        limits: DEFAULT_LIMITS
    };
}

// The incident console: signs in, learns the admin's rights in the chosen realm, and shows one page at a time
// (#/incidents, #/incident/{id}[/edit|/load|/flags], #/new, #/realm). Master-realm admins pick the realm to work
// in from the realms Keycloak lists for them (GET /admin/realms).

import {loadMessages, t} from './i18n.js';
import {signIn, signOut, userName} from './auth.js';
import {configure, get, ApiError} from './api.js';
import {rightsIn} from './rights.js';
import {h, fill} from './dom.js';
import {alert, button, emptyState, selectField, title} from './format.js';
import * as incidentsPage from './pages/incidents.js';
import * as incidentPage from './pages/incident.js';
import * as loadPage from './pages/load.js';
import * as flagsPage from './pages/flags.js';
import * as realmPage from './pages/realm.js';

const html = document.documentElement;
const config = {realm: html.dataset.realm, clientId: html.dataset.clientId, server: html.dataset.server};
const state = {realm: config.realm, realms: [config.realm], rights: null, main: null, nav: null, render: 0};

function boot(text) {
    const p = document.getElementById('br-boot');
    if (p) {
        p.textContent = text;
    }
}

async function start() {
    await loadMessages();
    boot(t('app.signingIn'));
    document.title = t('app.title');
    configure(config.server);
    await signIn(config);
    if (config.realm === 'master') {
        await loadRealms();
    }
    layout();
    window.addEventListener('hashchange', route);
    await selectRealm(state.realm);
}

/** The realms a master-realm admin may see (Keycloak's own list); the kept choice of this tab if still there. */
async function loadRealms() {
    try {
        const r = await get(config.realm, '/admin/realms?briefRepresentation=true');
        const names = (r.body || []).map((x) => x.realm).filter((n) => typeof n === 'string');
        if (names.length) {
            state.realms = names;
        }
    } catch (e) {
        state.realms = [config.realm];
    }
    const kept = sessionStorage.getItem('br.realm');
    state.realm = kept && state.realms.includes(kept) ? kept : state.realms.includes(config.realm) ? config.realm : state.realms[0];
}

function layout() {
    const root = document.getElementById('br-root');
    const main = h('main', {class: 'pf-v5-c-page__main', id: 'br-main', tabindex: '-1'});
    const navList = h('ul', {class: 'pf-v5-c-nav__list', role: 'list'},
        navItem('#/incidents', t('nav.incidents'), 'incidents'),
        navItem('#/realm', t('nav.realm'), 'realm'));
    const tools = h('div', {class: 'pf-v5-c-toolbar__content-section br-tools'});
    if (state.realms.length > 1 || config.realm === 'master') {
        const picker = selectField(t('realm.picker'), state.realms.map((r) => [r, r]), state.realm, {id: 'br-realm-picker'});
        picker.select.addEventListener('change', () => selectRealm(picker.select.value, true));
        picker.group.classList.add('br-picker');
        tools.appendChild(h('div', {class: 'pf-v5-c-toolbar__item'}, picker.group));
    } else {
        tools.appendChild(h('div', {class: 'pf-v5-c-toolbar__item br-realm-name'}, t('realm.current', {realm: state.realm})));
    }
    tools.appendChild(h('div', {class: 'pf-v5-c-toolbar__item br-user', id: 'br-user'}, userName()));
    tools.appendChild(h('div', {class: 'pf-v5-c-toolbar__item'}, button(t('app.signOut'), () => signOut(), 'secondary', {id: 'br-sign-out'})));
    const page = h('div', {class: 'pf-v5-c-page'},
        h('button', {type: 'button', class: 'pf-v5-c-button pf-m-primary br-skip', on: {click: () => main.focus()}}, t('app.skip')),
        h('header', {class: 'pf-v5-c-masthead'},
            h('div', {class: 'pf-v5-c-masthead__main'},
                h('a', {class: 'pf-v5-c-masthead__brand br-brand', href: '#/incidents'}, t('app.brand'))),
            h('div', {class: 'pf-v5-c-masthead__content'},
                h('div', {class: 'pf-v5-c-toolbar pf-m-full-height'}, h('div', {class: 'pf-v5-c-toolbar__content'}, tools)))),
        h('div', {class: 'pf-v5-c-page__sidebar pf-m-expanded pf-m-light'},
            h('div', {class: 'pf-v5-c-page__sidebar-body'},
                h('nav', {class: 'pf-v5-c-nav pf-m-light', 'aria-label': t('nav.label')}, navList))),
        main);
    fill(root, page);
    state.main = main;
    state.nav = navList;
}

function navItem(href, text, key) {
    return h('li', {class: 'pf-v5-c-nav__item'}, h('a', {class: 'pf-v5-c-nav__link', href, 'data-nav': key}, text));
}

async function selectRealm(realm, chosen) {
    state.realm = realm;
    if (chosen) {
        sessionStorage.setItem('br.realm', realm);
    }
    state.rights = null;
    fill(state.main, h('section', {class: 'pf-v5-c-page__main-section'}, h('p', {role: 'status'}, t('app.loading'))));
    try {
        state.rights = await rightsIn(realm, config.realm);
    } catch (e) {
        showError(e);
        return;
    }
    if (chosen && location.hash !== '#/incidents') {
        location.hash = '#/incidents';
        return;
    }
    await route();
}

function showError(e) {
    fill(state.main, h('section', {class: 'pf-v5-c-page__main-section'},
        alert('danger', t('error.title'), e instanceof ApiError ? e.message : t('error.network'))));
}

function noAccess() {
    fill(state.main, h('section', {class: 'pf-v5-c-page__main-section', id: 'br-no-access'},
        emptyState(t('noAccess.title'), t('noAccess.body', {realm: state.realm}),
            button(t('app.signOut'), () => signOut(), 'primary'))));
}

/** Renders the page the hash names; pages get the realm, the rights and navigation helpers. */
async function route() {
    if (!state.rights) {
        return;
    }
    const ticket = ++state.render;
    const hash = location.hash || '#/incidents';
    const parts = hash.replace(/^#\/?/, '').split('?')[0].split('/').map(decodeURIComponent);
    for (const a of state.nav.querySelectorAll('a')) {
        const current = a.dataset.nav === (parts[0] === 'realm' ? 'realm' : 'incidents');
        a.classList.toggle('pf-m-current', current);
        if (current) {
            a.setAttribute('aria-current', 'page');
        } else {
            a.removeAttribute('aria-current');
        }
    }
    if (!state.rights.viewUsers && parts[0] !== 'realm' || parts[0] === 'realm' && !state.rights.viewRealm && !state.rights.viewUsers) {
        noAccess();
        return;
    }
    const ctx = {
        realm: state.realm,
        rights: state.rights,
        main: state.main,
        current: () => ticket === state.render,
        go: (to) => {
            location.hash = to;
        },
        heading: (text, extra) => h('section', {class: 'pf-v5-c-page__main-section pf-m-light'}, title(text, 'h1', '2xl', {id: 'br-page-title'}), extra || null),
        error: showError
    };
    try {
        if (parts[0] === 'realm') {
            await realmPage.render(ctx);
        } else if (parts[0] === 'new') {
            await incidentsPage.renderCreate(ctx);
        } else if (parts[0] === 'incident' && parts[1]) {
            const id = parts[1];
            if (parts[2] === 'edit') {
                await incidentsPage.renderEdit(ctx, id);
            } else if (parts[2] === 'load') {
                await loadPage.render(ctx, id);
            } else if (parts[2] === 'flags') {
                await flagsPage.render(ctx, id);
            } else {
                await incidentPage.render(ctx, id);
            }
        } else {
            await incidentsPage.render(ctx);
        }
    } catch (e) {
        if (ticket === state.render) {
            showError(e);
        }
    }
}

start().catch((e) => {
    boot(t('error.signIn') + ' ' + (e && e.message ? e.message : ''));
});

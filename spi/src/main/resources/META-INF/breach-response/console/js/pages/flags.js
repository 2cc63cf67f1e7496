// Who is left: the incident's flags, paged and filtered on the server (state; username or email prefix), a
// user's history in a side panel, dismiss with a reason, re-flag, and the export of the still-open users as CSV
// (streamed from the server; the bytes received are shown while it downloads).

import {get, put, post, call, enc, ApiError} from '../api.js';
import {h, fill, download} from '../dom.js';
import {t, time} from '../i18n.js';
import {alert, button, emptyState, modal, selectField, stateLabel, table, textField, details} from '../format.js';
import {incidentHeading} from './incident.js';

const PAGE = 50;
const STATES = ['FLAGGED', 'STEPPED_UP', 'REMEDIATED', 'DISMISSED'];

export async function render(ctx, incidentId) {
    const incident = (await get(ctx.realm, '/incidents/' + enc(incidentId))).body;
    if (!ctx.current()) {
        return;
    }
    const view = {first: 0, state: '', q: '', selected: null};
    const message = h('div', {'aria-live': 'polite', id: 'br-flags-message'});
    const results = h('div', {class: 'br-flags-results', id: 'br-flags-results'});
    const panel = h('aside', {class: 'br-side', id: 'br-side', 'aria-label': t('flags.panel'), hidden: true});
    const search = textField(t('flags.search'), {type: 'search', id: 'br-flags-q', maxlength: '100', autocomplete: 'off'}, t('flags.search.help'));
    const state = selectField(t('flags.state'), [['', t('flags.state.all')], ['open', t('flags.export.open')]]
        .concat(STATES.map((s) => [s, t('state.' + s)])), '', {id: 'br-flags-state'});
    let timer = null;
    search.input.addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
            view.q = search.input.value.trim();
            view.first = 0;
            load();
        }, 300);
    });
    state.select.addEventListener('change', () => {
        view.state = state.select.value;
        view.first = 0;
        load();
    });
    const exportState = selectField(t('flags.export.what'), [['open', t('flags.export.open')]].concat(STATES.map((s) => [s, t('state.' + s)])), 'open', {id: 'br-export-state'});
    const exportStatus = h('span', {class: 'br-export-status', 'aria-live': 'polite', id: 'br-export-status'});
    const exportButton = button(t('flags.export'), () => exportCsv(ctx, incident, exportState.select.value, exportStatus, exportButton), 'secondary', {id: 'br-export'});
    const toolbar = h('div', {class: 'pf-v5-c-toolbar br-flags-toolbar'}, h('div', {class: 'pf-v5-c-toolbar__content'},
        h('div', {class: 'pf-v5-c-toolbar__content-section'},
            h('div', {class: 'pf-v5-c-toolbar__item br-grow'}, search.group),
            h('div', {class: 'pf-v5-c-toolbar__item'}, state.group),
            h('div', {class: 'pf-v5-c-toolbar__item br-export'}, exportState.group, exportButton, exportStatus))));
    fill(ctx.main, incidentHeading(ctx, incident, 'flags'),
        h('section', {class: 'pf-v5-c-page__main-section'}, message, toolbar, h('div', {class: 'br-split'}, results, panel)));

    async function load() {
        const params = new URLSearchParams({first: String(view.first), max: String(PAGE)});
        if (view.state) {
            params.set('state', view.state);
        }
        if (view.q) {
            params.set('q', view.q);
        }
        let r;
        try {
            r = await get(ctx.realm, '/incidents/' + enc(incident.id) + '/flags?' + params);
        } catch (e) {
            fill(results, alert('danger', t('flags.failed'), e instanceof ApiError ? e.message : t('error.network')));
            return;
        }
        const flags = r.body || [];
        const header = r.headers.get('X-Total-Count');
        const total = header === null ? null : parseInt(header, 10);
        const capped = r.headers.get('X-Total-Count-Capped') === 'true';
        const named = flags.some((f) => Object.prototype.hasOwnProperty.call(f, 'username'));
        search.group.hidden = !named && !view.q && flags.length > 0;
        if (!flags.length) {
            fill(results, emptyState(view.q || view.state ? t('flags.none.filtered') : t('flags.none.title'),
                view.q || view.state ? t('flags.none.filteredBody') : ctx.rights.manageUsers && incident.status === 'OPEN'
                    ? t('flags.none.body') : t('flags.none.readOnly'), null, {id: 'br-flags-empty'}));
            return;
        }
        const columns = [{text: t('flags.col.user')}, {text: t('flags.col.email')}, {text: t('flags.col.state')},
            {text: t('flags.col.flagged')}, {text: t('flags.col.updated')}, {text: t('flags.col.actions')}];
        const rows = flags.map((f) => [
            h('span', {class: 'br-username'}, named ? (f.username || t('flags.noLocalUser')) : f.userId),
            h('span', {class: 'br-email'}, named ? (f.email || '\u2014') : '\u2014'),
            stateLabel(f.state),
            time(f.flaggedAt),
            time(f.updatedAt),
            button(t('flags.details'), () => open(f), 'link', {'aria-label': t('flags.detailsOf', {user: named && f.username ? f.username : f.userId}),
                'data-user-id': f.userId, class: 'pf-v5-c-button pf-m-link pf-m-inline br-details'})
        ]);
        const from = view.first + 1;
        const to = view.first + flags.length;
        const range = total === null ? t('pager.rangeOpen', {from, to}) : capped
            ? t('pager.rangeCapped', {from, to, total}) : t('pager.range', {from, to, total});
        // capped: there are more than total (a broad search is not counted past the page)
        const hasNext = capped || (total === null ? flags.length === PAGE : view.first + flags.length < total);
        fill(results, table(t('flags.caption'), columns, rows, {id: 'br-flags'}),
            h('div', {class: 'br-pager'},
                h('span', {class: 'br-pager-range', id: 'br-flags-range'}, range),
                button(t('pager.previous'), () => { view.first = Math.max(0, view.first - PAGE); load(); }, 'secondary', {disabled: view.first === 0}),
                button(t('pager.next'), () => { view.first += PAGE; load(); }, 'secondary', {disabled: !hasNext, id: 'br-flags-next'})));
    }

    async function open(flag) {
        view.selected = flag.userId;
        panel.hidden = false;
        fill(panel, h('p', {role: 'status'}, t('app.loading')));
        let f;
        try {
            f = (await get(ctx.realm, '/incidents/' + enc(incident.id) + '/flags/' + enc(flag.userId))).body;
        } catch (e) {
            fill(panel, alert('danger', t('flags.failed'), e.message));
            return;
        }
        const who = flag.username || f.username || f.userId;
        const actions = [];
        if (ctx.rights.manageUsers && (f.state === 'FLAGGED' || f.state === 'STEPPED_UP')) {
            actions.push(button(t('flags.dismiss'), () => dismiss(f, who), 'danger', {id: 'br-dismiss'}));
        }
        if (ctx.rights.manageUsers && f.state === 'DISMISSED' && incident.status === 'OPEN') {
            actions.push(button(t('flags.reflag'), () => reflag(f), 'secondary', {id: 'br-reflag'}));
        }
        const history = (f.history || []).map((e) => [
            time(e.at),
            e.kind === 'NOTE' ? t('history.note') : (e.from ? t('state.' + e.from) + ' \u2192 ' : '') + (e.to ? t('state.' + e.to) : ''),
            e.actor ? t('actor.' + e.actor.type) + (e.actor.id ? ' ' + e.actor.id : '') : '\u2014',
            [e.cause, e.detail].filter(Boolean).join(': ')
        ]);
        const close = button(t('action.close'), () => { panel.hidden = true; }, 'plain', {'aria-label': t('flags.closePanel'), class: 'pf-v5-c-button pf-m-plain br-close'});
        close.textContent = '\u00d7';
        fill(panel, h('div', {class: 'pf-v5-c-card br-card'},
            h('div', {class: 'pf-v5-c-card__title br-side-title'}, h('h2', {class: 'pf-v5-c-card__title-text', id: 'br-side-title'}, who), close),
            h('div', {class: 'pf-v5-c-card__body'},
                details([
                    [t('flags.col.state'), stateLabel(f.state)],
                    [t('flags.userId'), f.userId],
                    [t('flags.col.email'), f.email || flag.email || '\u2014'],
                    [t('flags.col.flagged'), time(f.flaggedAt)],
                    [t('flags.dismissReason'), f.dismissReason || '\u2014']
                ]),
                actions.length ? h('div', {class: 'br-actions'}, actions) : null,
                h('h3', {class: 'pf-v5-c-title pf-m-md'}, t('flags.history')),
                table(t('flags.history'), [{text: t('history.at')}, {text: t('history.change')}, {text: t('history.actor')}, {text: t('history.cause')}], history, {id: 'br-history'}))));
        panel.querySelector('h2').setAttribute('tabindex', '-1');
        panel.querySelector('h2').focus();
    }

    function dismiss(f, who) {
        const reason = textField(t('flags.reason'), {rows: 3, maxlength: '1024', id: 'br-dismiss-reason', required: true}, t('flags.reason.help'));
        modal(t('flags.dismissTitle', {user: who}), reason.group, t('flags.dismiss'), async () => {
            const text = reason.input.value.trim();
            if (!text) {
                throw new Error(t('flags.reason.required'));
            }
            try {
                // the reason in the body, not in the URL (it may name a person)
                await post(ctx.realm, '/incidents/' + enc(incident.id) + '/flags/' + enc(f.userId) + '/dismissal', {json: {reason: text}});
            } catch (e) {
                throw new Error(e instanceof ApiError ? e.message : t('error.network'));
            }
            fill(message, alert('success', t('flags.dismissed', {user: who}), null, {id: 'br-dismissed'}));
            await load();
            await open(Object.assign({}, f, {username: f.username || (who !== f.userId ? who : undefined)}));
        }, 'danger', {confirmId: 'br-dismiss-confirm'});
    }

    async function reflag(f) {
        try {
            await put(ctx.realm, '/incidents/' + enc(incident.id) + '/flags/' + enc(f.userId));
            fill(message, alert('success', t('flags.reflagged')));
        } catch (e) {
            fill(message, alert('danger', t('flags.failed'), e instanceof ApiError ? e.message : t('error.network')));
        }
        await load();
        await open(f);
    }

    await load();
}

/** Streams GET /flags/export into a Blob, showing the bytes received, then saves it as a file. */
async function exportCsv(ctx, incident, state, status, trigger) {
    trigger.disabled = true;
    status.textContent = t('flags.export.starting');
    try {
        const r = await call(ctx.realm, 'GET', '/incidents/' + enc(incident.id) + '/flags/export?state=' + enc(state),
            {raw: true, headers: {Accept: 'text/csv'}, accept: [404, 405]});
        if (r.status === 404 || r.status === 405) {
            status.textContent = t('flags.export.unavailable');
            return;
        }
        const reader = r.response.body.getReader();
        const chunks = [];
        let received = 0;
        for (;;) {
            const {done, value} = await reader.read();
            if (done) {
                break;
            }
            chunks.push(value);
            received += value.length;
            status.textContent = t('flags.export.progress', {kb: Math.round(received / 1024)});
        }
        download(new Blob(chunks, {type: 'text/csv;charset=utf-8'}), incident.id + '-flags-' + state + '.csv');
        status.textContent = t('flags.export.done', {kb: Math.round(received / 1024)});
    } catch (e) {
        status.textContent = t('flags.export.failed') + ' ' + (e.message || '');
    } finally {
        trigger.disabled = false;
    }
}



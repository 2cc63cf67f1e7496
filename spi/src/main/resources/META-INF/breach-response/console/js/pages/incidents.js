// Incidents: the list (status, exposed data, counts per state, % remediated, last activity), the create form with
// the policy and its defaults explained, and the edit form.

import {get, post, put, enc, ApiError} from '../api.js';
import {h, fill} from '../dom.js';
import {t, num, percent, time} from '../i18n.js';
import {alert, button, checkbox, checkGroup, emptyState, helper, selectField, stateLabel, table, textField} from '../format.js';

const PAGE = 50;
const EXPOSED = ['email', 'name', 'username', 'location', 'phone', 'ip-address', 'user-agent', 'organization', 'password', 'credential'];
const SECRETS = ['password', 'credential'];
const FACTORS = ['webauthn-passwordless', 'webauthn', 'otp', 'recovery-codes'];
const PRIMARY_FACTORS = ['webauthn-passwordless', 'webauthn', 'otp'];

export async function render(ctx) {
    const params = new URLSearchParams(location.hash.split('?')[1] || '');
    const first = Math.max(0, parseInt(params.get('first') || '0', 10) || 0);
    const r = await get(ctx.realm, '/incidents?first=' + first + '&max=' + PAGE);
    if (!ctx.current()) {
        return;
    }
    const list = r.body || [];
    const total = parseInt(r.headers.get('X-Total-Count') || String(list.length), 10);
    const create = ctx.rights.manageUsers ? button(t('incidents.create'), () => ctx.go('#/new'), 'primary', {id: 'br-create-incident'}) : null;
    const section = h('section', {class: 'pf-v5-c-page__main-section'});
    if (!list.length && first === 0) {
        section.appendChild(emptyState(t('incidents.empty.title'),
            ctx.rights.manageUsers ? t('incidents.empty.body') : t('incidents.empty.readOnly'), create, {id: 'br-incidents-empty'}));
    } else {
        const columns = ['title', 'status', 'exposed', 'flagged', 'steppedUp', 'remediated', 'dismissed', 'remediatedPercent', 'lastActivity']
            .map((k) => ({text: t('incidents.col.' + k)}));
        const rows = list.map((i) => {
            const c = i.counts || null;
            const count = (s) => c ? num(c[s] || 0) : '\u2014';
            const total = c ? ['FLAGGED', 'STEPPED_UP', 'REMEDIATED', 'DISMISSED'].reduce((a, s) => a + (c[s] || 0), 0) : null;
            return [
                h('a', {href: '#/incident/' + enc(i.id), class: 'br-incident-link'}, i.title),
                stateLabel(i.status),
                (i.exposedData || []).map((d) => t('exposed.' + d)).join(', '),
                c ? num(total) : '\u2014',
                count('STEPPED_UP'),
                count('REMEDIATED'),
                count('DISMISSED'),
                typeof i.remediatedPercent === 'number' ? percent(i.remediatedPercent) : '\u2014',
                time(i.lastActivityAt || i.updatedAt)
            ];
        });
        section.appendChild(h('div', {class: 'pf-v5-c-toolbar'}, h('div', {class: 'pf-v5-c-toolbar__content'},
            h('div', {class: 'pf-v5-c-toolbar__content-section'},
                create ? h('div', {class: 'pf-v5-c-toolbar__item'}, create) : null,
                h('div', {class: 'pf-v5-c-toolbar__item pf-m-pagination'}, pager(first, list.length, total, (f) => ctx.go('#/incidents?first=' + f)))))));
        section.appendChild(table(t('incidents.caption'), columns, rows, {id: 'br-incidents'}));
    }
    fill(ctx.main, ctx.heading(t('incidents.title'), h('p', {class: 'br-lead'}, t('incidents.lead'))), section);
}

/** "1–50 of 120" with previous and next buttons. */
export function pager(first, count, total, go) {
    const label = total ? t('pager.range', {from: first + 1, to: first + count, total}) : t('pager.none');
    return h('div', {class: 'br-pager'},
        h('span', {class: 'br-pager-range', 'aria-live': 'polite'}, label),
        button(t('pager.previous'), () => go(Math.max(0, first - PAGE)), 'secondary', {disabled: first === 0, 'aria-label': t('pager.previous')}),
        button(t('pager.next'), () => go(first + PAGE), 'secondary', {disabled: first + count >= total, 'aria-label': t('pager.next')}));
}

/** The policy a new incident gets without a policy in the request (Policy.defaultsFor; realm defaults when known). */
export function defaultsFor(exposed, realm) {
    const secret = exposed.some((d) => SECRETS.includes(d));
    const grace = secret || !realm ? {days: 0, skips: 0} : (realm.grace || {days: 0, skips: 0});
    return {
        enforcement: realm && realm.enforcement || 'enforce',
        requireMfa: true,
        requirePasswordChange: secret,
        revokeSessions: true,
        allowedFactors: realm && realm.allowedFactors || PRIMARY_FACTORS,
        grace,
        reminders: {enabled: true, afterDays: [0, 3, 7, 14]},
        deadlineDays: 14,
        onDeadline: {requiredActions: true, revokeSessions: true, disableAccount: false}
    };
}

function explain(exposed) {
    if (!exposed.length) {
        return t('policy.explain.none');
    }
    return exposed.some((d) => SECRETS.includes(d)) ? t('policy.explain.secret') : t('policy.explain.contact');
}

/**
 * The policy fields as form controls. Returns {el, set(policy) (fills untouched fields), changed() (the fields the
 * admin changed, as a partial policy)}.
 */
function policyForm(initial) {
    const touched = new Set();
    const mark = (key) => () => touched.add(key);
    const enforcement = selectField(t('policy.enforcement'), [['enforce', t('policy.enforcement.enforce')], ['report-only', t('policy.enforcement.reportOnly')]],
        initial.enforcement, {id: 'br-policy-enforcement'});
    enforcement.select.addEventListener('change', mark('enforcement'));
    const mfa = checkbox(t('policy.requireMfa'), initial.requireMfa, {id: 'br-policy-mfa'});
    const pwd = checkbox(t('policy.requirePasswordChange'), initial.requirePasswordChange, {id: 'br-policy-password'});
    const revoke = checkbox(t('policy.revokeSessions'), initial.revokeSessions, {id: 'br-policy-revoke'});
    mfa.input.addEventListener('change', mark('requireMfa'));
    pwd.input.addEventListener('change', mark('requirePasswordChange'));
    revoke.input.addEventListener('change', mark('revokeSessions'));
    const factors = checkGroup(t('policy.allowedFactors'), FACTORS.map((f) => [f, t('factor.' + f)]), initial.allowedFactors, {idPrefix: 'br-factor-'});
    factors.boxes.forEach((b) => b.input.addEventListener('change', mark('allowedFactors')));
    const graceDays = textField(t('policy.graceDays'), {type: 'number', min: '0', max: '365', value: String(initial.grace.days), id: 'br-policy-grace-days'});
    const graceSkips = textField(t('policy.graceSkips'), {type: 'number', min: '0', max: '100', value: String(initial.grace.skips), id: 'br-policy-grace-skips'});
    graceDays.input.addEventListener('input', mark('grace'));
    graceSkips.input.addEventListener('input', mark('grace'));
    const reminders = checkbox(t('policy.reminders'), initial.reminders.enabled, {id: 'br-policy-reminders'});
    const afterDays = textField(t('policy.afterDays'), {value: initial.reminders.afterDays.join(', '), id: 'br-policy-after-days'}, t('policy.afterDays.help'));
    reminders.input.addEventListener('change', mark('reminders'));
    afterDays.input.addEventListener('input', mark('reminders'));
    const deadline = textField(t('policy.deadlineDays'), {type: 'number', min: '0', max: '365', value: String(initial.deadlineDays), id: 'br-policy-deadline'}, t('policy.deadlineDays.help'));
    deadline.input.addEventListener('input', mark('deadlineDays'));
    const dActions = checkbox(t('policy.onDeadline.requiredActions'), initial.onDeadline.requiredActions, {id: 'br-deadline-actions'});
    const dRevoke = checkbox(t('policy.onDeadline.revokeSessions'), initial.onDeadline.revokeSessions, {id: 'br-deadline-revoke'});
    const dDisable = checkbox(t('policy.onDeadline.disableAccount'), initial.onDeadline.disableAccount, {id: 'br-deadline-disable'});
    [dActions, dRevoke, dDisable].forEach((c) => c.input.addEventListener('change', mark('onDeadline')));
    const onDeadline = h('fieldset', {class: 'pf-v5-c-form__group br-fieldset'},
        h('legend', {class: 'pf-v5-c-form__label'}, h('span', {class: 'pf-v5-c-form__label-text'}, t('policy.onDeadline'))),
        h('div', {class: 'pf-v5-c-form__group-control'}, dActions.el, dRevoke.el, dDisable.el));
    const el = h('fieldset', {class: 'pf-v5-c-form__section br-fieldset', id: 'br-policy'},
        h('legend', {class: 'pf-v5-c-form__section-title'}, t('policy.title')),
        enforcement.group,
        h('div', {class: 'pf-v5-c-form__group'}, h('div', {class: 'pf-v5-c-form__group-control'}, mfa.el, pwd.el, revoke.el)),
        factors.group,
        h('div', {class: 'br-row'}, graceDays.group, graceSkips.group),
        h('div', {class: 'pf-v5-c-form__group'}, h('div', {class: 'pf-v5-c-form__group-control'}, reminders.el)),
        afterDays.group, deadline.group, onDeadline);
    const days = () => afterDays.input.value.split(/[,\s]+/).filter((s) => s !== '').map((s) => Number(s));
    const values = () => ({
        enforcement: enforcement.select.value,
        requireMfa: mfa.input.checked,
        requirePasswordChange: pwd.input.checked,
        revokeSessions: revoke.input.checked,
        allowedFactors: factors.values(),
        grace: {days: Number(graceDays.input.value), skips: Number(graceSkips.input.value)},
        reminders: {enabled: reminders.input.checked, afterDays: days()},
        deadlineDays: Number(deadline.input.value),
        onDeadline: {requiredActions: dActions.input.checked, revokeSessions: dRevoke.input.checked, disableAccount: dDisable.input.checked}
    });
    return {
        el,
        set(p) {
            if (!touched.has('enforcement')) enforcement.select.value = p.enforcement;
            if (!touched.has('requireMfa')) mfa.input.checked = p.requireMfa;
            if (!touched.has('requirePasswordChange')) pwd.input.checked = p.requirePasswordChange;
            if (!touched.has('revokeSessions')) revoke.input.checked = p.revokeSessions;
            if (!touched.has('allowedFactors')) factors.boxes.forEach((b) => { b.input.checked = p.allowedFactors.includes(b.input.value); });
            if (!touched.has('grace')) {
                graceDays.input.value = String(p.grace.days);
                graceSkips.input.value = String(p.grace.skips);
            }
        },
        changed() {
            const v = values();
            const out = {};
            for (const k of touched) {
                out[k] = v[k];
            }
            return out;
        }
    };
}

async function realmDefaults(ctx) {
    if (!ctx.rights.viewRealm) {
        return null;
    }
    try {
        return (await get(ctx.realm, '/config')).body;
    } catch (e) {
        return null;
    }
}

export async function renderCreate(ctx) {
    if (!ctx.rights.manageUsers) {
        ctx.go('#/incidents');
        return;
    }
    const realm = await realmDefaults(ctx);
    if (!ctx.current()) {
        return;
    }
    const message = h('div', {'aria-live': 'polite'});
    const id = textField(t('incident.id'), {required: true, maxlength: '64', pattern: '[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}', id: 'br-incident-id', autocomplete: 'off'}, t('incident.id.help'));
    const name = textField(t('incident.title'), {required: true, maxlength: '255', id: 'br-incident-title'});
    const description = textField(t('incident.description'), {rows: 3, maxlength: '4000', id: 'br-incident-description'});
    const exposed = checkGroup(t('incident.exposed'), EXPOSED.map((d) => [d, t('exposed.' + d)]), ['email'], {idPrefix: 'br-exposed-'});
    const explanation = h('p', {class: 'br-explain', id: 'br-policy-explain', 'aria-live': 'polite'}, explain(['email']));
    const policy = policyForm(defaultsFor(['email'], realm));
    exposed.boxes.forEach((b) => b.input.addEventListener('change', () => {
        const list = exposed.values();
        explanation.textContent = explain(list);
        policy.set(defaultsFor(list, realm));
    }));
    const form = h('form', {class: 'pf-v5-c-form', novalidate: true, id: 'br-create-form'},
        id.group, name.group, description.group, exposed.group, explanation, policy.el,
        h('div', {class: 'pf-v5-c-form__group pf-m-action'}, h('div', {class: 'pf-v5-c-form__actions'},
            h('button', {type: 'submit', class: 'pf-v5-c-button pf-m-primary', id: 'br-create-submit'}, t('incidents.create')),
            button(t('action.cancel'), () => ctx.go('#/incidents'), 'link'))));
    form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const body = {id: id.input.value.trim(), title: name.input.value.trim(), exposedData: exposed.values()};
        if (description.input.value.trim()) {
            body.description = description.input.value.trim();
        }
        const changed = policy.changed();
        if (Object.keys(changed).length) {
            body.policy = changed;
        }
        if (!body.id || !body.title || !body.exposedData.length) {
            fill(message, alert('danger', t('incident.required')));
            return;
        }
        try {
            await post(ctx.realm, '/incidents', {json: body});
            ctx.go('#/incident/' + enc(body.id));
        } catch (err) {
            fill(message, alert('danger', t('incident.createFailed'), err instanceof ApiError ? err.message : t('error.network')));
        }
    });
    fill(ctx.main, ctx.heading(t('incidents.create')),
        h('section', {class: 'pf-v5-c-page__main-section'}, h('div', {class: 'pf-v5-c-card br-card'}, h('div', {class: 'pf-v5-c-card__body'}, message, form))));
}

export async function renderEdit(ctx, incidentId) {
    const incident = (await get(ctx.realm, '/incidents/' + enc(incidentId))).body;
    if (!ctx.current()) {
        return;
    }
    if (!ctx.rights.manageUsers || incident.status !== 'OPEN') {
        ctx.go('#/incident/' + enc(incidentId));
        return;
    }
    const message = h('div', {'aria-live': 'polite'});
    const name = textField(t('incident.title'), {required: true, maxlength: '255', value: incident.title, id: 'br-incident-title'});
    const description = textField(t('incident.description'), {rows: 3, maxlength: '4000', id: 'br-incident-description'});
    description.input.value = incident.description || '';
    const policy = policyForm(incident.policy);
    const form = h('form', {class: 'pf-v5-c-form', novalidate: true, id: 'br-edit-form'},
        name.group, description.group, policy.el,
        h('div', {class: 'pf-v5-c-form__group pf-m-action'}, h('div', {class: 'pf-v5-c-form__actions'},
            h('button', {type: 'submit', class: 'pf-v5-c-button pf-m-primary', id: 'br-edit-submit'}, t('action.save')),
            button(t('action.cancel'), () => ctx.go('#/incident/' + enc(incidentId)), 'link'))));
    form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const body = {};
        if (name.input.value.trim() !== incident.title) {
            body.title = name.input.value.trim();
        }
        if (description.input.value.trim() !== (incident.description || '')) {
            body.description = description.input.value.trim();
        }
        const changed = policy.changed();
        if (Object.keys(changed).length) {
            body.policy = changed;
        }
        if (!Object.keys(body).length) {
            ctx.go('#/incident/' + enc(incidentId));
            return;
        }
        try {
            await put(ctx.realm, '/incidents/' + enc(incidentId), {json: body});
            ctx.go('#/incident/' + enc(incidentId));
        } catch (err) {
            fill(message, alert('danger', t('incident.saveFailed'), err instanceof ApiError ? err.message : t('error.network')));
        }
    });
    fill(ctx.main, ctx.heading(t('incident.edit', {title: incident.title})),
        h('section', {class: 'pf-v5-c-page__main-section'}, h('div', {class: 'pf-v5-c-card br-card'},
            h('div', {class: 'pf-v5-c-card__body'}, message, helper(t('incident.edit.help')), form))));
}


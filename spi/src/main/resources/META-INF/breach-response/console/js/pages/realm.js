// The realm: whether login enforcement is set up and what setup could not patch (one button runs setup), the
// realm defaults (/config), reminders and the hygiene campaign with their outbox state, the back-channel logouts
// owed to clients, and the webhook endpoints (Standard Webhooks). Each part needs its own right; a part the admin
// may not read says so.

import {get, post, put, del, enc, ApiError} from '../api.js';
import {h, fill} from '../dom.js';
import {t, num, time} from '../i18n.js';
import {alert, button, card, checkbox, checkGroup, details, modal, selectField, table, textField} from '../format.js';

const FACTORS = ['webauthn-passwordless', 'webauthn', 'otp', 'recovery-codes'];
const PRIMARY_FACTORS = ['webauthn-passwordless', 'webauthn', 'otp'];

export async function render(ctx) {
    const setup = h('div', {id: 'br-setup-body'});
    const config = h('div', {id: 'br-config-body'});
    const outbox = h('div', {id: 'br-outbox-body'});
    const logouts = h('div', {id: 'br-logouts-body'});
    const webhooks = h('div', {id: 'br-webhooks-body'});
    fill(ctx.main, ctx.heading(t('realm.title', {realm: ctx.realm}), h('p', {class: 'br-lead'}, t('realm.lead'))),
        h('section', {class: 'pf-v5-c-page__main-section br-stack'},
            card(t('setup.title'), setup, {id: 'br-setup'}),
            card(t('config.title'), config, {id: 'br-config'}),
            card(t('outbox.title'), outbox, {id: 'br-outbox'}),
            card(t('logouts.title'), logouts, {id: 'br-logouts'}),
            card(t('webhooks.title'), webhooks, {id: 'br-webhooks'})));
    await Promise.all([renderSetup(ctx, setup), renderConfig(ctx, config), renderOutbox(ctx, outbox), renderLogouts(ctx, logouts),
        renderWebhooks(ctx, webhooks)]);
}

function forbidden(el, right) {
    fill(el, h('p', {class: 'br-explain'}, t('realm.needs', {right})));
}

function failed(el, e) {
    if (!(e instanceof ApiError)) {
        console.error('breach-response console:', e);
    }
    fill(el, alert('danger', t('error.title'), e instanceof ApiError ? e.message : t('error.network')));
}

async function renderSetup(ctx, el, report) {
    if (!ctx.rights.viewRealm) {
        forbidden(el, 'view-realm');
        return;
    }
    let s;
    try {
        s = (await get(ctx.realm, '/setup')).body;
    } catch (e) {
        failed(el, e);
        return;
    }
    const gaps = s.gaps || [];
    const parts = [
        s.enforcedEverywhere ? alert('success', t('setup.everywhere'), null, {id: 'br-setup-state'})
            : alert('warning', t('setup.gaps', {n: gaps.length}), null, {id: 'br-setup-state'})
    ];
    if (gaps.length) {
        parts.push(table(t('setup.gapsCaption'), [{text: t('setup.col.kind')}, {text: t('setup.col.name')}, {text: t('setup.col.detail')}],
            gaps.map((g) => [g.kind, g.name, g.detail || '']), {id: 'br-setup-gaps'}));
    }
    const consoleInfo = s.console;
    parts.push(details([
        [t('setup.default'), s.enforcementDefault === 'report-only' ? t('policy.enforcement.reportOnly') : t('policy.enforcement.enforce')],
        [t('setup.reportOnly'), (s.reportOnlyIncidents || []).join(', ') || '\u2014'],
        [t('setup.breakGlass'), [...((s.breakGlass || {}).roles || []), ...((s.breakGlass || {}).groups || [])].join(', ') || '\u2014'],
        [t('setup.console'), consoleInfo ? (consoleInfo.client ? t('setup.console.yes') : t('setup.console.no')) : '\u2014']
    ]));
    if ((s.refusedLogins || []).length) {
        parts.push(h('h3', {class: 'pf-v5-c-title pf-m-md'}, t('setup.refused')));
        parts.push(table(t('setup.refused'), [{text: t('setup.col.path')}, {text: t('setup.col.refused')}, {text: t('setup.col.last')}],
            s.refusedLogins.map((r) => [r.path, num(r.refused), time(r.lastSeenAt)])));
    }
    if (report) {
        parts.push(report);
    }
    if (ctx.rights.manageRealm) {
        const run = button(t('setup.run'), async () => {
            run.disabled = true;
            try {
                const r = (await post(ctx.realm, '/setup')).body;
                const result = h('div', {class: 'br-stack', id: 'br-setup-result'},
                    alert(r.changed ? 'success' : 'info', r.changed ? t('setup.changed', {n: r.changes.length}) : t('setup.unchanged')),
                    r.changes.length ? h('ul', {class: 'br-list'}, r.changes.map((c) => h('li', {}, c))) : null,
                    r.notPatched.length ? [h('h3', {class: 'pf-v5-c-title pf-m-md'}, t('setup.notPatched')),
                        h('ul', {class: 'br-list'}, r.notPatched.map((c) => h('li', {}, c)))] : null);
                await renderSetup(ctx, el, result);
            } catch (e) {
                run.disabled = false;
                el.appendChild(alert('danger', t('error.title'), e instanceof ApiError ? e.message : t('error.network')));
            }
        }, 'primary', {id: 'br-run-setup'});
        parts.push(h('div', {class: 'br-actions'}, run, h('span', {class: 'br-explain'}, t('setup.runHelp'))));
    }
    fill(el, parts);
}

async function renderConfig(ctx, el) {
    if (!ctx.rights.viewRealm) {
        forbidden(el, 'view-realm');
        return;
    }
    let c;
    try {
        c = (await get(ctx.realm, '/config')).body;
    } catch (e) {
        failed(el, e);
        return;
    }
    const ro = !ctx.rights.manageRealm;
    const message = h('div', {'aria-live': 'polite'});
    const factors = checkGroup(t('policy.allowedFactors'), FACTORS.map((f) => [f, t('factor.' + f)]), c.allowedFactors, {idPrefix: 'br-config-factor-'});
    const enrol = selectField(t('config.enrolmentFactor'), PRIMARY_FACTORS.map((f) => [f, t('factor.' + f)]), c.enrolmentFactor, {id: 'br-config-enrol'});
    const graceDays = textField(t('policy.graceDays'), {type: 'number', min: '0', max: '365', value: String(c.grace.days), id: 'br-config-grace-days'});
    const graceSkips = textField(t('policy.graceSkips'), {type: 'number', min: '0', max: '100', value: String(c.grace.skips), id: 'br-config-grace-skips'});
    const enforcement = selectField(t('config.enforcement'), [['enforce', t('policy.enforcement.enforce')], ['report-only', t('policy.enforcement.reportOnly')]],
        c.enforcement, {id: 'br-config-enforcement'});
    const stepUpNotice = selectField(t('config.stepUpNotice'), [['page', t('config.stepUpNotice.page')], ['message', t('config.stepUpNotice.message')]],
        c.stepUpNotice || 'page', {id: 'br-config-step-up-notice'});
    const reminders = checkbox(t('config.reminders'), c.remindersEnabled, {id: 'br-config-reminders'});
    const nudges = checkbox(t('config.mfaNudges'), c.hygiene.mfaNudges, {id: 'br-config-nudges'});
    const everyDays = textField(t('config.everyDays'), {type: 'number', min: '1', max: '365', value: String(c.hygiene.everyDays), id: 'br-config-every'});
    const passwordAge = textField(t('config.passwordAgeDays'), {type: 'number', min: '0', max: '3650', value: String(c.hygiene.passwordAgeDays), id: 'br-config-password-age'}, t('config.passwordAgeDays.help'));
    const roles = textField(t('config.breakGlassRoles'), {value: (c.breakGlass.roles || []).join(', '), id: 'br-config-roles'}, t('config.list.help'));
    const groups = textField(t('config.breakGlassGroups'), {value: (c.breakGlass.groups || []).join(', '), id: 'br-config-groups'}, t('config.list.help'));
    const bp = c.breachedPasswords || {};
    const ur = c.userReports || {};
    const pwLogin = checkbox(t('config.pwCheckAtLogin'), !!bp.checkAtLogin, {id: 'br-config-pw-login'});
    const pwOffline = checkbox(t('config.pwOfflineCorpus'), bp.offlineCorpus !== false, {id: 'br-config-pw-offline'});
    const pwClosed = checkbox(t('config.pwFailClosed'), !!bp.failClosed, {id: 'br-config-pw-closed'});
    const pwRange = textField(t('config.pwRangeApiUrl'), {value: bp.rangeApiUrl || '', id: 'br-config-pw-range'}, t('config.pwRangeApiUrl.help'));
    const pwMin = textField(t('config.pwMinCount'), {type: 'number', min: '1', max: '1000000', value: String(bp.minCount || 1), id: 'br-config-pw-min'});
    const urEmails = checkbox(t('config.securityEmails'), !!ur.securityEmails, {id: 'br-config-security-emails'});
    const urContact = textField(t('config.securityContact'), {type: 'email', value: ur.securityContact || '', id: 'br-config-security-contact'}, t('config.securityContact.help'));
    const urDays = textField(t('config.linkDays'), {type: 'number', min: '1', max: '30', value: String(ur.linkDays || 7), id: 'br-config-link-days'});
    const al = c.alerts || {};
    const alOn = checkbox(t('config.alertsEnabled'), !!al.enabled, {id: 'br-config-alerts-enabled'});
    const alDigest = checkbox(t('config.alertsDigest'), al.digest !== false, {id: 'br-config-alerts-digest'});
    const alContact = textField(t('config.alertsContact'), {type: 'email', value: al.contact || '', id: 'br-config-alerts-contact'}, t('config.alertsContact.help'));
    const alHour = textField(t('config.alertsHour'), {type: 'number', min: '0', max: '23', value: String(al.digestHourUtc ?? 7), id: 'br-config-alerts-hour'});
    const alInterval = textField(t('config.alertsInterval'), {type: 'number', min: '5', max: '10080', value: String(al.intervalMinutes || 60), id: 'br-config-alerts-interval'});
    const threshold = (key, field, dflt) => textField(t(key), {type: 'number', min: '0', max: '1000000', value: String(al[field] ?? dflt),
        id: 'br-config-alerts-' + field}, t('config.alertsThreshold.help'));
    const alReports = threshold('config.alertsReports', 'userReportsPerHour', 3);
    const alGaps = threshold('config.alertsGaps', 'enforcementGapsPerHour', 1);
    const alDeliveries = threshold('config.alertsDeliveries', 'failedDeliveries', 10);
    const alJobs = threshold('config.alertsJobs', 'failedJobsPerHour', 1);
    const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
    // an emptied number field is sent as null, which the API refuses with its reason (never a silent 0)
    const number = (f) => (f.input.value.trim() === '' ? null : Number(f.input.value));
    const form = h('form', {class: 'pf-v5-c-form', novalidate: true, id: 'br-config-form'},
        factors.group, enrol.group, h('div', {class: 'br-row'}, graceDays.group, graceSkips.group), enforcement.group, stepUpNotice.group,
        h('div', {class: 'pf-v5-c-form__group'}, h('div', {class: 'pf-v5-c-form__group-control'}, reminders.el, nudges.el)),
        h('div', {class: 'br-row'}, everyDays.group, passwordAge.group), roles.group, groups.group,
        h('h3', {class: 'pf-v5-c-title pf-m-md', id: 'br-config-signals'}, t('config.signals')),
        h('div', {class: 'pf-v5-c-form__group'}, h('div', {class: 'pf-v5-c-form__group-control'}, pwLogin.el, pwOffline.el, pwClosed.el)),
        h('div', {class: 'br-row'}, pwRange.group, pwMin.group),
        h('div', {class: 'pf-v5-c-form__group'}, h('div', {class: 'pf-v5-c-form__group-control'}, urEmails.el)),
        h('div', {class: 'br-row'}, urContact.group, urDays.group),
        h('h3', {class: 'pf-v5-c-title pf-m-md', id: 'br-config-alerts'}, t('config.alerts')),
        h('div', {class: 'pf-v5-c-form__group'}, h('div', {class: 'pf-v5-c-form__group-control'}, alOn.el, alDigest.el)),
        h('div', {class: 'br-row'}, alContact.group, alHour.group, alInterval.group),
        h('div', {class: 'br-row'}, alReports.group, alGaps.group, alDeliveries.group, alJobs.group),
        ro ? h('p', {class: 'br-explain'}, t('realm.needs', {right: 'manage-realm'})) : h('div', {class: 'pf-v5-c-form__group pf-m-action'},
            h('div', {class: 'pf-v5-c-form__actions'}, h('button', {type: 'submit', class: 'pf-v5-c-button pf-m-primary', id: 'br-config-save'}, t('action.save')),
                button(t('config.alertsRun'), async (e) => {
                    e.preventDefault();
                    try {
                        const r = (await post(ctx.realm, '/alerts/run?digest=true')).body;
                        fill(message, alert(r.failed.length ? 'warning' : 'success', t('config.alertsRan', {sent: r.sent.length, failed: r.failed.length})));
                    } catch (err) {
                        fill(message, alert('danger', t('error.title'), err instanceof ApiError ? err.message : t('error.network')));
                    }
                }, 'secondary', {id: 'br-alerts-run'}))));
    if (ro) {
        form.querySelectorAll('input, select, textarea').forEach((x) => { x.disabled = true; });
    }
    form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const body = {
            allowedFactors: factors.values(),
            grace: {days: Number(graceDays.input.value), skips: Number(graceSkips.input.value)},
            enrolmentFactor: enrol.select.value,
            noticeText: c.noticeText || {},
            remindersEnabled: reminders.input.checked,
            hygiene: {mfaNudges: nudges.input.checked, everyDays: Number(everyDays.input.value), passwordAgeDays: Number(passwordAge.input.value)},
            enforcement: enforcement.select.value,
            stepUpNotice: stepUpNotice.select.value,
            breakGlass: {roles: list(roles.input.value), groups: list(groups.input.value)},
            breachedPasswords: {checkAtLogin: pwLogin.input.checked, rangeApiUrl: pwRange.input.value.trim() || null,
                offlineCorpus: pwOffline.input.checked, minCount: Number(pwMin.input.value), failClosed: pwClosed.input.checked},
            userReports: {securityEmails: urEmails.input.checked, securityContact: urContact.input.value.trim() || null,
                linkDays: Number(urDays.input.value)},
            alerts: {enabled: alOn.input.checked, contact: alContact.input.value.trim() || null, digest: alDigest.input.checked,
                digestHourUtc: number(alHour), intervalMinutes: number(alInterval),
                userReportsPerHour: number(alReports), enforcementGapsPerHour: number(alGaps),
                failedDeliveries: number(alDeliveries), failedJobsPerHour: number(alJobs)}
        };
        try {
            c = (await put(ctx.realm, '/config', {json: body})).body;
            fill(message, alert('success', t('config.saved')));
        } catch (err) {
            fill(message, alert('danger', t('config.failed'), err instanceof ApiError ? err.message : t('error.network')));
        }
    });
    fill(el, message, form);
}

async function renderOutbox(ctx, el) {
    if (!ctx.rights.viewUsers) {
        forbidden(el, 'view-users');
        return;
    }
    let hygiene;
    try {
        hygiene = (await get(ctx.realm, '/hygiene?max=5')).body;
    } catch (e) {
        failed(el, e);
        return;
    }
    const message = h('div', {'aria-live': 'polite'});
    const counts = hygiene.counts || {};
    const walk = hygiene.walk || {};
    const parts = [message, details([
        [t('outbox.hygiene'), hygiene.enabled ? t('common.on') : t('common.off')],
        [t('outbox.walk'), walk.walking ? t('outbox.walking', {pass: walk.pass, walked: walk.walked}) : t('outbox.idle', {pass: walk.pass || 0})],
        [t('outbox.emails'), ['PENDING', 'SENT', 'FAILED', 'CANCELLED'].map((s) => t('outbox.state.' + s) + ' ' + num(counts[s] || 0)).join(' \u00b7 ')]
    ], {id: 'br-hygiene'})];
    if (ctx.rights.manageUsers) {
        const runReminders = button(t('outbox.runReminders'), async () => {
            runReminders.disabled = true;
            try {
                const r = (await post(ctx.realm, '/reminders/run')).body;
                fill(message, alert('success', t('outbox.remindersRan', {queued: r.queued, sent: r.sent, failed: r.failed})));
            } catch (e) {
                fill(message, alert('danger', t('error.title'), e instanceof ApiError ? e.message : t('error.network')));
            } finally {
                runReminders.disabled = false;
            }
        }, 'secondary', {id: 'br-run-reminders'});
        const runHygiene = hygiene.enabled ? button(t('outbox.runHygiene'), async () => {
            runHygiene.disabled = true;
            try {
                const r = (await post(ctx.realm, '/hygiene/run')).body;
                fill(message, alert('success', t('outbox.hygieneRan', {walked: r.walked, queued: r.queued, sent: r.sent})));
            } catch (e) {
                fill(message, alert('danger', t('error.title'), e instanceof ApiError ? e.message : t('error.network')));
            } finally {
                runHygiene.disabled = false;
            }
        }, 'secondary', {id: 'br-run-hygiene'}) : null;
        parts.push(h('div', {class: 'br-actions'}, runReminders, runHygiene));
    }
    fill(el, parts);
}

async function renderLogouts(ctx, el) {
    if (!ctx.rights.viewUsers) {
        forbidden(el, 'view-users');
        return;
    }
    let l;
    try {
        l = (await get(ctx.realm, '/logouts?state=FAILED&max=10')).body;
    } catch (e) {
        failed(el, e);
        return;
    }
    const counts = l.counts || {};
    const owed = (counts.PENDING || 0) + (counts.FAILED || 0);
    const parts = [
        h('p', {id: 'br-logouts-summary'}, owed ? t('logouts.owed', {n: owed, failed: counts.FAILED || 0}) : t('logouts.none')),
        details(['PENDING', 'SENT', 'FAILED', 'CANCELLED'].map((s) => [t('outbox.state.' + s), num(counts[s] || 0)]))
    ];
    if ((l.logouts || []).length) {
        parts.push(table(t('logouts.failedCaption'), [{text: t('logouts.col.client')}, {text: t('logouts.col.attempts')}, {text: t('logouts.col.next')}, {text: t('logouts.col.error')}],
            l.logouts.map((x) => [x.client || '\u2014', num(x.attempts), time(x.nextAttemptAt), x.lastError || ''])));
    }
    fill(el, parts);
}

// the event types an endpoint may subscribe to (WebhookEvent on the server; webhook.test is sent on request only)
const WEBHOOK_EVENTS = ['incident.opened', 'incident.closed', 'flag.created', 'flag.stepped_up', 'flag.remediated', 'flag.dismissed',
    'flag.reopened', 'flag.escalated', 'job.finished', 'password.breached', 'user.reported', 'ssf.applied'];
const DELIVERY_STATES = ['DELIVERED', 'PENDING', 'FAILED', 'DEAD', 'CANCELLED'];

/** The secret of a new or rotated endpoint, shown once: the API never returns it again. */
function secretShown(secret) {
    return alert('warning', t('webhooks.secretOnce'), h('p', {}, h('code', {id: 'br-webhook-secret', class: 'br-secret'}, secret)),
        {id: 'br-webhook-secret-alert'});
}

async function renderWebhooks(ctx, el, notice) {
    if (!ctx.rights.viewRealm) {
        forbidden(el, 'view-realm');
        return;
    }
    let hooks;
    try {
        hooks = (await get(ctx.realm, '/webhooks')).body.webhooks;
        for (const w of hooks) {
            w.counts = (await get(ctx.realm, '/webhooks/' + enc(w.id) + '/deliveries?max=1')).body.counts;
        }
    } catch (e) {
        failed(el, e);
        return;
    }
    const message = h('div', {'aria-live': 'polite'}, notice || null);
    const manage = ctx.rights.manageRealm;
    const again = (n) => renderWebhooks(ctx, el, n);
    const act = async (fn) => {
        try {
            await fn();
        } catch (e) {
            fill(message, alert('danger', t('error.title'), e instanceof ApiError ? e.message : t('error.network')));
        }
    };
    const parts = [message, h('p', {class: 'br-explain'}, t('webhooks.lead'))];
    if (!hooks.length) {
        parts.push(h('p', {id: 'br-webhooks-none'}, t('webhooks.none')));
    } else {
        const columns = [{text: t('webhooks.col.url')}, {text: t('webhooks.col.events')}, {text: t('webhooks.col.status')},
            {text: t('webhooks.col.deliveries')}];
        if (manage) {
            columns.push({text: t('webhooks.col.actions')});
        }
        parts.push(table(t('webhooks.caption'), columns, hooks.map((w) => {
            const row = [
                h('span', {class: 'br-break'}, w.url, w.description ? h('div', {class: 'br-explain'}, w.description) : null),
                w.events.join(', '),
                w.enabled ? t('webhooks.enabled') : t('webhooks.disabled'),
                DELIVERY_STATES.filter((s) => w.counts[s]).map((s) => t('webhooks.state.' + s) + ' ' + num(w.counts[s])).join(' \u00b7 ') || '\u2014'
            ];
            if (manage) {
                row.push(h('div', {class: 'br-actions'},
                    w.enabled ? button(t('webhooks.test'), () => act(async () => {
                        const r = (await post(ctx.realm, '/webhooks/' + enc(w.id) + '/test')).body;
                        await again(alert('success', t('webhooks.tested', {id: r.deliveryId})));
                    }), 'secondary', {'data-webhook': w.id, class: 'pf-v5-c-button pf-m-secondary br-webhook-test'}) : null,
                    w.enabled && w.counts.DEAD ? button(t('webhooks.retry', {n: w.counts.DEAD}), () => act(async () => {
                        const r = (await post(ctx.realm, '/webhooks/' + enc(w.id) + '/deliveries/retry')).body;
                        await again(alert('success', t('webhooks.retried', {n: r.requeued})));
                    }), 'secondary', {class: 'pf-v5-c-button pf-m-secondary br-webhook-retry'}) : null,
                    button(t('webhooks.rotate'), () => modal(t('webhooks.rotate.title'), h('p', {}, t('webhooks.rotate.body')),
                        t('webhooks.rotate'), async () => {
                            const r = (await post(ctx.realm, '/webhooks/' + enc(w.id) + '/secret')).body;
                            await again(secretShown(r.secret));
                        }, 'primary', {confirmId: 'br-webhook-rotate-confirm'}), 'secondary', {class: 'pf-v5-c-button pf-m-secondary br-webhook-rotate'}),
                    button(t('webhooks.delete'), () => modal(t('webhooks.delete.title'), h('p', {}, t('webhooks.delete.body', {url: w.url})),
                        t('webhooks.delete'), async () => {
                            await del(ctx.realm, '/webhooks/' + enc(w.id));
                            await again(alert('success', t('webhooks.deleted')));
                        }, 'danger', {confirmId: 'br-webhook-delete-confirm'}), 'link', {class: 'pf-v5-c-button pf-m-link pf-m-danger br-webhook-delete'})));
            }
            return row;
        }), {id: 'br-webhooks-table'}));
    }
    if (!manage) {
        parts.push(h('p', {class: 'br-explain'}, t('realm.needs', {right: 'manage-realm'})));
        fill(el, parts);
        return;
    }
    const url = textField(t('webhooks.url'), {type: 'url', id: 'br-webhook-url', required: true, placeholder: 'https://'}, t('webhooks.url.help'));
    const events = checkGroup(t('webhooks.events'), WEBHOOK_EVENTS.map((e) => [e, e]), ['flag.created', 'flag.remediated', 'job.finished'],
        {idPrefix: 'br-webhook-event-'});
    const email = checkbox(t('webhooks.includeEmail'), false, {id: 'br-webhook-email'});
    const description = textField(t('webhooks.description'), {id: 'br-webhook-description', maxlength: '255'});
    const form = h('form', {class: 'pf-v5-c-form', novalidate: true, id: 'br-webhook-form'},
        h('h3', {class: 'pf-v5-c-title pf-m-md'}, t('webhooks.add')), url.group, events.group,
        h('div', {class: 'pf-v5-c-form__group'}, h('div', {class: 'pf-v5-c-form__group-control'}, email.el)), description.group,
        h('div', {class: 'pf-v5-c-form__group pf-m-action'}, h('div', {class: 'pf-v5-c-form__actions'},
            h('button', {type: 'submit', class: 'pf-v5-c-button pf-m-primary', id: 'br-webhook-add'}, t('webhooks.add')))));
    form.addEventListener('submit', (e) => {
        e.preventDefault();
        act(async () => {
            const body = {url: url.input.value.trim(), events: events.values(), includeEmail: email.input.checked};
            if (description.input.value.trim()) {
                body.description = description.input.value.trim();
            }
            const r = (await post(ctx.realm, '/webhooks', {json: body})).body;
            await again(secretShown(r.secret));
        });
    });
    parts.push(form);
    fill(el, parts);
}

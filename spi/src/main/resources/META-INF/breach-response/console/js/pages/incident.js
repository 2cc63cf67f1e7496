// One incident: what it is, its policy, the MFA-adoption funnel (flagged → stepped up → remediated; dismissed) as
// figures from GET /stats and as a chart over time from GET /stats/daily (hidden where the server has no such
// endpoint), and the actions edit and close.

import {get, put, enc, ApiError} from '../api.js';
import {h, fill, setWidth} from '../dom.js';
import {t, num, percent, time} from '../i18n.js';
import {alert, button, card, details, modal, stateLabel} from '../format.js';
import {funnelChart} from '../chart.js';

/** The tabs of an incident's pages; current: overview | load | flags. */
export function tabs(incident, current, rights) {
    const items = [['overview', '#/incident/' + enc(incident.id)], ['flags', '#/incident/' + enc(incident.id) + '/flags']];
    if (rights.manageUsers && incident.status === 'OPEN') {
        items.splice(1, 0, ['load', '#/incident/' + enc(incident.id) + '/load']);
    }
    return h('nav', {class: 'pf-v5-c-tabs br-tabs', 'aria-label': t('incident.tabs')},
        h('ul', {class: 'pf-v5-c-tabs__list', role: 'list'}, items.map(([key, href]) =>
            h('li', {class: 'pf-v5-c-tabs__item' + (key === current ? ' pf-m-current' : '')},
                h('a', {class: 'pf-v5-c-tabs__link', href, id: 'br-tab-' + key, 'aria-current': key === current ? 'page' : null},
                    h('span', {class: 'pf-v5-c-tabs__item-text'}, t('incident.tab.' + key)))))));
}

/** The page heading of an incident: title (as text), status, tabs. */
export function incidentHeading(ctx, incident, current) {
    return h('section', {class: 'pf-v5-c-page__main-section pf-m-light br-incident-head'},
        h('div', {class: 'br-title-row'},
            h('h1', {class: 'pf-v5-c-title pf-m-2xl', id: 'br-page-title'}, incident.title),
            stateLabel(incident.status)),
        h('p', {class: 'br-lead'}, t('incident.idLine', {id: incident.id})),
        tabs(incident, current, ctx.rights));
}

export async function render(ctx, incidentId) {
    const [incidentReply, statsReply] = await Promise.all([
        get(ctx.realm, '/incidents/' + enc(incidentId)),
        get(ctx.realm, '/incidents/' + enc(incidentId) + '/stats')]);
    if (!ctx.current()) {
        return;
    }
    const incident = incidentReply.body;
    const stats = statsReply.body;
    const body = h('section', {class: 'pf-v5-c-page__main-section br-stack'});
    const message = h('div', {'aria-live': 'polite'});
    body.appendChild(message);
    if (ctx.rights.manageUsers && incident.status === 'OPEN') {
        body.appendChild(h('div', {class: 'br-actions'},
            button(t('incident.edit.button'), () => ctx.go('#/incident/' + enc(incident.id) + '/edit'), 'secondary', {id: 'br-edit-incident'}),
            button(t('incident.close.button'), () => closeIncident(ctx, incident, message), 'danger', {id: 'br-close-incident'})));
    }
    body.appendChild(card(t('funnel.title'), funnel(stats), {id: 'br-funnel'}));
    const chartBody = h('div', {class: 'br-chart-box', id: 'br-chart'});
    const chartCard = card(t('chart.title'), chartBody, {id: 'br-chart-card'});
    body.appendChild(chartCard);
    body.appendChild(card(t('incident.about'), about(incident), {id: 'br-about'}));
    fill(ctx.main, incidentHeading(ctx, incident, 'overview'), body);
    try {
        const daily = await get(ctx.realm, '/incidents/' + enc(incident.id) + '/stats/daily', {accept: [404, 405]});
        if (!ctx.current()) {
            return;
        }
        if (daily.status === 404 || daily.status === 405 || !daily.body || !daily.body.days) {
            chartCard.remove();
        } else if (!(daily.body.cumulative || []).some((d) => d.flagged > 0) || !funnelChart(chartBody, daily.body)) {
            chartBody.appendChild(h('p', {}, t('chart.empty')));
        }
    } catch (e) {
        chartBody.appendChild(alert('warning', t('chart.failed'), e.message));
    }
}

function funnel(stats) {
    const total = stats.flagged || 0;
    const rows = [
        ['flagged', total, 100],
        ['steppedUp', stats.steppedUp.count, stats.steppedUp.percent],
        ['remediated', stats.remediated.count, stats.remediated.percent],
        ['dismissed', stats.dismissed.count, stats.dismissed.percent]
    ];
    const list = h('ul', {class: 'br-funnel', role: 'list'}, rows.map(([key, count, pct]) => {
        const fill = h('span', {class: 'br-funnel-fill br-funnel-' + key});
        setWidth(fill, total ? pct : 0);
        return h('li', {class: 'br-funnel-row'},
            h('span', {class: 'br-funnel-label'}, t('funnel.' + key)),
            h('span', {class: 'br-funnel-bar', 'aria-hidden': 'true'}, fill),
            h('span', {class: 'br-funnel-figure', id: 'br-funnel-' + key}, num(count)),
            h('span', {class: 'br-funnel-percent'}, total ? percent(pct) : ''));
    }));
    const open = stats.open ? stats.open.count : 0;
    return [
        total ? null : h('p', {class: 'br-explain', id: 'br-funnel-empty'}, t('funnel.empty')),
        list,
        h('p', {class: 'br-explain'}, t('funnel.open', {open})),
        stats.enforcement === 'report-only' ? alert('info', t('funnel.reportOnly', {n: stats.observed ? stats.observed.flags : 0})) : null
    ];
}

function about(incident) {
    const p = incident.policy || {};
    const yes = (b) => b ? t('common.yes') : t('common.no');
    return details([
        [t('incident.exposed'), (incident.exposedData || []).map((d) => t('exposed.' + d)).join(', ')],
        [t('incident.description'), incident.description || '\u2014'],
        [t('policy.enforcement'), p.enforcement === 'report-only' ? t('policy.enforcement.reportOnly') : t('policy.enforcement.enforce')],
        [t('policy.requireMfa'), yes(p.requireMfa)],
        [t('policy.requirePasswordChange'), yes(p.requirePasswordChange)],
        [t('policy.allowedFactors'), (p.allowedFactors || []).map((f) => t('factor.' + f)).join(', ')],
        [t('policy.graceDays'), p.grace ? t('policy.graceValue', {days: p.grace.days, skips: p.grace.skips}) : '\u2014'],
        [t('policy.reminders'), p.reminders && p.reminders.enabled ? (p.reminders.afterDays || []).join(', ') : t('common.no')],
        [t('policy.deadlineDays'), String(p.deadlineDays)],
        [t('incident.created'), time(incident.createdAt)],
        [t('incident.closed'), time(incident.closedAt)]
    ]);
}

function closeIncident(ctx, incident, message) {
    modal(t('incident.close.title'), h('p', {}, t('incident.close.body')), t('incident.close.button'), async () => {
        try {
            await put(ctx.realm, '/incidents/' + enc(incident.id), {json: {status: 'CLOSED'}});
        } catch (e) {
            throw new Error(e instanceof ApiError ? e.message : t('error.network'));
        }
        fill(message, alert('success', t('incident.close.done')));
        ctx.go('#/incident/' + enc(incident.id) + '?closed=' + Date.now());
    }, 'danger', {confirmId: 'br-close-confirm'});
}

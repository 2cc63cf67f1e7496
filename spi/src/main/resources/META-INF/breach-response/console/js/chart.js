// The funnel over time: uPlot (a small canvas chart library, webjar org.webjars.npm:uplot) drawing the cumulative
// series of GET /incidents/{id}/stats/daily, one line per state, days on the x axis.

import uPlot from '../vendor/uPlot.esm.js';
import {h} from './dom.js';
import {t, num, language} from './i18n.js';

const SERIES = [
    ['flagged', '#c9190b'],
    ['steppedUp', '#f0ab00'],
    ['remediated', '#3e8635'],
    ['dismissed', '#6a6e73']
];

/**
 * Draws into container; returns the uPlot instance (or null for no days). daily: the API's answer; its
 * "cumulative" holds running totals per day.
 */
export function funnelChart(container, daily) {
    const days = (daily.cumulative || daily.days || []);
    if (!days.length) {
        return null;
    }
    const xs = days.map((d) => Date.parse(d.day + 'T00:00:00Z') / 1000);
    const data = [xs].concat(SERIES.map(([key]) => days.map((d) => d[key] || 0)));
    const dayFormat = new Intl.DateTimeFormat(language(), {month: 'short', day: 'numeric', timeZone: 'UTC'});
    const width = Math.max(320, Math.min(1100, container.clientWidth || 800));
    const opts = {
        width,
        height: 280,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        // at least a week on the x axis (one day alone would make uPlot span years), headroom above the top line
        scales: {
            x: {time: true, range: () => [xs[0] - 43200, Math.max(xs[xs.length - 1], xs[0] + 6 * 86400) + 43200]},
            y: {range: (u, min, max) => [0, Math.max(1, Math.ceil(max * 1.1))]}
        },
        // ticks on whole UTC days (1, 2, 7, 30, 90 days apart), labelled as dates in the page's language
        axes: [{
            incrs: [86400, 2 * 86400, 7 * 86400, 30 * 86400, 90 * 86400],
            values: (u, vals) => vals.map((v) => dayFormat.format(new Date(v * 1000)))
        }, {
            // whole users only
            incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1000000],
            values: (u, vals) => vals.map((v) => num(v))
        }],
        series: [{label: t('chart.day')}].concat(SERIES.map(([key, color]) => ({
            label: t('funnel.' + key),
            stroke: color,
            width: 2,
            points: {show: days.length <= 31, size: 6},
            value: (u, v) => v === null || v === undefined ? '\u2014' : num(v)
        })))
    };
    const last = days[days.length - 1];
    const summary = t('chart.summary', {
        days: days.length,
        flagged: last.flagged || 0,
        steppedUp: last.steppedUp || 0,
        remediated: last.remediated || 0,
        dismissed: last.dismissed || 0
    });
    const figure = h('figure', {class: 'br-chart', role: 'img', 'aria-label': summary});
    container.appendChild(figure);
    container.appendChild(h('p', {class: 'pf-v5-screen-reader'}, summary));
    return new uPlot(opts, data, figure);
}

// Load the vendor's list: drop (or choose) a CSV, NDJSON or JSON file; larger files are split into parts within
// the API's caps; every part goes first as a dry run (preview: counts per outcome, the first rows not found or
// ambiguous), then, once confirmed, for real, with a progress bar over the jobs (GET /jobs/{id}) and the rows
// that were not flagged to download as CSV. Each part's Idempotency-Key derives from its SHA-256, so loading the
// same file twice returns the same jobs.

import {get, post, enc, ApiError} from '../api.js';
import {h, fill, download} from '../dom.js';
import {t, num} from '../i18n.js';
import {alert, button, card, emptyState, progress, table} from '../format.js';
import {CONTENT_TYPES, idempotencyKey, kindOf, sha256Hex, split} from '../split.js';
import {csv} from '../csv.js';
import {incidentHeading} from './incident.js';

const FINISHED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const SAMPLE = 10;

export async function render(ctx, incidentId) {
    const incident = (await get(ctx.realm, '/incidents/' + enc(incidentId))).body;
    if (!ctx.current()) {
        return;
    }
    const body = h('section', {class: 'pf-v5-c-page__main-section br-stack'});
    fill(ctx.main, incidentHeading(ctx, incident, 'load'), body);
    if (!ctx.rights.manageUsers || incident.status !== 'OPEN') {
        body.appendChild(emptyState(t('load.notAllowed.title'),
            incident.status !== 'OPEN' ? t('load.closed') : t('load.notAllowed.body')));
        return;
    }
    const area = h('div', {class: 'br-stack', id: 'br-load-area'});
    body.appendChild(card(t('load.title'), [h('p', {class: 'br-lead'}, t('load.lead', {
        subjects: ctx.rights.limits.maxSubjects, megabytes: Math.floor(ctx.rights.limits.maxBodyBytes / 100000) / 10
    })), dropZone((file) => chosen(ctx, incident, file, area))], {id: 'br-load'}));
    body.appendChild(area);
}

function dropZone(onFile) {
    const input = h('input', {type: 'file', id: 'br-file', class: 'br-file-input', accept: '.csv,.txt,.ndjson,.jsonl,.json,text/csv,application/json'});
    input.addEventListener('change', () => {
        if (input.files && input.files[0]) {
            onFile(input.files[0]);
            input.value = '';
        }
    });
    const zone = h('div', {class: 'br-dropzone', id: 'br-dropzone'},
        h('p', {class: 'br-dropzone-title'}, t('load.drop')),
        h('p', {}, t('load.or')),
        h('label', {class: 'pf-v5-c-button pf-m-secondary br-file-label', htmlFor: 'br-file'}, t('load.choose')),
        input,
        h('p', {class: 'br-explain'}, t('load.formats')));
    zone.addEventListener('dragover', (e) => {
        e.preventDefault();
        zone.classList.add('br-drag-over');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('br-drag-over'));
    zone.addEventListener('drop', (e) => {
        e.preventDefault();
        zone.classList.remove('br-drag-over');
        if (e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0]) {
            onFile(e.dataTransfer.files[0]);
        }
    });
    return zone;
}

async function chosen(ctx, incident, file, area) {
    const status = h('div', {'aria-live': 'polite'});
    fill(area, status);
    let plan;
    try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        const text = new TextDecoder('utf-8').decode(bytes);
        const kind = kindOf(file.name, text);
        plan = split(text, bytes, kind, ctx.rights.limits);
        for (const part of plan.parts) {
            part.hash = await sha256Hex(part.bytes);
        }
    } catch (e) {
        fill(status, alert('danger', t('load.unreadable'), t(e.message && e.message.startsWith('upload.') ? e.message : 'upload.error.read')));
        return;
    }
    fill(status, alert('info', t('load.file', {name: file.name, subjects: plan.subjects, parts: plan.parts.length}), null, {id: 'br-load-file'}));
    const bar = progress(t('load.checking'), {id: 'br-dry-progress'});
    area.appendChild(bar.el);
    let dry;
    try {
        dry = await runParts(ctx, incident, plan, true, bar);
    } catch (e) {
        area.appendChild(alert('danger', t('load.failed'), e instanceof ApiError ? e.message : String(e.message || e)));
        return;
    }
    bar.finish('success');
    area.appendChild(await preview(ctx, incident, plan, dry, area));
}

/** Posts every part (dry run or not), then follows the jobs until they end; answers the finished jobs. */
async function runParts(ctx, incident, plan, dryRun, bar) {
    const jobs = [];
    for (let i = 0; i < plan.parts.length; i++) {
        const part = plan.parts[i];
        bar.set(0, 1, t(dryRun ? 'load.sendingDry' : 'load.sending', {part: i + 1, parts: plan.parts.length}));
        const r = await post(ctx.realm, '/incidents/' + enc(incident.id) + '/flags' + (dryRun ? '?dryRun=true' : ''), {
            body: part.bytes,
            headers: {'Content-Type': CONTENT_TYPES[plan.kind], 'Idempotency-Key': idempotencyKey(incident.id, part.hash, dryRun)}
        });
        jobs.push(r.body);
    }
    return follow(ctx, jobs, (done, total) => bar.set(done, total,
        t(dryRun ? 'load.checkingCount' : 'load.flaggingCount', {done, total})));
}

async function follow(ctx, jobs, onProgress) {
    let current = jobs;
    for (;;) {
        const done = current.reduce((a, j) => a + (j.processed || 0), 0);
        const total = current.reduce((a, j) => a + (j.counts ? j.counts.submitted : 0), 0);
        onProgress(done, total);
        if (current.every((j) => FINISHED.includes(j.state))) {
            return current;
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
        current = await Promise.all(current.map((j) => FINISHED.includes(j.state) ? j
            : get(ctx.realm, '/jobs/' + enc(j.id)).then((r) => r.body)));
    }
}

function sum(jobs, key) {
    return jobs.reduce((a, j) => a + (j.counts ? j.counts[key] || 0 : 0), 0);
}

/** The first n items of one outcome across the jobs. */
async function firstItems(ctx, jobs, outcome, n) {
    const out = [];
    for (const j of jobs) {
        if (out.length >= n) {
            break;
        }
        const r = await get(ctx.realm, '/jobs/' + enc(j.id) + '/items?outcome=' + outcome + '&max=' + (n - out.length));
        out.push(...(r.body || []));
    }
    return out;
}

function countsTable(jobs, idPrefix, dryRun) {
    const keys = ['flagged', 'alreadyFlagged', 'notFound', 'ambiguous', 'invalid'];
    return h('dl', {class: 'br-counts'}, keys.map((k) => h('div', {class: 'br-count'},
        h('dt', {}, t(dryRun && k === 'flagged' ? 'outcome.wouldFlag' : 'outcome.' + k)),
        h('dd', {id: idPrefix + k}, num(sum(jobs, k))))));
}

async function preview(ctx, incident, plan, dry, area) {
    const failed = dry.filter((j) => j.state !== 'SUCCEEDED');
    const notFound = await firstItems(ctx, dry, 'NOT_FOUND', SAMPLE);
    const ambiguous = await firstItems(ctx, dry, 'AMBIGUOUS', SAMPLE);
    const ignored = [...new Set(dry.flatMap((j) => j.ignoredColumns || []))];
    const itemRows = (items) => items.map((i) => [i.subject || '', t('subject.' + (i.subjectType || 'unknown')), i.detail || '']);
    const cols = [{text: t('item.subject')}, {text: t('item.type')}, {text: t('item.detail')}];
    const toFlag = sum(dry, 'flagged');
    const result = h('div', {class: 'br-stack', id: 'br-result'});
    const confirm = button(t('load.confirm', {n: toFlag}), async () => {
        confirm.disabled = true;
        again.disabled = true;
        await flagForReal(ctx, incident, plan, result);
    }, 'primary', {id: 'br-confirm', disabled: toFlag === 0 || failed.length > 0});
    const again = button(t('load.another'), () => ctx.go('#/incident/' + enc(incident.id) + '/load?again=' + Date.now()), 'link');
    return card(t('load.preview'), [
        failed.length ? alert('danger', t('load.dryFailed'), failed.map((j) => j.error).filter(Boolean).join(' ')) : null,
        countsTable(dry, 'br-preview-', true),
        ignored.length ? h('p', {class: 'br-explain'}, t('load.ignored', {columns: ignored.join(', ')})) : null,
        notFound.length ? [h('h3', {class: 'pf-v5-c-title pf-m-md'}, t('load.firstNotFound')),
            table(t('load.firstNotFound'), cols, itemRows(notFound), {id: 'br-preview-notfound-rows'})] : null,
        ambiguous.length ? [h('h3', {class: 'pf-v5-c-title pf-m-md'}, t('load.firstAmbiguous')),
            table(t('load.firstAmbiguous'), cols, itemRows(ambiguous), {id: 'br-preview-ambiguous-rows'})] : null,
        toFlag === 0 ? h('p', {class: 'br-explain'}, t('load.nothingToFlag')) : null,
        h('div', {class: 'br-actions'}, confirm, again),
        result
    ], {id: 'br-preview'});
}

async function flagForReal(ctx, incident, plan, result) {
    const bar = progress(t('load.flagging'), {id: 'br-progress'});
    fill(result, bar.el);
    let jobs;
    try {
        jobs = await runParts(ctx, incident, plan, false, bar);
    } catch (e) {
        bar.finish('danger');
        result.appendChild(alert('danger', t('load.failed'), e instanceof ApiError ? e.message : String(e.message || e)));
        return;
    }
    const ok = jobs.every((j) => j.state === 'SUCCEEDED');
    bar.finish(ok ? 'success' : 'danger');
    result.appendChild(alert(ok ? 'success' : 'danger', ok ? t('load.done', {n: sum(jobs, 'flagged')}) : t('load.partly'),
        ok ? null : jobs.map((j) => j.error).filter(Boolean).join(' '), {id: 'br-load-done'}));
    result.appendChild(countsTable(jobs, 'br-result-', false));
    const misses = sum(jobs, 'notFound') + sum(jobs, 'ambiguous') + sum(jobs, 'invalid');
    result.appendChild(h('div', {class: 'br-actions'},
        misses ? button(t('load.downloadMisses', {n: misses}), () => downloadMisses(ctx, incident, jobs), 'secondary', {id: 'br-download-misses'}) : null,
        h('a', {class: 'pf-v5-c-button pf-m-link', href: '#/incident/' + enc(incident.id)}, t('load.seeFunnel')),
        h('a', {class: 'pf-v5-c-button pf-m-link', href: '#/incident/' + enc(incident.id) + '/flags'}, t('load.seeWho'))));
}

/** The NOT_FOUND, AMBIGUOUS and INVALID rows of the jobs as one CSV file (paged reads of GET /jobs/{id}/items). */
async function downloadMisses(ctx, incident, jobs) {
    const rows = [];
    for (const outcome of ['NOT_FOUND', 'AMBIGUOUS', 'INVALID']) {
        for (const j of jobs) {
            for (let first = 0; ; first += 1000) {
                const r = await get(ctx.realm, '/jobs/' + enc(j.id) + '/items?outcome=' + outcome + '&first=' + first + '&max=1000');
                const items = r.body || [];
                items.forEach((i) => rows.push([i.subjectType, i.subject, i.outcome, i.detail]));
                if (items.length < 1000) {
                    break;
                }
            }
        }
    }
    download(new Blob([csv(['subjectType', 'subject', 'outcome', 'detail'], rows)], {type: 'text/csv;charset=utf-8'}),
        incident.id + '-not-flagged.csv');
}

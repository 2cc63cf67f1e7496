// PatternFly 5 building blocks (the classes of Keycloak's admin console) made with dom.h, so every page looks
// the same and every control has a label.

import {h, uid} from './dom.js';
import {t} from './i18n.js';

export function button(text, onClick, variant = 'secondary', attrs = {}) {
    return h('button', Object.assign({type: 'button', class: 'pf-v5-c-button pf-m-' + variant, on: {click: onClick}}, attrs), text);
}

export function title(text, level = 'h1', size = '2xl', attrs = {}) {
    return h(level, Object.assign({class: 'pf-v5-c-title pf-m-' + size}, attrs), text);
}

export function alert(variant, titleText, body, attrs = {}) {
    return h('div', Object.assign({class: 'pf-v5-c-alert pf-m-inline pf-m-' + variant, role: variant === 'danger' ? 'alert' : 'status'}, attrs),
        h('p', {class: 'pf-v5-c-alert__title'}, h('span', {class: 'pf-v5-screen-reader'}, t('alert.' + variant) + ': '), titleText),
        body ? h('div', {class: 'pf-v5-c-alert__description'}, body) : null);
}

export function card(titleText, children, attrs = {}) {
    const id = uid('card');
    return h('section', Object.assign({class: 'pf-v5-c-card br-card', 'aria-labelledby': id}, attrs),
        h('div', {class: 'pf-v5-c-card__title'}, h('h2', {class: 'pf-v5-c-card__title-text', id}, titleText)),
        h('div', {class: 'pf-v5-c-card__body'}, children));
}

export function emptyState(titleText, bodyText, action, attrs = {}) {
    return h('div', Object.assign({class: 'pf-v5-c-empty-state'}, attrs),
        h('div', {class: 'pf-v5-c-empty-state__content'},
            h('div', {class: 'pf-v5-c-empty-state__header'},
                h('div', {class: 'pf-v5-c-empty-state__title'}, h('h2', {class: 'pf-v5-c-empty-state__title-text'}, titleText))),
            bodyText ? h('div', {class: 'pf-v5-c-empty-state__body'}, bodyText) : null,
            action ? h('div', {class: 'pf-v5-c-empty-state__footer'}, action) : null));
}

export function stateLabel(state) {
    const colors = {FLAGGED: 'red', STEPPED_UP: 'orange', REMEDIATED: 'green', DISMISSED: 'grey', OPEN: 'blue', CLOSED: 'grey'};
    return h('span', {class: 'pf-v5-c-label pf-m-' + (colors[state] || 'grey')},
        h('span', {class: 'pf-v5-c-label__content'}, h('span', {class: 'pf-v5-c-label__text'}, t('state.' + state))));
}

/** A labelled text field: {group, input}. */
export function textField(labelText, attrs = {}, help) {
    const id = attrs.id || uid('field');
    const helpId = help ? id + '-help' : null;
    const input = h(attrs.rows ? 'textarea' : 'input', Object.assign({type: attrs.rows ? undefined : 'text', id, 'aria-describedby': helpId}, attrs));
    const group = h('div', {class: 'pf-v5-c-form__group'},
        h('div', {class: 'pf-v5-c-form__group-label'},
            h('label', {class: 'pf-v5-c-form__label', htmlFor: id}, h('span', {class: 'pf-v5-c-form__label-text'}, labelText),
                attrs.required ? h('span', {class: 'pf-v5-c-form__label-required', 'aria-hidden': 'true'}, ' *') : null)),
        h('div', {class: 'pf-v5-c-form__group-control'},
            h('span', {class: 'pf-v5-c-form-control' + (attrs.rows ? ' pf-m-textarea' : '')}, input),
            help ? helper(help, helpId) : null));
    return {group, input};
}

export function helper(text, id) {
    return h('div', {class: 'pf-v5-c-form__helper-text', id},
        h('div', {class: 'pf-v5-c-helper-text'}, h('div', {class: 'pf-v5-c-helper-text__item'},
            h('span', {class: 'pf-v5-c-helper-text__item-text'}, text))));
}

export function checkbox(labelText, checked, attrs = {}) {
    const id = attrs.id || uid('check');
    const input = h('input', Object.assign({class: 'pf-v5-c-check__input', type: 'checkbox', id, checked}, attrs));
    const el = h('div', {class: 'pf-v5-c-check'}, input, h('label', {class: 'pf-v5-c-check__label', htmlFor: id}, labelText));
    return {el, input};
}

/** A labelled select of [value, text] options: {group, select}. */
export function selectField(labelText, options, value, attrs = {}) {
    const id = attrs.id || uid('select');
    const select = h('select', Object.assign({id}, attrs),
        options.map(([v, text]) => h('option', {value: v, selected: v === value}, text)));
    const group = h('div', {class: 'pf-v5-c-form__group'},
        h('div', {class: 'pf-v5-c-form__group-label'},
            h('label', {class: 'pf-v5-c-form__label', htmlFor: id}, h('span', {class: 'pf-v5-c-form__label-text'}, labelText))),
        h('div', {class: 'pf-v5-c-form__group-control'}, h('span', {class: 'pf-v5-c-form-control'}, select)));
    return {group, select};
}

/** A fieldset of checkboxes, one per [value, text]; returns {group, values()}. */
export function checkGroup(legend, options, selected, attrs = {}) {
    const boxes = options.map(([v, text]) => checkbox(text, selected.includes(v), {value: v, id: attrs.idPrefix ? attrs.idPrefix + v : undefined}));
    const group = h('fieldset', {class: 'pf-v5-c-form__group br-fieldset', role: 'group'},
        h('legend', {class: 'pf-v5-c-form__label'}, h('span', {class: 'pf-v5-c-form__label-text'}, legend)),
        h('div', {class: 'pf-v5-c-form__group-control pf-m-inline'}, boxes.map((b) => b.el)));
    return {group, boxes, values: () => boxes.filter((b) => b.input.checked).map((b) => b.input.value)};
}

/** A table: columns [{key, text}], rows of cells (nodes or text). */
export function table(caption, columns, rows, attrs = {}) {
    return h('table', Object.assign({class: 'pf-v5-c-table pf-m-grid-md pf-m-compact'}, attrs),
        h('caption', {class: 'pf-v5-screen-reader'}, caption),
        h('thead', {class: 'pf-v5-c-table__thead'}, h('tr', {class: 'pf-v5-c-table__tr'},
            columns.map((c) => h('th', {class: 'pf-v5-c-table__th', scope: 'col'}, c.text)))),
        h('tbody', {class: 'pf-v5-c-table__tbody'}, rows.map((cells) => h('tr', {class: 'pf-v5-c-table__tr'},
            cells.map((cellValue, i) => h('td', {class: 'pf-v5-c-table__td', 'data-label': columns[i].text}, cellValue))))));
}

/** A horizontal description list of [term, value] pairs. */
export function details(pairs, attrs = {}) {
    return h('dl', Object.assign({class: 'pf-v5-c-description-list pf-m-horizontal pf-m-compact'}, attrs),
        pairs.map(([term, value]) => h('div', {class: 'pf-v5-c-description-list__group'},
            h('dt', {class: 'pf-v5-c-description-list__term'}, h('span', {class: 'pf-v5-c-description-list__text'}, term)),
            h('dd', {class: 'pf-v5-c-description-list__description'}, h('div', {class: 'pf-v5-c-description-list__text'}, value)))));
}

/** A progress bar: {el, set(done, total, text)}; the fill's width is set through CSSOM, not a style attribute. */
export function progress(labelText, attrs = {}) {
    const id = attrs.id || uid('progress');
    const measure = h('span', {class: 'pf-v5-c-progress__measure'}, '0\u00a0%');
    const indicator = h('div', {class: 'pf-v5-c-progress__indicator'});
    const bar = h('div', {class: 'pf-v5-c-progress__bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100',
        'aria-valuenow': '0', 'aria-labelledby': id + '-label', id}, indicator);
    const description = h('div', {class: 'pf-v5-c-progress__description', id: id + '-label'}, labelText);
    const el = h('div', {class: 'pf-v5-c-progress'}, description,
        h('div', {class: 'pf-v5-c-progress__status', 'aria-hidden': 'true'}, measure), bar);
    return {
        el,
        set(done, total, text) {
            const p = total > 0 ? Math.floor(done * 100 / total) : 0;
            indicator.style.width = p + '%';
            bar.setAttribute('aria-valuenow', String(p));
            bar.setAttribute('aria-valuetext', text || (p + ' %'));
            measure.textContent = p + '\u00a0%';
            if (text) {
                description.textContent = text;
            }
        },
        finish(variant) {
            el.classList.add('pf-m-' + variant);
        }
    };
}

/**
 * A modal dialog (PatternFly modal box): focus moves into it and back, Escape cancels, Tab stays inside.
 * onConfirm may throw an Error whose message is shown in the dialog; it stays open then.
 */
export function modal(titleText, body, confirmText, onConfirm, variant = 'primary', attrs = {}) {
    const opener = document.activeElement;
    const id = uid('modal');
    const message = h('div', {class: 'br-modal-message', 'aria-live': 'polite'});
    const confirm = button(confirmText, async () => {
        confirm.disabled = true;
        try {
            await onConfirm();
            close();
        } catch (e) {
            message.replaceChildren(alert('danger', e.message || String(e)));
            confirm.disabled = false;
        }
    }, variant, {id: attrs.confirmId});
    const cancel = button(t('action.cancel'), () => close(), 'link');
    const box = h('div', {class: 'pf-v5-c-modal-box pf-m-sm', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': id},
        h('header', {class: 'pf-v5-c-modal-box__header'}, h('h1', {class: 'pf-v5-c-modal-box__title', id}, titleText)),
        h('div', {class: 'pf-v5-c-modal-box__body'}, body, message),
        h('footer', {class: 'pf-v5-c-modal-box__footer'}, confirm, cancel));
    const backdrop = h('div', {class: 'pf-v5-c-backdrop'}, h('div', {class: 'pf-v5-l-bullseye'}, box));
    const keys = (e) => {
        if (e.key === 'Escape') {
            close();
        } else if (e.key === 'Tab') {
            const focusable = [...box.querySelectorAll('button, input, textarea, select, a[href]')].filter((x) => !x.disabled);
            const first = focusable[0];
            const last = focusable[focusable.length - 1];
            if (e.shiftKey && document.activeElement === first) {
                e.preventDefault();
                last.focus();
            } else if (!e.shiftKey && document.activeElement === last) {
                e.preventDefault();
                first.focus();
            }
        }
    };
    function close() {
        document.removeEventListener('keydown', keys);
        backdrop.remove();
        if (opener && opener.focus) {
            opener.focus();
        }
    }
    document.addEventListener('keydown', keys);
    document.body.appendChild(backdrop);
    const firstField = box.querySelector('input, textarea, select') || confirm;
    firstField.focus();
    return {close, box};
}

// Turns anything a request can throw into one sentence in the user's language. The server
// answers stable codes (`error.code`, and a `code` with `params` per field problem); this is
// the one place they become words, so no screen ever shows the server's English. An unknown
// code shows a generic sentence (in English the server's own message, as a last resort).
// This module imports nothing from api.ts at run time (api.ts calls it when it throws).
import { currentLang } from './i18n';
import { en, zh, type ErrorTable } from './msgs/errors';
import type { ErrorBody, FieldProblem, RowError } from './types';

// What these functions read: the API's shapes (contract A), with only what places a
// problem required (a problem's field, a row's row and column, an error's code), since
// refusals kept on a phone by older versions of the app may lack the rest.

/** One field problem (`FieldProblemBody`). */
export type ProblemBody = Pick<FieldProblem, 'field'> & Partial<FieldProblem>;

/** A spreadsheet import's refused row (`RowError`). */
export type RowProblemBody = Pick<RowError, 'row' | 'column'> & Partial<RowError>;

/** The `error` object of an error answer (`ErrorBody.error`). */
export type ApiErrorBody = Pick<ErrorBody['error'], 'code'> &
  Partial<Pick<ErrorBody['error'], 'message'>> & { fields?: ProblemBody[] };

function table(): ErrorTable {
  return currentLang() === 'zh-CN' ? zh : en;
}

/** Codes whose meaning is entirely in their field problems. */
const FIELD_CODES = new Set(['validation_failed', 'bad_request', 'conflict']);
/** Codes whose sentence is completed by the field problems. */
const WITH_FIELDS = new Set(['bad_header', 'checkout_requirements_unmet']);

/** The name people know a field by: the last part of a path such as `contacts[2].phone`;
 *  a spreadsheet column heading (the user's own words) is kept as it is. */
export function fieldLabel(field: string): string | null {
  const m = table();
  const last = field.split('.').pop()!.replace(/\[\d+\]/g, '');
  if (last in m.field) return m.field[last];
  if (field in m.field) return m.field[field];
  // The user's own column heading, e.g. 客户名称 or "Store name".
  if (/[^\x00-\x7f]/.test(field) || /\s/.test(field)) return field;
  // An internal key: words in English, nothing rather than a raw key in Chinese.
  return currentLang() === 'zh-CN' ? null : last.replace(/_/g, ' ');
}

function fill(text: string, params: Record<string, unknown>): string {
  const m = table();
  return text.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    switch (k) {
      case 'expected':
        return m.format[String(v)] ?? m.format.json;
      case 'unit':
        return m.unit[String(v ?? '')] ?? '';
      case 'other':
        return fieldLabel(String(v)) ?? '';
      case 'fields':
        return (Array.isArray(v) ? v : [])
          .map((f) => fieldLabel(String(f)) ?? String(f))
          .join(m.join.or);
      case 'allowed':
        return (Array.isArray(v) ? v : []).map(String).join(m.join.and);
      default:
        return v === undefined || v === null ? '' : String(v);
    }
  });
}

/** The problem alone, without the field: "最多 200 个字符" / "must be at most 200 characters". */
export function problemPhrase(p: { code?: string; problem?: string; params?: Record<string, unknown> }): string {
  const m = table();
  const text = p.code ? m.problem[p.code] : undefined;
  if (text) return fill(text, p.params ?? {});
  if (currentLang() !== 'zh-CN' && p.problem) return p.problem;
  return m.genericProblem;
}

/** One field problem as a sentence naming the field: "名称最多 200 个字符". */
export function problemText(p: ProblemBody): string {
  const label = fieldLabel(p.field);
  const phrase = problemPhrase(p);
  return label ? `${label}${table().join.field}${phrase}` : phrase;
}

/** An import row's problem: "第 3 行：级别只能是：A、B、C". */
export function rowProblemText(r: RowProblemBody): string {
  const text = problemText({ field: r.column, code: r.code, problem: r.problem, params: r.params });
  return table().row.replace('{row}', String(r.row)).replace('{text}', text);
}

/** The sentence for an error answer's code and fields, in the current language. */
export function apiErrorText(body: ApiErrorBody): string {
  const m = table();
  const fields = body.fields ?? [];
  const problems = fields.map(problemText).join(m.join.list);
  if (FIELD_CODES.has(body.code) && fields.length) return problems;
  const sentence = m.error[body.code];
  if (sentence) return WITH_FIELDS.has(body.code) && problems ? `${sentence} ${problems}` : sentence;
  if (currentLang() !== 'zh-CN' && body.message) return body.message;
  return m.generic;
}

/** "No connection" in the current language. */
export function networkText(): string {
  return table().network;
}

function isApiError(e: unknown): e is { status: number; code: string; serverMessage?: string; fields: ProblemBody[] } {
  return typeof e === 'object' && e !== null && 'status' in e && 'code' in e && 'fields' in e;
}

/** Anything thrown (an ApiError, a NetworkError, an error body, an Error) as one sentence,
 *  computed now so a language switch since the throw is honoured. */
export function errorText(err: unknown): string {
  if (isApiError(err)) return apiErrorText({ code: err.code, message: err.serverMessage, fields: err.fields });
  if (err instanceof Error && err.name === 'NetworkError') return networkText();
  if (typeof err === 'object' && err !== null && 'error' in err) {
    const body = (err as { error: unknown }).error;
    if (typeof body === 'object' && body !== null && 'code' in body) return apiErrorText(body as ApiErrorBody);
  }
  if (typeof err === 'object' && err !== null && 'code' in err && typeof (err as ApiErrorBody).code === 'string') {
    return apiErrorText(err as ApiErrorBody);
  }
  // A screen's own message (already translated) or a browser's: never raw English in Chinese.
  const msg = err instanceof Error ? err.message : String(err);
  if (currentLang() === 'zh-CN' && !/[\u4e00-\u9fff]/.test(msg)) return table().generic;
  return msg;
}

// PROVISIONAL: the anti-cheat API's shapes until the server's OpenAPI document has them
// (branch s7-intserver); then these become aliases of generated schemas in types.ts.
import type { ReasonLike } from './integrity';

export interface IntegrityDayItem {
  employee_id: string;
  employee_name: string;
  date: string;
  level: string;
  score: number;
  checks_version: number;
  revision: number;
  status: string;
  reason_codes: string[];
}

export interface IntegrityDayPage {
  items: IntegrityDayItem[];
  next_cursor?: string | null;
}

export interface IntegrityDayDetail extends IntegrityDayItem {
  computed_at: string;
  reasons: ReasonLike[];
  review?: { decision: string; note?: string | null; by: string; by_name?: string | null; at: string; revision: number } | null;
  appeal?: { text: string; photo_ids: string[]; at: string } | null;
  appeal_open?: boolean;
  appeal_until?: string | null;
  customers?: { id: string; name: string; lat?: number | null; lon?: number | null }[];
  actions?: { id: string; kind: string; t: string; lat?: number | null; lon?: number | null }[];
}

export interface IntegrityReview {
  decision: 'confirmed' | 'dismissed';
  note: string;
  revision?: number;
}

export interface IntegrityAppeal {
  text: string;
  photo_ids: string[];
}

export interface IntegritySettings {
  weights: Record<string, number>;
  review_at: number;
  likely_at: number;
  shared_devices: string[];
  notify: string[];
  appeal_days: number;
}

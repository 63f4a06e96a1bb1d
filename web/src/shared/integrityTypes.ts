// PROVISIONAL: the anti-cheat API's shapes as s7-intserver's services/integrity.rs defines
// them, until its OpenAPI document is merged; then these become aliases of generated
// schemas in types.ts.
export interface EvidencePoint {
  t: string;
  lat: number;
  lon: number;
  accuracy_m?: number | null;
}

export interface IntegrityDayItem {
  employee_id: string;
  employee_name: string;
  date: string;
  level: 'clean' | 'review' | 'likely_cheat';
  score: number;
  version: number;
  checks_version: number;
  status: 'open' | 'confirmed' | 'dismissed' | 'appealed';
  reasons: string[];
  computed_at: string;
}

export interface IntegrityDayPage {
  items: IntegrityDayItem[];
  next_cursor: string | null;
}

export interface ReasonView {
  code: string;
  weight: number;
  evidence: {
    points: EvidencePoint[];
    action_ids: string[];
    photo_ids: string[];
    matched_photo_ids: string[];
    other_employee_id: string | null;
    matched_day: { employee_id: string; date: string; track_url: string } | null;
    figures: Record<string, number>;
  };
  explanation: { zh: string; en: string };
}

export interface IntegrityDayView {
  employee_id: string;
  employee_name: string;
  date: string;
  level: 'clean' | 'review' | 'likely_cheat';
  score: number;
  version: number;
  checks_version: number;
  status: 'open' | 'confirmed' | 'dismissed' | 'appealed';
  computed_at: string;
  changed_at: string;
  reasons: ReasonView[];
  review: { decision: 'confirmed' | 'dismissed'; note: string | null; reviewer_id: string; at: string; version: number } | null;
  appeal: { text: string; photo_ids: string[]; at: string; version: number } | null;
  appeal_until: string;
  may_review: boolean;
  may_appeal: boolean;
  coord_system: string;
  day: {
    track_url: string;
    fixes: EvidencePoint[];
    actions: {
      id: string;
      kind: 'clock_in' | 'clock_out' | 'check_in' | 'check_out';
      t: string;
      received_at: string | null;
      lat: number | null;
      lon: number | null;
      accuracy_m: number | null;
      customer_id: string | null;
    }[];
    customers: { id: string; name: string; lat: number | null; lon: number | null; radius_m: number | null }[];
    photos: { id: string; action_id: string | null; t: string }[];
  };
  people: { id: string; name: string }[];
}

export interface ReviewInput {
  decision: 'confirmed' | 'dismissed';
  note?: string | null;
}

export interface AppealInput {
  text: string;
  photo_ids?: string[];
}

export interface IntegritySettingsInput {
  weights?: Record<string, number>;
  review_at: number;
  likely_at: number;
  shared_devices?: string[];
  notify?: ('clean' | 'review' | 'likely_cheat')[];
  appeal_days: number;
}

export interface IntegritySettingsView {
  weights: Record<string, number>;
  review_at: number;
  likely_at: number;
  shared_devices: string[];
  notify: ('clean' | 'review' | 'likely_cheat')[];
  appeal_days: number;
  default_weights: Record<string, number>;
}

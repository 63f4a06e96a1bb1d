// The API's shapes the front end reads (see /api/openapi.json for the full document).

export type Role = 'admin' | 'manager' | 'field' | 'finance';

export interface Employee {
  id: string;
  name: string;
  username: string | null;
  phone: string | null;
  employee_no: string | null;
  department_id: string;
  role: Role;
  active: boolean;
}

export interface Me {
  employee: Employee;
  tenant: { id: string; slug: string; name: string; timezone?: string };
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export type LiveStatus = 'moving' | 'stopped' | 'offline' | 'off_shift';

export interface LivePosition {
  employee_id: string;
  name: string;
  status: LiveStatus;
  t: string | null;
  lat: number | null;
  lon: number | null;
  accuracy_m: number | null;
  speed_mps: number | null;
}

export interface Stop {
  start: string;
  end: string;
  lat: number;
  lon: number;
  duration_s: number;
  radius_m: number;
}

export interface DayTrack {
  date: string;
  employee_id: string;
  mileage_m: number;
  work_mileage_m: number;
  stops: Stop[];
  trips: { start: string; end: string; distance_m: number }[];
  gaps: { start: string; end: string; duration_s: number }[];
  first_fix: string | null;
  last_fix: string | null;
  fixes_kept: number;
  /** [lat, lon, epoch ms] */
  polyline: [number, number, number][];
}

export interface Customer {
  id: string;
  name: string;
  code: string | null;
  address: string | null;
  location: { lat: number; lon: number; coord_system: string } | null;
  level: string;
  tags: string[];
  owner_id: string | null;
  checkin_radius_m: number | null;
  status: string;
  distance_m?: number;
}

export interface Flag {
  code: string;
  evidence: unknown;
}

export type CheckinStatus = 'within' | 'outside' | 'uncertain';

export interface Photo {
  id: string;
  visit_id: string | null;
  purpose: string;
  t: string;
  width: number;
  height: number;
  flags: Flag[];
  url: string;
  /** `camera` or `gallery` (contract B.4). */
  capture?: string;
}

export interface Visit {
  id: string;
  employee_id: string;
  customer_id: string;
  kind: 'planned' | 'ad_hoc' | 'prospect';
  /** Where and when, with the server's judgement of the place (flattened in). */
  check_in: {
    t: string;
    lat: number;
    lon: number;
    accuracy_m: number | null;
    status: CheckinStatus;
    distance_m: number | null;
    radius_m: number;
  };
  check_out: {
    t: string;
    accuracy_m?: number | null;
    duration_s: number;
    min_duration_s: number;
    too_short: boolean;
    distance_m: number | null;
  } | null;
  report: { form_id: string; form_version: number; answers: Record<string, unknown>; t: string } | null;
  photos?: Photo[];
  flags: Flag[];
  received_at: string;
  /** The report form the visit rule assigns to this customer. */
  form?: { id: string; version: number } | null;
  required_photos?: number | null;
}

export type FieldType =
  | 'text'
  | 'number'
  | 'single_select'
  | 'multi_select'
  | 'date'
  | 'boolean'
  | 'photo'
  | 'signature';

export interface FormField {
  key: string;
  label: string;
  type: FieldType;
  required?: boolean;
  help?: string | null;
  max_length?: number | null;
  min?: number | null;
  max?: number | null;
  integer?: boolean;
  options?: string[];
  min_count?: number | null;
  max_count?: number | null;
}

export interface Form {
  id: string;
  version: number;
  name: string;
  fields: FormField[];
}

export interface Punch {
  id: string;
  kind: string;
  t: string;
  judgement: Record<string, unknown>;
  flags: Flag[];
}

export interface Department {
  id: string;
  name: string;
  parent_id: string | null;
}

export interface DueInfo {
  reason: string;
  interval_days?: number | null;
  last_visit?: string | null;
  due: string;
  earliest: string;
  latest: string;
}

export interface PlanStop {
  customer_id: string;
  /** The visit that fulfilled this stop (same rep, customer and date), if any (B.7). */
  visit_id?: string | null;
  arrival: string;
  departure: string;
  service_min: number;
  due?: DueInfo | null;
}

export interface DayPlan {
  employee_id: string;
  date: string;
  status: string;
  km: number;
  stops: PlanStop[];
  /** Stops visited and planned on the day (B.7). */
  done?: number;
  planned?: number;
  /** Set when the rep has approved leave on the day (B.7). */
  conflict?: { code: string; request_id?: string } | null;
}

/** One row of `GET /attendance/team` (contract C.1). */
export interface TeamRow {
  employee: { id: string; name: string; department_id: string; department_name: string; start_date?: string | null };
  days: {
    date: string;
    status: string;
    clock_in_t?: string | null;
    clock_out_t?: string | null;
    late_min?: number | null;
    early_min?: number | null;
  }[];
  totals: Record<string, number>;
}

/** One row of `GET /mileage/monthly` (contract C.2). */
export interface MileageRow {
  employee: { id: string; name: string; department_name: string };
  days_tracked: number;
  working_km: number;
  total_km: number;
  outside_km: number;
}

export interface GenerateReport {
  days_written: number;
  due_visits: number;
  placed_visits: number;
  skipped_customers: number;
  elapsed_ms: number;
  plans: DayPlan[];
  unplaced: { customer_id: string; due: string; reason: string }[];
}

export interface MyPlanStop extends PlanStop {
  name: string;
  address?: string | null;
  lat?: number | null;
  lon?: number | null;
  visited: boolean;
}

export interface MyPlan {
  date: string;
  km: number;
  status: string;
  stops: MyPlanStop[];
}

export interface Geofence {
  id: string;
  name: string;
  center?: { lat: number; lon: number; coord_system: string } | null;
  radius_m?: number | null;
  geojson?: { type: 'Polygon'; coordinates: number[][][] } | null;
}

export interface AttendanceRule {
  weekdays: number[];
  shifts: { start: string; end: string }[];
  late_grace_min?: number;
  early_leave_grace_min?: number;
  clock_in_opens_min?: number;
  clock_out_closes_min?: number;
  fence_ids?: string[];
  photo_required?: boolean;
}

export interface VisitRule {
  checkin_radius_m?: number;
  min_duration_min?: number;
  required_photos?: number;
  default_form_id?: string | null;
  forms?: { form_id: string; level?: string | null; tag?: string | null }[];
}

export interface TrackingRule {
  weekdays: number[];
  windows: { start: string; end: string }[];
  moving_interval_s: number;
  stationary_interval_s: number;
  min_distance_m: number;
  desired_accuracy_m: number;
  keep_outside_windows?: boolean;
}

export interface AttendanceDay {
  date: string;
  status: string;
  worked_min: number;
  late_min: number;
  early_leave_min: number;
  leave_min: number;
  shifts: { clock_in?: string | null; clock_out?: string | null; start: string; end: string; status: string }[];
}

export interface ImportReport {
  dry_run: boolean;
  rows: number;
  created: number;
  updated: number;
  format: string;
  encoding: string;
  ignored_columns: string[];
  errors: { row: number; column: string; problem: string }[];
}

/** A leave or attendance-correction request (`body` is what the rep sent). */
export interface AttendanceRequest {
  id: string;
  employee_id: string;
  kind: 'leave' | 'correction' | string;
  status: 'pending' | 'approved' | 'rejected' | string;
  from: string;
  to: string;
  body: { leave_type?: string; reason?: string; kind?: string; t?: string; [k: string]: unknown };
}

export interface FormVersion extends Form {
  created_at?: string;
}

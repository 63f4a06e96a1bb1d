// The API's shapes, under the names the front end uses. Nothing here is written by hand:
// each is a schema of the server's OpenAPI document (`web/openapi.json`, kept equal to
// `outfield openapi` by a server test), from which the build generates `api.gen.ts`
// (`npm run types`). A change on the server that the console or the field app does not
// follow therefore fails `npm run build`. Front-end-only state lives with its screens.
import type { components } from './api.gen';

type S = components['schemas'];

// People and the session.
export type Role = S['Role'];
export type Employee = S['Employee'];
export type Department = S['Department'];
export type DepartmentInput = S['DepartmentInput'];
export type EmployeeInput = S['EmployeeInput'];
export type Me = S['MeResponse'];
export type LoginRequest = S['LoginRequest'];
export type LoginResponse = S['LoginResponse'];
export type LoginAnswer = S['LoginAnswer'];
export type TwoFactorChallenge = S['TwoFactorChallenge'];
export type SecondFactorRequest = S['SecondFactorRequest'];
export type EnrolledLoginResponse = S['EnrolledLoginResponse'];
export type TotpEnrolment = S['TotpEnrolment'];
export type TwoFactorStatus = S['TwoFactorStatus'];
export type RecoveryCodes = S['RecoveryCodes'];
export type SecuritySettings = S['SecuritySettings'];
export type SsoSettings = S['SsoSettings'];
export type SsoOffered = S['SsoOffered'];
export type SsoLoginResponse = S['SsoLoginResponse'];
export type DemoAccount = S['DemoAccount'];
export type DemoAccounts = S['DemoAccounts'];

// Errors (the body of every 4xx/5xx answer).
export type ErrorBody = S['ErrorBody'];
export type FieldProblem = S['FieldProblemBody'];
export type RowError = S['RowError'];

// Lists: each answers `{ items, next_cursor }` over its own items.
export type CustomerPage = S['CustomerPage'];
export type EmployeePage = S['EmployeePage'];
export type DepartmentList = S['DepartmentList'];
export type AuditPage = S['AuditPage'];
export type AuditEntry = S['AuditEntryView'];
export type GeofenceList = S['GeofenceList'];
export type VisitPage = S['VisitPage'];
export type TeamPage = S['TeamPage'];
export type MileagePage = S['MileagePage'];
export type Job = S['Job'];
export type JobPage = S['JobPage'];
export type Webhook = S['Webhook'];
export type ApiKey = S['ApiKey'];
export type ApiKeyList = S['ApiKeyList'];
export type ApiScope = S['ApiScope'];
export type NewKeyResponse = S['NewKeyResponse'];
export type KeySettings = S['KeySettings'];
export type WebhookList = S['WebhookList'];
export type WebhookWithSecret = S['WebhookWithSecret'];
export type Delivery = S['Delivery'];
export type DeliveryPage = S['DeliveryPage'];
export type ReportSchedule = S['ScheduleView'];
export type ReportSchedulePage = S['SchedulePage'];
export type ReportRun = S['RunView'];
export type ReportRunPage = S['RunPage'];
export type EventType = S['EventType'];
export type JobCountList = S['JobCountList'];
/** Any of the lists above, for code that reads every page of one. */
export type Pages = CustomerPage | EmployeePage | DepartmentList | GeofenceList | VisitPage | TeamPage | MileagePage;

// Live map and tracks.
export type LiveStatus = S['LiveStatus'];
export type LivePosition = S['LivePosition'];
export type Stop = S['StopOut'];
export type DayTrack = S['DayTrack'];
export type TrackingPolicy = S['TrackingPolicy'];

// Customers.
export type Customer = S['Customer'];
export type Level = S['Level'];
export type CustomerInput = S['CustomerInput'];
export type ImportReport = S['ImportReport'];

// Visits, photos, reports and their flags.
export type Flag = S['Flag'];
export type FlagCode = S['FlagCode'];
export type CheckinStatus = S['CheckinStatus'];
export type Photo = S['PhotoView'];
export type Capture = S['Capture'];
export type Visit = S['VisitView'];
export type CheckoutRequires = S['CheckoutRequires'];
export type FieldType = S['FieldType'];
export type FormField = S['FieldInput'];
export type Form = S['FormView'];
export type FormList = S['FormList'];
export type FormInput = S['FormInput'];

// Attendance and requests.
export type Punch = S['PunchAnswer'];
export type AttendanceDay = S['DailyAttendance'];
export type AttendanceDays = S['AttendanceDays'];
export type TeamRow = S['TeamRow'];
export type MileageRow = S['MileageRow'];
export type AttendanceRequest = S['RequestView'];
export type Decision = S['Decision'];
export type Today = S['Today'];

// Plans.
export type DueInfo = S['DueInfo'];
export type PlanStop = S['PlanStopView'];
export type DayPlan = S['PlanDay'];
export type DayPlanList = S['PlanDayList'];
export type GenerateReport = S['GenerateReport'];
export type GenerateInput = S['GenerateInput'];
export type PublishInput = S['PublishInput'];
export type PublishReport = S['PublishReport'];
export type DayEdit = S['DayEdit'];
export type ReoptimizeInput = S['ReoptimizeInput'];
export type MyPlanStop = S['MyStop'];
export type MyPlan = S['MyDay'];

// Rules and geofences.
export type Geofence = S['Geofence'];
export type FenceGeometry = S['FenceGeometry'];
export type GeofenceInput = S['GeofenceInput'];
export type AttendanceRule = S['AttendanceRule'];
export type VisitRule = S['VisitRule'];
export type TrackingRule = S['TrackingRule'];
export type TrackingRuleSet = S['RuleSet'];

// What the field app sends.
export type DeviceFacts = S['DeviceFacts'];
export type PunchInput = S['PunchInput'];
export type CheckinInput = S['CheckinInput'];
export type ProspectInput = S['ProspectInput'];
export type CheckoutInput = S['CheckoutInput'];
export type PhotoMeta = S['PhotoMeta'];
export type ReportInput = S['ReportInput'];
export type LeaveInput = S['LeaveInput'];
export type FixInput = S['FixInput'];
export type LocationBatch = S['LocationBatch'];

// The anti-cheat centre.
export type IntegrityDayItem = S['IntegrityDayItem'];
export type IntegrityDayPage = S['IntegrityDayPage'];
export type IntegrityDayDetail = S['IntegrityDayView'];
export type IntegrityReason = S['ReasonView'];
export type IntegrityReasonCode = S['ReasonCode'];
export type IntegrityReview = S['ReviewInput'];
export type IntegrityAppeal = S['AppealInput'];
export type IntegritySettings = S['IntegritySettingsView'];
export type IntegritySettingsInput = S['IntegritySettingsInput'];

// Mileage claims (开车报销), payouts, rates and vehicles.
export type ClaimSummary = S['ClaimSummary'];
export type ClaimPage = S['ClaimPage'];
export type ClaimView = S['ClaimView'];
export type ClaimLine = S['LineView'];
export type ClaimExpense = S['ExpenseView'];
export type ClaimDecision = S['ClaimDecision'];
export type NewClaim = S['NewClaim'];
export type ClaimSettings = S['ClaimSettings'];
export type ClaimSettingsBody = S['ClaimSettingsBody'];
export type NewExpense = S['NewExpense'];
export type LineAdjustment = S['LineAdjustment'];
export type Payout = S['PayoutView'];
export type PayoutPage = S['PayoutPage'];
export type NewPayout = S['NewPayout'];
export type RateTables = S['RateTables'];
export type RateTable = S['RateTableBody'];
export type Vehicles = S['Vehicles'];
export type VehicleItem = S['VehicleItem'];

// Approvals (every request type through the approval engine).
export type InboxItem = S['InboxItem'];
export type InboxPage = S['InboxPage'];
export type RequestSummary = S['RequestSummary'];
export type RequestPage = S['RequestPage'];
export type RequestDetail = S['RequestDetail'];
export type RoundView = S['RoundView'];
export type StepView = S['StepView'];
export type ApproverView = S['ApproverView'];
export type DecisionInput = S['DecisionInput'];
export type WithdrawInput = S['WithdrawInput'];
export type FlowView = S['FlowView'];
export type StepDef = S['StepDef'];
export type FlowInput = S['FlowInput'];
export type DashboardView = S['DashboardView'];
export type ReportPage = S['ReportPage'];
export type ReportColumn = S['ReportColumn'];
export type InsightView = S['InsightView'];
export type InsightPage = S['InsightPage'];
export type InsightSettings = S['InsightSettingsBody'];

// In-app notifications.
export type NotificationView = S['NotificationView'];
export type NotificationPage = S['NotificationPage'];
export type UnreadCount = S['UnreadCount'];

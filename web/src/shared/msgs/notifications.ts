// Strings of the in-app notifications (the bell in the console's top bar and on the field
// app's home screen). `{who}` is a person's name, `{type}` a request type in words.
export const en = {
  'notes.title': 'Messages',
  'notes.open': 'Messages',
  'notes.none': 'No messages.',
  'notes.read_all': 'Mark all read',
  'notes.unread': '{n} unread',
  'notes.approval_waiting': '{who}’s {type} waits for your decision',
  'notes.approval_waiting_anon': 'A {type} waits for your decision',
  'notes.approval_reminder': 'Reminder: {who}’s {type} still waits for you',
  'notes.approval_decided.approved': 'Your {type} was approved',
  'notes.approval_decided.rejected': 'Your {type} was rejected',
  'notes.claim_paid': 'Your mileage claim was paid',
  'notes.request': 'request',
};

export const zh: Record<keyof typeof en, string> = {
  'notes.title': '消息',
  'notes.open': '消息',
  'notes.none': '没有消息。',
  'notes.read_all': '全部标为已读',
  'notes.unread': '{n} 条未读',
  'notes.approval_waiting': '{who}的{type}等待你审批',
  'notes.approval_waiting_anon': '有{type}等待你审批',
  'notes.approval_reminder': '提醒：{who}的{type}仍在等待你审批',
  'notes.approval_decided.approved': '你的{type}已同意',
  'notes.approval_decided.rejected': '你的{type}已驳回',
  'notes.claim_paid': '你的里程报销已付款',
  'notes.request': '申请',
};

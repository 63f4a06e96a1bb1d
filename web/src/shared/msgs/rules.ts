// Strings of the rules screen's scope (company or a department).
export const en = {
  'rules.scope': 'Applies to',
  'rules.scope_company': 'Whole company',
  'rules.dept_scope': 'For this department and its sub-departments; it overrides the company rule. A department without its own rule shows the default here.',
  'rules.own_rule': 'This department has its own tracking rule.',
  'rules.inherited': 'This department follows the company tracking rule (shown); saving gives it its own.',
  'rules.remove_override': 'Use the company rule',
};

export const zh: Record<keyof typeof en, string> = {
  'rules.scope': '适用范围',
  'rules.scope_company': '全公司',
  'rules.dept_scope': '适用于该部门及其下级部门，优先于公司规则。部门未单独设置时此处显示默认值。',
  'rules.own_rule': '该部门有自己的轨迹规则。',
  'rules.inherited': '该部门沿用公司的轨迹规则（如下所示）；保存后将单独生效。',
  'rules.remove_override': '改用公司规则',
};

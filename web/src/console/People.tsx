// People and departments: the department tree as a list, everyone in the company with
// their role and department, and a form to create or edit either.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { t } from '../shared/i18n';
import type { MessageKey } from '../shared/messages';
import type { Department, DepartmentInput, DepartmentList, Employee, EmployeeInput, EmployeePage, Role, TwoFactorStatus } from '../shared/types';
import { useLang } from '../shared/ui';
import { useDirectory } from './directory';
import { assignableRoles, may, useRole, useSelf } from './roles';
import { api } from './session';


type Editing = { kind: 'employee'; e: Partial<Employee> } | { kind: 'department'; d: Partial<Department> } | null;

export function People() {
  const lang = useLang();
  const dir = useDirectory();
  const role = useRole();
  // A manager edits field reps only (access.rs may_assign_role); finance reads.
  const editsPeople = may(role, 'people.edit');
  const editsDepartments = may(role, 'departments.edit');
  const mayEdit = (e: Employee) => editsPeople && assignableRoles(role).includes(e.role);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [employees, setEmployees] = useState<Employee[]>([]);
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<Editing>(null);
  const [error, setError] = useState('');

  const load = async () => {
    try {
      const [d, e] = await Promise.all([
        api.get<DepartmentList>('/departments'),
        api.get<EmployeePage>('/employees', { limit: 500 }),
      ]);
      setDepartments(d.items);
      setEmployees(e.items);
    } catch (err) {
      setError(errorText(err));
    }
  };
  useEffect(() => void load(), []);

  const deptName = (id: string | null | undefined) => departments.find((d) => d.id === id)?.name ?? '';
  const shown = employees
    .filter((e) => !filter || e.department_id === filter)
    .sort((a, b) => a.name.localeCompare(b.name, lang));
  const saved = async () => {
    setEditing(null);
    await load();
    void dir?.load();
  };

  return (
    <div class="split wide">
      <section class="panel list-panel">
        {error && <p class="error">{error}</p>}
        <div class="panel-head">
          <h2>{t('people.departments')}</h2>
          {editsDepartments && (
            <button onClick={() => setEditing({ kind: 'department', d: {} })} data-testid="new-department">
              {t('people.new_department')}
            </button>
          )}
        </div>
        <table class="table" data-testid="departments">
          <thead>
            <tr>
              <th>{t('name')}</th>
              <th>{t('people.parent')}</th>
            </tr>
          </thead>
          <tbody>
            {departments.map((d) => (
              <tr
                class={filter === d.id ? 'selected' : ''}
                onClick={() => {
                  setFilter(filter === d.id ? '' : d.id);
                  if (editsDepartments) setEditing({ kind: 'department', d });
                }}
              >
                <td>{d.name}</td>
                <td>{deptName(d.parent_id)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="panel-head">
          <h2>{t('people.employees')}</h2>
          {editsPeople && (
            <button
              onClick={() => setEditing({ kind: 'employee', e: { role: 'field', active: true, department_id: filter || departments[0]?.id } })}
              data-testid="new-employee"
            >
              {t('people.new_employee')}
            </button>
          )}
        </div>
        {!editsPeople && <p class="muted small">{t('people.read_only')}</p>}
        <table class="table" data-testid="employees">
          <thead>
            <tr>
              <th>{t('name')}</th>
              <th>{t('people.username')}</th>
              <th>{t('people.role')}</th>
              <th>{t('plans.department')}</th>
              <th>{t('people.active')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((e) => (
              <tr
                class={mayEdit(e) ? '' : 'static'}
                onClick={() => mayEdit(e) && setEditing({ kind: 'employee', e })}
                data-username={e.username ?? ''}
              >
                <td>{e.name}</td>
                <td>{e.username}</td>
                <td>{t(`role.${e.role}` as MessageKey)}</td>
                <td>{deptName(e.department_id)}</td>
                <td>{e.active ? t('yes') : t('no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {editing?.kind === 'employee' && (
        <EmployeeForm key={editing.e.id ?? 'new'} initial={editing.e} roles={assignableRoles(role)} departments={departments} onSaved={saved} onClose={() => setEditing(null)} />
      )}
      {editing?.kind === 'department' && (
        <DepartmentForm key={editing.d.id ?? 'new'} initial={editing.d} departments={departments} onSaved={saved} onClose={() => setEditing(null)} />
      )}
    </div>
  );
}

function EmployeeForm(props: { initial: Partial<Employee>; roles: Role[]; departments: Department[]; onSaved: () => void; onClose: () => void }) {
  const [e, setE] = useState<Partial<Employee>>(props.initial);
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const set = (k: keyof Employee, v: unknown) => setE((x) => ({ ...x, [k]: v }));
  const submit = async (ev: Event) => {
    ev.preventDefault();
    // Left-out required fields are the server's to refuse (422, shown by the field).
    const body: Partial<EmployeeInput> = {
      name: e.name,
      username: e.username || null,
      phone: e.phone || null,
      employee_no: e.employee_no || null,
      role: e.role,
      department_id: e.department_id,
      active: e.active ?? true,
      ...(password ? { password } : {}),
    };
    try {
      if (e.id) await api.put(`/employees/${e.id}`, body);
      else await api.post('/employees', body);
      props.onSaved();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form class="panel detail form" onSubmit={submit} data-testid="employee-form">
      <div class="panel-head">
        <h2>{e.id ? t('edit') : t('people.new_employee')}</h2>
        <button type="button" onClick={props.onClose} aria-label={t('close')}>×</button>
      </div>
      <label>
        {t('name')}
        <input name="name" required value={e.name ?? ''} onInput={(x) => set('name', x.currentTarget.value)} />
      </label>
      <label>
        {t('people.username')}
        <input name="username" value={e.username ?? ''} onInput={(x) => set('username', x.currentTarget.value)} />
      </label>
      <label>
        {t('people.password')}
        <input name="password" type="password" autocomplete="new-password" value={password} onInput={(x) => setPassword(x.currentTarget.value)} />
      </label>
      <label>
        {t('people.phone')}
        <input name="phone" value={e.phone ?? ''} onInput={(x) => set('phone', x.currentTarget.value)} />
      </label>
      <label>
        {t('people.employee_no')}
        <input name="employee_no" value={e.employee_no ?? ''} onInput={(x) => set('employee_no', x.currentTarget.value)} />
      </label>
      <label>
        {t('people.role')}
        <select name="role" value={e.role} onChange={(x) => set('role', x.currentTarget.value)}>
          {props.roles.map((r) => (
            <option value={r}>{t(`role.${r}` as MessageKey)}</option>
          ))}
        </select>
      </label>
      <label>
        {t('plans.department')}
        <select name="department_id" value={e.department_id} onChange={(x) => set('department_id', x.currentTarget.value)}>
          {props.departments.map((d) => (
            <option value={d.id}>{d.name}</option>
          ))}
        </select>
      </label>
      <label class="check">
        <input type="checkbox" checked={e.active ?? true} onChange={(x) => set('active', x.currentTarget.checked)} />
        {t('people.active')}
      </label>
      {e.id && <TwoFactorRow employee={e as Employee} />}
      {error && <p class="error" role="alert">{error}</p>}
      <button class="primary" type="submit" data-testid="employee-save">{t('save')}</button>
    </form>
  );
}

/** The person's two-step sign-in, with the admin's reset (a lost phone). */
function TwoFactorRow({ employee }: { employee: Employee }) {
  const role = useRole();
  const self = useSelf();
  const [status, setStatus] = useState<TwoFactorStatus | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const load = () => api.get<TwoFactorStatus>(`/employees/${employee.id}/2fa`).then(setStatus, () => setStatus(null));
  useEffect(() => void load(), [employee.id]);
  if (!status) return null;
  const reset = async () => {
    if (!confirm(t('people.two_factor_reset_confirm', { name: employee.name }))) return;
    setError('');
    try {
      await api.post(`/employees/${employee.id}/2fa/reset`);
      setNote(t('people.two_factor_was_reset'));
      await load();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div class="two-factor" data-testid="employee-2fa">
      <span>
        {t('people.two_factor')}: {status.enabled ? t('people.two_factor_on') : t('people.two_factor_off')}
      </span>{' '}
      {status.enabled && role === 'admin' && employee.id !== self && (
        <button type="button" onClick={reset} data-testid="employee-2fa-reset">
          {t('people.two_factor_reset')}
        </button>
      )}
      {note && <p class="small">{note}</p>}
      {error && <p class="error" role="alert">{error}</p>}
    </div>
  );
}

function DepartmentForm(props: { initial: Partial<Department>; departments: Department[]; onSaved: () => void; onClose: () => void }) {
  const [name, setName] = useState(props.initial.name ?? '');
  const [parent, setParent] = useState(props.initial.parent_id ?? '');
  const [error, setError] = useState('');
  const submit = async (ev: Event) => {
    ev.preventDefault();
    const body: DepartmentInput = { name, parent_id: parent || null };
    try {
      if (props.initial.id) await api.put(`/departments/${props.initial.id}`, body);
      else await api.post('/departments', body);
      props.onSaved();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form class="panel detail form" onSubmit={submit} data-testid="department-form">
      <div class="panel-head">
        <h2>{props.initial.id ? t('edit') : t('people.new_department')}</h2>
        <button type="button" onClick={props.onClose} aria-label={t('close')}>×</button>
      </div>
      <label>
        {t('name')}
        <input name="name" required value={name} onInput={(x) => setName(x.currentTarget.value)} />
      </label>
      <label>
        {t('people.parent')}
        <select value={parent} onChange={(x) => setParent(x.currentTarget.value)}>
          <option value="">{t('none')}</option>
          {props.departments
            .filter((d) => d.id !== props.initial.id)
            .map((d) => (
              <option value={d.id}>{d.name}</option>
            ))}
        </select>
      </label>
      {error && <p class="error" role="alert">{error}</p>}
      <button class="primary" type="submit">{t('save')}</button>
    </form>
  );
}

/**
 * Staff and PINs (owner only, UX owner 5): who works here, in which role, whether they have a
 * PIN for the till and a password for this view; add someone, set a PIN (it reaches the tills
 * as a hash at their next sync), let someone go or take them back. PINs are typed, never shown.
 */
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { roles, staffCreateBodySchema, staffPinBodySchema, type OwnerStaffMember } from '@payme/shared';
import { DataTable } from '../../components/DataTable.js';
import { Field, FormError, SelectField } from '../../components/Field.js';
import { QueryView } from '../../components/PageState.js';
import { FormFooter } from '../../components/FormFooter.js';
import { useApi } from '../../deps.js';
import { errorWords } from '../../error-words.js';
import { useZodForm } from '../../forms/use-zod-form.js';
import { useT } from '../../i18n/i18n.js';
import { OwnerOnly } from '../OwnerOnly.js';
import { staffApi, staff_keys } from './staff-api.js';

const blank = { name: '', role: 'cashier', email: '', password: '', pin: '' };
const absentIfBlank = (text: string) => (text.trim() === '' ? undefined : text.trim());

function AddStaff() {
  const t = useT();
  const words = t.manage.staff;
  const api = staffApi(useApi().http);
  const queryClient = useQueryClient();
  const [added, setAdded] = useState<string | null>(null);
  const form = useZodForm({
    t,
    initial: blank,
    schema: staffCreateBodySchema,
    toInput: (values) => ({ name: values.name, role: values.role, email: absentIfBlank(values.email), password: values.password === '' ? undefined : values.password, pin: absentIfBlank(values.pin) }),
    submit: async (body) => {
      const member = await api.create(body);
      form.reset(blank);
      setAdded(words.added(member.name));
      await queryClient.invalidateQueries({ queryKey: ['staff'] });
    },
  });
  const signsIn = form.values.role !== 'cashier';
  return (
    <form className="card" onSubmit={form.onSubmit} noValidate aria-labelledby="add-staff-title">
      <h2 id="add-staff-title">{words.add_title}</h2>
      <div className="form-grid">
        <Field label={words.name} value={form.values.name} error={form.errors.name} onChange={(event) => form.set('name', event.target.value)} />
        <SelectField label={words.role} value={form.values.role} error={form.errors.role} onChange={(event) => form.set('role', event.target.value)}>
          {roles.map((role) => (
            <option key={role} value={role}>
              {t.role[role]}
            </option>
          ))}
        </SelectField>
        <Field label={words.pin} type="password" inputMode="numeric" autoComplete="off" value={form.values.pin} error={form.errors.pin} hint={words.pin_hint} onChange={(event) => form.set('pin', event.target.value)} />
        {signsIn && <Field label={words.email} type="email" autoComplete="off" value={form.values.email} error={form.errors.email} onChange={(event) => form.set('email', event.target.value)} />}
        {signsIn && <Field label={words.password} type="password" autoComplete="new-password" value={form.values.password} error={form.errors.password} hint={words.password_hint} onChange={(event) => form.set('password', event.target.value)} />}
      </div>
      <FormFooter form_error={form.form_error} notice={added} submitting={form.submitting} submit={words.add} submitting_text={t.saving} />
    </form>
  );
}

function SetPin({ member, onDone }: { member: OwnerStaffMember; onDone(message: string): void }) {
  const t = useT();
  const words = t.manage.staff;
  const api = staffApi(useApi().http);
  const queryClient = useQueryClient();
  const form = useZodForm({
    t,
    initial: { pin: '' },
    schema: staffPinBodySchema,
    toInput: (values) => ({ pin: values.pin.trim() }),
    submit: async (body) => {
      await api.setPin(member.id, body.pin);
      await queryClient.invalidateQueries({ queryKey: ['staff'] });
      onDone(words.pin_set(member.name));
    },
  });
  return (
    <form className="card narrow" onSubmit={form.onSubmit} noValidate aria-label={words.set_pin_for(member.name)}>
      <h2>{words.set_pin_for(member.name)}</h2>
      <Field label={words.new_pin} type="password" inputMode="numeric" autoComplete="off" value={form.values.pin} error={form.errors.pin} hint={words.pin_hint} onChange={(event) => form.set('pin', event.target.value)} />
      <FormError message={form.form_error} />
      <button type="submit" className="primary" disabled={form.submitting}>
        {form.submitting ? t.saving : t.save}
      </button>{' '}
      <button type="button" onClick={() => onDone('')}>
        {t.cancel}
      </button>
    </form>
  );
}

function Staff() {
  const t = useT();
  const words = t.manage.staff;
  const api = staffApi(useApi().http);
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: staff_keys.list, queryFn: api.list });
  const [pinFor, setPinFor] = useState<OwnerStaffMember | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const activate = useMutation({
    mutationFn: (member: OwnerStaffMember) => api.setActive(member.id, !member.active),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['staff'] }),
  });
  return (
    <section aria-labelledby="staff-title">
      <h1 id="staff-title">{t.page.staff}</h1>
      <AddStaff />
      {pinFor !== null && (
        <SetPin
          key={pinFor.id}
          member={pinFor}
          onDone={(message) => {
            setPinFor(null);
            setNotice(message === '' ? null : message);
          }}
        />
      )}
      {notice !== null && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <FormError message={activate.isError ? errorWords(activate.error, t) : null} />
      <QueryView query={query}>
        {(answer) => (
          <DataTable
            caption={t.page.staff}
            hideCaption
            columns={[
              { key: 'name', header: words.name, cell: (member) => member.name },
              { key: 'role', header: words.role, cell: (member) => t.role[member.role] },
              { key: 'email', header: words.email, cell: (member) => member.email ?? '' },
              { key: 'pin', header: words.pin, cell: (member) => (member.has_pin ? t.manage.yes : t.manage.no) },
              { key: 'status', header: t.manage.catalog.status, cell: (member) => (member.active ? t.manage.active : words.inactive) },
              {
                key: 'actions',
                header: t.manage.edit,
                cell: (member) => (
                  <span className="actions">
                    <button type="button" aria-label={words.set_pin_for(member.name)} onClick={() => setPinFor(member)}>
                      {words.set_pin}
                    </button>
                    <button type="button" aria-label={member.active ? words.deactivate_name(member.name) : words.activate_name(member.name)} disabled={activate.isPending} onClick={() => activate.mutate(member)}>
                      {member.active ? words.deactivate : words.activate}
                    </button>
                  </span>
                ),
              },
            ]}
            rows={answer.staff}
            rowKey={(member) => member.id}
            empty={words.none}
          />
        )}
      </QueryView>
    </section>
  );
}

export function StaffPage() {
  return (
    <OwnerOnly>
      <Staff />
    </OwnerOnly>
  );
}

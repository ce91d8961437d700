/** "Is anything wrong?" (UX owner 4): the business's alarms, urgent first, in the page's language. */
import { useQuery } from '@tanstack/react-query';
import type { Alarm } from '@payme/shared';
import { QueryView } from '../../components/PageState.js';
import { useApi } from '../../deps.js';
import { useT } from '../../i18n/i18n.js';

const severity_order: Record<Alarm['severity'], number> = { critical: 0, warning: 1 };

export function AlarmList() {
  const t = useT().reports.alarms;
  const api = useApi();
  const alarms = useQuery({ queryKey: ['alarms'], queryFn: () => api.reports.alarms() });
  return (
    <section aria-labelledby="alarms-title" className="card alarms">
      <h2 id="alarms-title">{t.title}</h2>
      <QueryView query={alarms}>
        {(answer) =>
          answer.alarms.length === 0 ? (
            <p className="empty">{t.none}</p>
          ) : (
            <ul>
              {[...answer.alarms]
                .sort((a, b) => severity_order[a.severity] - severity_order[b.severity])
                .map((alarm) => (
                  <li key={`${alarm.kind}-${alarm.subject_id ?? ''}`} className={`alarm alarm-${alarm.severity}`}>
                    <strong>{alarm.severity === 'critical' ? t.critical : t.warning}:</strong> {t.kind[alarm.kind](alarm.count)}
                  </li>
                ))}
            </ul>
          )
        }
      </QueryView>
    </section>
  );
}
